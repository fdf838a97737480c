/*
 * x86_64 drivers keep the IRQL in CR8 (converted from tests/pe/irql_cr8.c and its driver half):
 * the DDK's KeGetCurrentIrql / KeRaiseIrql / KfRaiseIrql / KeRaiseIrqlToDpcLevel /
 * KeRaiseIrqlToSynchLevel / KeLowerIrql are inline `mov` to and from CR8 (MinGW-w64 wdm.h;
 * MSVC's __readcr8/__writecr8), not imports. On Windows CR8 is the IRQL (MSDN "Managing Hardware
 * Priorities": x64 keeps the IRQL in the task priority register), so:
 * - what the inlines read and write is the IRQL the kernel's exports see, both ways (the exports
 *   found by name at run time: Wine's builtin has no KeGetCurrentIrql);
 * - it is per processor, and a raised thread cannot be preempted: another thread does not see it;
 * - CR8 holds four bits; every general register can be the source or destination;
 * - nonpaged pool is allowed at DISPATCH_LEVEL raised through the inline.
 * The pool's IRQL rule broken (BAD_POOL_CALLER) stays in tests/pe/irql_cr8.c: it ends the process.
 * i386 has no CR8 (its IRQL routines are hal.dll's): the group skips there.
 */
#include "kmode_test.h"

#ifdef _AMD64_
#define SYNCH 12   /* x64 (wdm.h's KeRaiseIrqlToSynchLevel) */
#define TAG_CR8 '8rCC'

/* The inlines in functions of their own, so that their code can be looked at. */
static __attribute__((noinline)) KIRQL inline_get(void) { return KeGetCurrentIrql(); }
static __attribute__((noinline)) KIRQL inline_raise(KIRQL irql) { KIRQL old; KeRaiseIrql(irql, &old); return old; }
static __attribute__((noinline)) KIRQL inline_kf_raise(KIRQL irql) { return KfRaiseIrql(irql); }
static __attribute__((noinline)) KIRQL inline_raise_to_dpc(void) { return KeRaiseIrqlToDpcLevel(); }
static __attribute__((noinline)) KIRQL inline_raise_to_synch(void) { return KeRaiseIrqlToSynchLevel(); }
static __attribute__((noinline)) void inline_lower(KIRQL irql) { KeLowerIrql(irql); }

static KIRQL (*p_KeGetCurrentIrql)(VOID);
static KIRQL (*p_KfRaiseIrql)(KIRQL);
static VOID (*p_KeLowerIrql)(KIRQL);

/* One leaf function per register (Win64 ABI: value in rcx, result in rax), written in assembly
 * because C cannot choose the register a CR8 move uses. Callee-saved registers are restored. */
#define CR8_BODY(reg) \
    "    mov %rcx, %" #reg "\n" \
    "    mov %" #reg ", %cr8\n" \
    "    mov $-1, %" #reg "\n" \
    "    mov %cr8, %" #reg "\n" \
    "    mov %" #reg ", %rax\n"
#define CR8_VOLATILE(reg) \
    __asm__(".text\n.globl kmcr8_rt_" #reg "\nkmcr8_rt_" #reg ":\n" CR8_BODY(reg) "    ret\n"); \
    unsigned long long kmcr8_rt_##reg(unsigned long long);
#define CR8_SAVED(reg) \
    __asm__(".text\n.globl kmcr8_rt_" #reg "\nkmcr8_rt_" #reg ":\n    push %" #reg "\n" CR8_BODY(reg) \
            "    pop %" #reg "\n    ret\n"); \
    unsigned long long kmcr8_rt_##reg(unsigned long long);

CR8_VOLATILE(rax)
CR8_VOLATILE(rcx)
CR8_VOLATILE(rdx)
CR8_SAVED(rbx)
CR8_SAVED(rbp)
CR8_SAVED(rsi)
CR8_SAVED(rdi)
CR8_VOLATILE(r8)
CR8_VOLATILE(r9)
CR8_VOLATILE(r10)
CR8_VOLATILE(r11)
CR8_SAVED(r12)
CR8_SAVED(r13)
CR8_SAVED(r14)
CR8_SAVED(r15)

__asm__(".text\n.globl kmcr8_write_rsp\nkmcr8_write_rsp:\n    mov %rsp, %cr8\n    mov %rsp, %rax\n    ret\n");
unsigned long long kmcr8_write_rsp(void);

static unsigned long long (*const roundtrip[16])(unsigned long long) = {
    kmcr8_rt_rax, kmcr8_rt_rcx, kmcr8_rt_rdx, kmcr8_rt_rbx, NULL,         kmcr8_rt_rbp, kmcr8_rt_rsi, kmcr8_rt_rdi,
    kmcr8_rt_r8,  kmcr8_rt_r9,  kmcr8_rt_r10, kmcr8_rt_r11, kmcr8_rt_r12, kmcr8_rt_r13, kmcr8_rt_r14, kmcr8_rt_r15,
};

/* Whether the first bytes of fn hold a move to or from CR8 (REX with R set, 0F 20/22, ModRM.reg 0):
 * the inline must really be run, not an import. */
static int uses_cr8(const void *fn)
{
    const unsigned char *p = fn;
    int i;
    for (i = 0; i < 64; i++)
        if ((p[i] & 0xF4) == 0x44 && p[i + 1] == 0x0F && (p[i + 2] == 0x20 || p[i + 2] == 0x22) &&
            !(p[i + 3] & 0x38))
            return 1;
    return 0;
}

static void test_inlines_use_cr8(void)
{
    ok(uses_cr8(inline_get), "KeGetCurrentIrql is not a CR8 read\n");
    ok(uses_cr8(inline_raise), "KeRaiseIrql is not a CR8 access\n");
    ok(uses_cr8(inline_kf_raise), "KfRaiseIrql is not a CR8 access\n");
    ok(uses_cr8(inline_raise_to_dpc), "KeRaiseIrqlToDpcLevel is not a CR8 access\n");
    ok(uses_cr8(inline_raise_to_synch), "KeRaiseIrqlToSynchLevel is not a CR8 access\n");
    ok(uses_cr8(inline_lower), "KeLowerIrql is not a CR8 write\n");
}

static void check_irql(KIRQL expected, const char *when)
{
    KIRQL inline_irql = inline_get();
    /* Wine's builtin reads CR8 as 0 (it emulates the move, keeps no IRQL). */
    todo_wine_if(kmtest_wine_builtin() && expected != PASSIVE_LEVEL)
        ok(inline_irql == expected, "%s: KeGetCurrentIrql (inline) %u, expected %u\n", when, inline_irql, expected);
    if (p_KeGetCurrentIrql)
    {
        KIRQL export_irql = p_KeGetCurrentIrql();
        ok(export_irql == expected, "%s: KeGetCurrentIrql (export) %u, expected %u\n", when, export_irql, expected);
    }
}

static void test_inline_and_exports_agree(void)
{
    KIRQL old;

    check_irql(PASSIVE_LEVEL, "start");
    old = inline_raise(DISPATCH_LEVEL);
    ok(old == PASSIVE_LEVEL, "KeRaiseIrql returned %u\n", old);
    check_irql(DISPATCH_LEVEL, "after KeRaiseIrql(DISPATCH_LEVEL)");
    inline_lower(PASSIVE_LEVEL);
    check_irql(PASSIVE_LEVEL, "after KeLowerIrql(PASSIVE_LEVEL)");

    old = inline_kf_raise(DISPATCH_LEVEL);
    ok(old == PASSIVE_LEVEL, "KfRaiseIrql returned %u\n", old);
    check_irql(DISPATCH_LEVEL, "after KfRaiseIrql(DISPATCH_LEVEL)");
    p_KeLowerIrql(PASSIVE_LEVEL);   /* the export lowers what the inline raised */
    check_irql(PASSIVE_LEVEL, "after the exported KeLowerIrql");

    old = p_KfRaiseIrql(APC_LEVEL);   /* the inline sees what the export raised */
    ok(old == PASSIVE_LEVEL, "exported KfRaiseIrql returned %u\n", old);
    old = inline_raise_to_dpc();
    todo_wine_if(kmtest_wine_builtin()) ok(old == APC_LEVEL, "KeRaiseIrqlToDpcLevel returned %u\n", old);
    check_irql(DISPATCH_LEVEL, "after KeRaiseIrqlToDpcLevel");
    old = inline_raise_to_synch();
    todo_wine_if(kmtest_wine_builtin()) ok(old == DISPATCH_LEVEL, "KeRaiseIrqlToSynchLevel returned %u\n", old);
    check_irql(SYNCH, "after KeRaiseIrqlToSynchLevel");
    old = inline_kf_raise(HIGH_LEVEL);
    todo_wine_if(kmtest_wine_builtin()) ok(old == SYNCH, "KfRaiseIrql(HIGH_LEVEL) returned %u\n", old);
    check_irql(HIGH_LEVEL, "after KfRaiseIrql(HIGH_LEVEL)");
    inline_lower(PASSIVE_LEVEL);
    check_irql(PASSIVE_LEVEL, "end");
}

static KIRQL seen_by_other;

static void other_thread_irql(void *ctx, unsigned index)
{
    (void)ctx, (void)index;
    seen_by_other = inline_get();
}

static void test_per_thread(void)
{
    /* Raised, this thread may not create or wait for another on Windows (a bug check): there,
     * the fact holds by construction. Under Wine the threads are host threads. */
    if (!winetest_platform_is_wine())
    {
        skip("waiting at DISPATCH_LEVEL is a bug check on Windows\n");
        return;
    }
    seen_by_other = 0xFF;
    inline_raise(DISPATCH_LEVEL);
    ok(kmtest_run_threads(1, other_thread_irql, NULL) == 1, "the thread did not start\n");
    ok(seen_by_other == PASSIVE_LEVEL, "another thread reads IRQL %u while this one is at DISPATCH_LEVEL\n",
       seen_by_other);
    check_irql(DISPATCH_LEVEL, "after the other thread");
    inline_lower(PASSIVE_LEVEL);
}

static const char *const register_names[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                               "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};

static void test_every_register(void)
{
    /* A processor raises #GP for a CR8 write with bits 63:4 set (Intel SDM vol. 3, 10.8.6.1):
     * the bits above the IRQL are only written where the CR8 moves are emulated (Wine). */
    const int high_bits = winetest_platform_is_wine();
    unsigned long long rsp;
    unsigned i;

    for (i = 0; i < 16; i++)
    {
        /* A distinct IRQL per register, in bits the write must ignore. */
        const unsigned long long value = (high_bits ? 0xA5A5A5A5A5A5A500ull : 0) | (i == 0 ? 3 : i);
        unsigned long long got;
        if (!roundtrip[i]) continue;
        winetest_push_context("%s", register_names[i]);
        got = roundtrip[i](value);
        todo_wine_if(kmtest_wine_builtin()) ok(got == (value & 0xF), "read back %#I64x, expected %#I64x\n", got, value & 0xF);
        if (p_KeGetCurrentIrql)
            ok(p_KeGetCurrentIrql() == (value & 0xF), "exported KeGetCurrentIrql %u after the write\n",
               p_KeGetCurrentIrql());
        inline_lower(PASSIVE_LEVEL);
        winetest_pop_context();
    }
    if (high_bits)
    {
        rsp = kmcr8_write_rsp();
        todo_wine_if(kmtest_wine_builtin() && (rsp & 0xF))
            ok(inline_get() == (rsp & 0xF), "mov %%rsp, %%cr8 with rsp %#I64x left IRQL %u\n", rsp, inline_get());
        inline_lower(PASSIVE_LEVEL);
    }
    else skip("mov %%rsp, %%cr8: rsp has bits above the IRQL (#GP on a processor)\n");
    check_irql(PASSIVE_LEVEL, "after the register round trips");
}

static void test_pool_at_raised_irql(void)
{
    void *p;
    inline_raise(DISPATCH_LEVEL);
    p = ExAllocatePoolWithTag(NonPagedPool, 64, TAG_CR8);   /* nonpaged pool is allowed up to DISPATCH_LEVEL */
    ok(p != NULL, "NonPagedPool allocation at DISPATCH_LEVEL failed\n");
    if (p) ExFreePoolWithTag(p, TAG_CR8);
    inline_lower(PASSIVE_LEVEL);
}

void kmtest_group_irql_cr8(void)
{
    p_KeGetCurrentIrql = kmtest_routine(L"KeGetCurrentIrql");
    p_KfRaiseIrql = kmtest_routine(L"KfRaiseIrql");
    p_KeLowerIrql = kmtest_routine(L"KeLowerIrql");
    test_inlines_use_cr8();
    if (!p_KfRaiseIrql || !p_KeLowerIrql)
    {
        win_skip("no KfRaiseIrql / KeLowerIrql export\n");
        return;
    }
    if (!p_KeGetCurrentIrql) todo_wine_if(kmtest_wine_builtin()) ok(0, "no KeGetCurrentIrql export: inline only\n");
    test_inline_and_exports_agree();
    test_per_thread();
    test_every_register();
    test_pool_at_raised_irql();
}
#else
void kmtest_group_irql_cr8(void)
{
    skip("i386 has no CR8: the IRQL routines are hal.dll's, not inline CR8 accesses\n");
}
#endif
