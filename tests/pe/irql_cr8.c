/*
 * x86_64 drivers keep the IRQL in CR8: the DDK's KeRaiseIrql is an inline `mov` to CR8 (MinGW-w64
 * wdm.h; MSVC's __writecr8), not an import, and on Windows CR8 is the IRQL (MSDN "Managing
 * Hardware Priorities"). So the pool's IRQL rule applies to an IRQL raised through the inline:
 * PagedPool at DISPATCH_LEVEL is BAD_POOL_CALLER (0xC2) subcode 0x08, P2 the IRQL, P3 the pool
 * type, P4 the size (Microsoft's bug check 0xC2 reference), checked in a child process
 * ("child NAME").
 * i386 has no CR8 (its IRQL routines are hal.dll's): the test skips there.
 *
 * Why here and not in the kernel-mode conformance driver (tests/kmode): each case must end its
 * process with a bug check. That the inlines are CR8 moves, that they and the kernel's exports
 * see one IRQL, per thread, through every register, and that nonpaged pool is allowed at
 * DISPATCH_LEVEL are tests/kmode/irql_cr8.c, run in every place.
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

#include "irql_cr8_driver.h"
#include "wine_test.h"
#include "wine_test_child.h"

#define DISPATCH_LEVEL 2
#define TAG_CR8 0x38724343 /* 'CCr8' */

#if CR8D_AVAILABLE

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
    test_pool_at_bad_irql();
#else
    skip("i386 has no CR8: the IRQL routines are hal.dll's, not inline CR8 accesses\n");
#endif
}
