/*
 * x86_64 drivers keep the IRQL in CR8: the DDK's KeGetCurrentIrql / KeRaiseIrql / KfRaiseIrql /
 * KeRaiseIrqlToDpcLevel / KeRaiseIrqlToSynchLevel / KeLowerIrql are inline `mov` to and from CR8
 * (MinGW-w64 wdm.h; MSVC's __readcr8/__writecr8), not imports. On Windows CR8 is the IRQL
 * (MSDN "Managing Hardware Priorities": x64 keeps the IRQL in the task priority register), so:
 * - what the inlines read and write is the IRQL the kernel's exports see, both ways;
 * - it is per processor, and a raised thread cannot be preempted: another thread does not see it;
 * - CR8 holds four bits; every general register can be the source or destination;
 * - the pool's IRQL rule applies to an IRQL raised through the inline: PagedPool at
 *   DISPATCH_LEVEL is BAD_POOL_CALLER (0xC2) subcode 0x08, P2 the IRQL, P3 the pool type, P4 the
 *   size (Microsoft's bug check 0xC2 reference), checked in a child process ("child NAME").
 * i386 has no CR8 (its IRQL routines are hal.dll's): the test skips there.
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

#include "irql_cr8_driver.h"
#include "wine_test.h"
#include "wine_test_child.h"

#define PASSIVE_LEVEL 0
#define APC_LEVEL 1
#define DISPATCH_LEVEL 2
#define SYNCH_LEVEL 12 /* x64 (wdm.h's KeRaiseIrqlToSynchLevel) */
#define HIGH_LEVEL 15
#define TAG_CR8 0x38724343 /* 'CCr8' */

#if CR8D_AVAILABLE

/* Whether the first bytes of fn hold a move to or from CR8 (REX with R set, 0F 20/22, ModRM.reg 0):
 * the driver half must really run the inline, not an import. */
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

static void test_driver_half_uses_cr8(void)
{
    ok(uses_cr8(cr8d_KeGetCurrentIrql), "KeGetCurrentIrql is not a CR8 read\n");
    ok(uses_cr8(cr8d_KeRaiseIrql), "KeRaiseIrql is not a CR8 access\n");
    ok(uses_cr8(cr8d_KfRaiseIrql), "KfRaiseIrql is not a CR8 access\n");
    ok(uses_cr8(cr8d_KeRaiseIrqlToDpcLevel), "KeRaiseIrqlToDpcLevel is not a CR8 access\n");
    ok(uses_cr8(cr8d_KeRaiseIrqlToSynchLevel), "KeRaiseIrqlToSynchLevel is not a CR8 access\n");
    ok(uses_cr8(cr8d_KeLowerIrql), "KeLowerIrql is not a CR8 write\n");
}

static void check_irql(unsigned char expected, const char *when)
{
    unsigned char inline_irql = cr8d_KeGetCurrentIrql(), export_irql = cr8d_export_KeGetCurrentIrql();
    ok(inline_irql == expected, "%s: KeGetCurrentIrql (inline) %u, expected %u\n", when, inline_irql, expected);
    ok(export_irql == expected, "%s: KeGetCurrentIrql (export) %u, expected %u\n", when, export_irql, expected);
}

static void test_inline_and_exports_agree(void)
{
    unsigned char old;

    check_irql(PASSIVE_LEVEL, "start");
    old = cr8d_KeRaiseIrql(DISPATCH_LEVEL);
    ok(old == PASSIVE_LEVEL, "KeRaiseIrql returned %u\n", old);
    check_irql(DISPATCH_LEVEL, "after KeRaiseIrql(DISPATCH_LEVEL)");
    cr8d_KeLowerIrql(PASSIVE_LEVEL);
    check_irql(PASSIVE_LEVEL, "after KeLowerIrql(PASSIVE_LEVEL)");

    old = cr8d_KfRaiseIrql(DISPATCH_LEVEL);
    ok(old == PASSIVE_LEVEL, "KfRaiseIrql returned %u\n", old);
    check_irql(DISPATCH_LEVEL, "after KfRaiseIrql(DISPATCH_LEVEL)");
    cr8d_export_KeLowerIrql(PASSIVE_LEVEL);   /* the export lowers what the inline raised */
    check_irql(PASSIVE_LEVEL, "after the exported KeLowerIrql");

    old = cr8d_export_KfRaiseIrql(APC_LEVEL);   /* the inline sees what the export raised */
    ok(old == PASSIVE_LEVEL, "exported KfRaiseIrql returned %u\n", old);
    old = cr8d_KeRaiseIrqlToDpcLevel();
    ok(old == APC_LEVEL, "KeRaiseIrqlToDpcLevel returned %u\n", old);
    check_irql(DISPATCH_LEVEL, "after KeRaiseIrqlToDpcLevel");
    old = cr8d_KeRaiseIrqlToSynchLevel();
    ok(old == DISPATCH_LEVEL, "KeRaiseIrqlToSynchLevel returned %u\n", old);
    check_irql(SYNCH_LEVEL, "after KeRaiseIrqlToSynchLevel");
    old = cr8d_KfRaiseIrql(HIGH_LEVEL);
    ok(old == SYNCH_LEVEL, "KfRaiseIrql(HIGH_LEVEL) returned %u\n", old);
    check_irql(HIGH_LEVEL, "after KfRaiseIrql(HIGH_LEVEL)");
    cr8d_KeLowerIrql(PASSIVE_LEVEL);
    check_irql(PASSIVE_LEVEL, "end");
}

static DWORD WINAPI other_thread_irql(void *arg)
{
    (void)arg;
    return cr8d_KeGetCurrentIrql();
}

static void test_per_thread(void)
{
    DWORD seen = 0xFF;
    HANDLE thread;

    cr8d_KeRaiseIrql(DISPATCH_LEVEL);
    thread = CreateThread(NULL, 0, other_thread_irql, NULL, 0, NULL);
    ok(thread != NULL, "CreateThread failed: %lu\n", GetLastError());
    if (thread)
    {
        WaitForSingleObject(thread, INFINITE);
        GetExitCodeThread(thread, &seen);
        CloseHandle(thread);
    }
    ok(seen == PASSIVE_LEVEL, "another thread reads IRQL %lu while this one is at DISPATCH_LEVEL\n", seen);
    check_irql(DISPATCH_LEVEL, "after the other thread");
    cr8d_KeLowerIrql(PASSIVE_LEVEL);
}

static const char *const register_names[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                               "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};

static void test_every_register(void)
{
    unsigned i;
    unsigned long long rsp;

    for (i = 0; i < 16; i++)
    {
        /* A distinct IRQL per register, in bits the write must ignore. */
        const unsigned long long value = 0xA5A5A5A5A5A5A500ull | (i == 0 ? 3 : i);
        unsigned long long got;
        if (!cr8d_roundtrip[i]) continue;
        winetest_push_context("%s", register_names[i]);
        got = cr8d_roundtrip[i](value);
        ok(got == (value & 0xF), "read back %#I64x, expected %#I64x\n", got, value & 0xF);
        ok(cr8d_export_KeGetCurrentIrql() == (value & 0xF), "exported KeGetCurrentIrql %u after the write\n",
           cr8d_export_KeGetCurrentIrql());
        cr8d_KeLowerIrql(PASSIVE_LEVEL);
        winetest_pop_context();
    }
    rsp = cr8d_write_rsp();
    ok(cr8d_export_KeGetCurrentIrql() == (rsp & 0xF), "mov %%rsp, %%cr8 with rsp %#I64x left IRQL %u\n", rsp,
       cr8d_export_KeGetCurrentIrql());
    cr8d_KeLowerIrql(PASSIVE_LEVEL);
    check_irql(PASSIVE_LEVEL, "after the register round trips");
}

static void test_pool_at_raised_irql(void)
{
    void *p;
    cr8d_KeRaiseIrql(DISPATCH_LEVEL);
    p = cr8d_allocate(0, 64, TAG_CR8);   /* nonpaged pool is allowed up to DISPATCH_LEVEL */
    ok(p != NULL, "NonPagedPool allocation at DISPATCH_LEVEL failed\n");
    if (p) cr8d_free(p, TAG_CR8);
    cr8d_KeLowerIrql(PASSIVE_LEVEL);
}

/* ---- Children: the process ends with the bug check ---- */
static void run_child(const char *name)
{
    if (!strcmp(name, "paged_at_dispatch"))
    {
        cr8d_KeRaiseIrql(DISPATCH_LEVEL);
        cr8d_allocate(1, 64, TAG_CR8);
    }
    else if (!strcmp(name, "paged_free_at_dispatch"))
    {
        void *p = cr8d_allocate(1, 64, TAG_CR8);
        cr8d_KeRaiseIrql(DISPATCH_LEVEL);
        cr8d_free(p, TAG_CR8);
    }
    else if (!strcmp(name, "nonpaged_above_dispatch"))
    {
        cr8d_KeRaiseIrql(DISPATCH_LEVEL + 1);
        cr8d_allocate(0, 64, TAG_CR8);
    }
    else ExitProcess(0x7E);
    ExitProcess(0x7D);   /* no bug check */
}

/* The pool's IRQL rules with the IRQL raised through the DDK's CR8 inline: BAD_POOL_CALLER 0x08
 * (allocate: P2 the IRQL, P3 the pool type, P4 the size) and 0x09 (free: P2 the IRQL, P3 the
 * block's pool type, P4 its address, not compared here). */
static void test_pool_at_bad_irql(void)
{
    static const struct { const char *child, *stop; } cases[] =
    {
        {"paged_at_dispatch", "*** STOP: 0x000000C2 (0x0000000000000008,0x0000000000000002,0x0000000000000001,"
                              "0x0000000000000040) BAD_POOL_CALLER\n"},
        {"paged_free_at_dispatch", "*** STOP: 0x000000C2 (0x0000000000000009,0x0000000000000002,0x0000000000000001,"},
        {"nonpaged_above_dispatch", "*** STOP: 0x000000C2 (0x0000000000000008,0x0000000000000003,0x0000000000000000,"
                                    "0x0000000000000040) BAD_POOL_CALLER\n"},
    };
    char out[4096], args[64];
    unsigned i;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    {
        const char *stop;
        DWORD code;
        snprintf(args, sizeof(args), "child %s", cases[i].child);
        code = winetest_run_self(args, out, sizeof(out));
        winetest_push_context("%s", cases[i].child);
        ok(code == 0xC2, "exit code %#lx, expected 0xC2; output \"%s\"\n", code, out);
        stop = strstr(out, "*** STOP: ");
        ok(stop && !strncmp(stop, cases[i].stop, strlen(cases[i].stop)), "STOP line \"%s\", expected \"%s\"\n",
           stop ? stop : out, cases[i].stop);
        winetest_pop_context();
    }
}

#endif /* CR8D_AVAILABLE */

START_TEST(irql_cr8)
{
#if CR8D_AVAILABLE
    char **argv;
    int argc = winetest_get_mainargs(&argv);
    if (argc >= 3 && !strcmp(argv[1], "child"))
    {
        run_child(argv[2]);
        return;
    }
    test_driver_half_uses_cr8();
    test_inline_and_exports_agree();
    test_per_thread();
    test_every_register();
    test_pool_at_raised_irql();
    test_pool_at_bad_irql();
#else
    skip("i386 has no CR8: the IRQL routines are hal.dll's, not inline CR8 accesses\n");
#endif
}
