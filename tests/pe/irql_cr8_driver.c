/*
 * Driver half of the CR8 tests (see irql_cr8_driver.h), compiled against the MinGW-w64 DDK
 * headers like an x86_64 driver: the IRQL routines below are the wdm.h inlines over __readcr8 /
 * __writecr8, i.e. `mov %cr8, reg` (REX.R 0F 20) and `mov reg, %cr8` (REX.R 0F 22) in the code.
 */
#include <ntddk.h>

#include "irql_cr8_driver.h"

#if defined(__x86_64__)
unsigned char cr8d_KeGetCurrentIrql(void) { return KeGetCurrentIrql(); }

unsigned char cr8d_KeRaiseIrql(unsigned char irql)
{
    KIRQL old;
    KeRaiseIrql(irql, &old);
    return old;
}

unsigned char cr8d_KfRaiseIrql(unsigned char irql) { return KfRaiseIrql(irql); }
unsigned char cr8d_KeRaiseIrqlToDpcLevel(void) { return KeRaiseIrqlToDpcLevel(); }
unsigned char cr8d_KeRaiseIrqlToSynchLevel(void) { return KeRaiseIrqlToSynchLevel(); }
void cr8d_KeLowerIrql(unsigned char irql) { KeLowerIrql(irql); }

/* The same names as imports (the header's inlines hide the prototypes of the exports). */
extern KIRQL (*__imp_KeGetCurrentIrql)(VOID);
extern KIRQL (*__imp_KfRaiseIrql)(KIRQL);
extern VOID (*__imp_KeLowerIrql)(KIRQL);

unsigned char cr8d_export_KeGetCurrentIrql(void) { return __imp_KeGetCurrentIrql(); }
unsigned char cr8d_export_KfRaiseIrql(unsigned char irql) { return __imp_KfRaiseIrql(irql); }
void cr8d_export_KeLowerIrql(unsigned char irql) { __imp_KeLowerIrql(irql); }

void *cr8d_allocate(int paged, size_t bytes, unsigned int tag)
{
    return ExAllocatePoolWithTag(paged ? PagedPool : NonPagedPool, bytes, tag);
}

void cr8d_free(void *p, unsigned int tag) { ExFreePoolWithTag(p, tag); }

/* One leaf function per register (Win64 ABI: value in rcx, result in rax), written in assembly
 * because C cannot choose the register a CR8 move uses. Callee-saved registers are restored. */
#define CR8D_BODY(reg) \
    "    mov %rcx, %" #reg "\n" \
    "    mov %" #reg ", %cr8\n" \
    "    mov $-1, %" #reg "\n" \
    "    mov %cr8, %" #reg "\n" \
    "    mov %" #reg ", %rax\n"
#define CR8D_VOLATILE(reg) \
    __asm__(".text\n.globl cr8d_rt_" #reg "\ncr8d_rt_" #reg ":\n" CR8D_BODY(reg) "    ret\n"); \
    unsigned long long cr8d_rt_##reg(unsigned long long);
#define CR8D_SAVED(reg) \
    __asm__(".text\n.globl cr8d_rt_" #reg "\ncr8d_rt_" #reg ":\n    push %" #reg "\n" CR8D_BODY(reg) \
            "    pop %" #reg "\n    ret\n"); \
    unsigned long long cr8d_rt_##reg(unsigned long long);

CR8D_VOLATILE(rax)
CR8D_VOLATILE(rcx)
CR8D_VOLATILE(rdx)
CR8D_SAVED(rbx)
CR8D_SAVED(rbp)
CR8D_SAVED(rsi)
CR8D_SAVED(rdi)
CR8D_VOLATILE(r8)
CR8D_VOLATILE(r9)
CR8D_VOLATILE(r10)
CR8D_VOLATILE(r11)
CR8D_SAVED(r12)
CR8D_SAVED(r13)
CR8D_SAVED(r14)
CR8D_SAVED(r15)

__asm__(".text\n.globl cr8d_write_rsp\ncr8d_write_rsp:\n    mov %rsp, %cr8\n    mov %rsp, %rax\n    ret\n");

const cr8d_roundtrip_fn cr8d_roundtrip[16] = {
    cr8d_rt_rax, cr8d_rt_rcx, cr8d_rt_rdx, cr8d_rt_rbx, NULL,        cr8d_rt_rbp, cr8d_rt_rsi, cr8d_rt_rdi,
    cr8d_rt_r8,  cr8d_rt_r9,  cr8d_rt_r10, cr8d_rt_r11, cr8d_rt_r12, cr8d_rt_r13, cr8d_rt_r14, cr8d_rt_r15,
};
#endif
