/*
 * Interface between irql_cr8.c and its driver half (irql_cr8_driver.c, built against
 * <ddk/ntddk.h>). On x86_64 the DDK's KeGetCurrentIrql, KeRaiseIrql/KfRaiseIrql,
 * KeRaiseIrqlToDpcLevel, KeRaiseIrqlToSynchLevel and KeLowerIrql are inlines that move to and from
 * CR8, as MSVC's __readcr8/__writecr8 are in drivers built with the WDK; the cr8d_* wrappers run
 * those inlines, the cr8d_export_* ones the module's exports of the same names. i386 has no CR8:
 * there the wrappers do not exist (CR8D_AVAILABLE is 0).
 */
#ifndef NTOSKRNL_TESTS_IRQL_CR8_DRIVER_H
#define NTOSKRNL_TESTS_IRQL_CR8_DRIVER_H

#include <stddef.h>

#if defined(__x86_64__)
#define CR8D_AVAILABLE 1

/* The header inlines (mov to/from CR8). */
unsigned char cr8d_KeGetCurrentIrql(void);
unsigned char cr8d_KeRaiseIrql(unsigned char irql);   /* KeRaiseIrql(irql, &old); returns old */
unsigned char cr8d_KfRaiseIrql(unsigned char irql);
unsigned char cr8d_KeRaiseIrqlToDpcLevel(void);
unsigned char cr8d_KeRaiseIrqlToSynchLevel(void);
void cr8d_KeLowerIrql(unsigned char irql);

/* The module's exports, imported by name. */
unsigned char cr8d_export_KeGetCurrentIrql(void);
unsigned char cr8d_export_KfRaiseIrql(unsigned char irql);
void cr8d_export_KeLowerIrql(unsigned char irql);

/* ExAllocatePoolWithTag / ExFreePoolWithTag with PagedPool and NonPagedPool. */
void *cr8d_allocate(int paged, size_t bytes, unsigned int tag);
void cr8d_free(void *p, unsigned int tag);

/* Every general register through CR8: cr8d_roundtrip[i] (register number i as x86-64 encodes it:
 * 0 rax ... 7 rdi, 8 r8 ... 15 r15) loads value into that register, writes it to CR8, overwrites
 * the register with all ones and reads CR8 back into it; returns what the register then holds.
 * rsp (4) cannot take an arbitrary value: cr8d_write_rsp writes rsp to CR8 and returns that rsp. */
typedef unsigned long long (*cr8d_roundtrip_fn)(unsigned long long value);
extern const cr8d_roundtrip_fn cr8d_roundtrip[16];   /* [4] is NULL */
unsigned long long cr8d_write_rsp(void);
#else
#define CR8D_AVAILABLE 0
#endif

#endif
