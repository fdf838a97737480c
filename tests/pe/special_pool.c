/*
 * Driver Verifier's special pool (NTOSKRNL_VERIFIER=1 in the environment, what the driver host's
 * verifier option sets): each small block ends at the end of a page of its own (Verify End
 * alignment), a guard page follows, and a freed page is unmapped.
 *
 * Expectations: Microsoft's Driver Verifier "Special Pool" page (placement), bug checks 0xC1
 * (subcodes 0x20 not allocated, 0x21 bad address, 0x23 nearby bytes corrupted, 0x24 bytes after
 * the end overwritten), 0xD5/0xD6 (a driver faulting in freed special pool / beyond the end: P1
 * the address, P2 0 read 1 write). On Windows the verifier is enabled with verifier.exe and a
 * reboot, so these cases run under Wine only.
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

#include "pool_driver.h"
#include "wine_test.h"
#include "wine_test_child.h"

#define TAG_SPECIAL 0x6c637053 /* 'Spcl' */

struct special_case
{
    const char *name;
    DWORD code;
    int faults;     /* detected by a page fault, not at free */
    ULONG64 p2, p4; /* checked unless ~0 */
    int p1_is_addr; /* P1 must be the address the child printed */
};

static const struct special_case cases[] =
{
    {"overrun_in_slack", 0xC1, 0, ~0ull, 0x24, 1},
    {"underrun", 0xC1, 0, ~0ull, 0x23, 1},
    {"double_free", 0xC1, 0, 0, 0x20, 1},
    {"interior_pointer", 0xC1, 0, ~0ull, 0x21, 1},
    {"overrun_past_page", 0xD6, 1, 1, ~0ull, 1},
    {"use_after_free", 0xD5, 1, 0, ~0ull, 1},
};

static unsigned char *alloc_special(size_t n)
{
    return pd_ExAllocatePoolWithTag(PD_NonPagedPool, n, TAG_SPECIAL);
}

static void report(const void *p)
{
    printf("ADDR %p\n", p);
    fflush(stdout);
}

static void run_child(const char *name)
{
    unsigned char *p, *reserved;
    volatile unsigned char *v;

    if (!strcmp(name, "probe_fault"))
    {
        /* What a write to reserved, uncommitted memory raises here: an access violation on
         * Windows and Wine; 32-bit Wine under qemu-user reports an illegal instruction. */
        SetUnhandledExceptionFilter(winetest_exit_with_exception_code);
        reserved = VirtualAlloc(NULL, 4096, MEM_RESERVE, PAGE_NOACCESS);
        *(volatile unsigned char *)reserved = 1;
        ExitProcess(0x7F);
    }
    p = alloc_special(60);
    v = p;

    if (!strcmp(name, "placement"))
    {
        const size_t unit = 2 * sizeof(void *);
        size_t n;
        for (n = 1; n <= 4000; n = n * 3 + 1)
        {
            unsigned char *q = alloc_special(n);
            size_t span = (n + unit - 1) / unit * unit;
            ok(q != NULL, "%Iu bytes: NULL\n", n);
            if (!q) continue;
            ok(((ULONG_PTR)q + span) % 4096 == 0, "%Iu bytes at %p: not at the end of its page\n", n, q);
            memset(q, 0xA5, n);
            pd_ExFreePoolWithTag(q, TAG_SPECIAL);
        }
        pd_ExFreePool(p);
        return; /* the exit status is the number of failures */
    }
    if (!strcmp(name, "overrun_in_slack")) { report(p); p[61] = 1; pd_ExFreePool(p); }
    if (!strcmp(name, "underrun")) { report(p); p[-(int)(2 * sizeof(void *)) - 1] = 1; pd_ExFreePool(p); }
    if (!strcmp(name, "double_free")) { report(p); pd_ExFreePool(p); pd_ExFreePool(p); }
    if (!strcmp(name, "interior_pointer")) { report(p + 8); pd_ExFreePool(p + 8); }
    if (!strcmp(name, "overrun_past_page"))
    {
        unsigned char *q = alloc_special(64);
        report(q + 64);
        ((volatile unsigned char *)q)[64] = 1;
    }
    if (!strcmp(name, "use_after_free")) { report(p); pd_ExFreePool(p); (void)v[0]; }
    ExitProcess(0x7F); /* survived */
}

static void check(const struct special_case *c, DWORD exit_code, const char *out)
{
    struct winetest_stop st;

    winetest_parse_stop(out, &st);
    ok(exit_code == c->code, "exit code %#lx, expected %#lx; output \"%s\"\n", exit_code, c->code, out);
    ok(st.found && st.alone, "not one STOP line: \"%s\"\n", out);
    if (!st.found) return;
    ok(st.code == c->code, "code %#lx\n", st.code);
    if (c->p1_is_addr) ok(st.addr && st.p[0] == st.addr, "P1 %#I64x, expected %#I64x\n", st.p[0], st.addr);
    if (c->p2 != ~0ull) ok(st.p[1] == c->p2, "P2 %#I64x, expected %#I64x\n", st.p[1], c->p2);
    if (c->p4 != ~0ull) ok(st.p[3] == c->p4, "P4 %#I64x, expected %#I64x\n", st.p[3], c->p4);
}

START_TEST(special_pool)
{
    char **argv, out[2048], args[128];
    int argc = winetest_get_mainargs(&argv);
    DWORD code, fault_code;
    unsigned i;

    if (argc > 2 && !strcmp(argv[1], "child"))
    {
        run_child(argv[2]);
        return;
    }
    if (!winetest_under_wine)
    {
        skip("special pool needs Driver Verifier (verifier.exe and a reboot) on Windows\n");
        return;
    }
    fault_code = winetest_run_self("child probe_fault", out, sizeof(out));
    SetEnvironmentVariableA("NTOSKRNL_VERIFIER", "1");
    code = winetest_run_self("child placement", out, sizeof(out));
    ok(code == 0, "placement: exit code %lu; output:\n%s\n", code, out);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    {
        snprintf(args, sizeof(args), "child %s", cases[i].name);
        winetest_push_context("%s", cases[i].name);
        if (cases[i].faults && fault_code != EXCEPTION_ACCESS_VIOLATION)
        {
            skip("this system reports a fault on reserved memory as %#lx, not an access violation "
                 "(32-bit Wine under qemu-user): page-fault detection cannot be observed\n", fault_code);
            winetest_pop_context();
            continue;
        }
        code = winetest_run_self(args, out, sizeof(out));
        check(&cases[i], code, out);
        winetest_pop_context();
    }
}
