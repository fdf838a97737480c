/*
 * Pool calls that end the process.
 *
 * Failed allocations: NULL where nothing asks for a raise (tested in-process first); those that
 * raise STATUS_INSUFFICIENT_RESOURCES run in a child ("child raise NAME") whose
 * unhandled-exception filter ends it with the exception code; 0x7D / 0x7E mean the call returned
 * a block / NULL instead of raising.
 *
 * Misuse that Windows answers with a bug check: double frees, frees of addresses that are not
 * the start of a pool block, PROTECTED_POOL tag mismatches, headers overwritten by an overrun or
 * underrun, MustSucceed requests. Each case runs in a fresh child process ("child NAME"), which
 * prints the address it misuses ("ADDR <hex>") and then must end with exactly one STOP line
 * (tests/pe/bugcheck.c) and the code as exit status. Cases Windows lets pass end with status 0.
 *
 * Codes and parameters: windows-behavior.md 3.1 [BC:0xC2], [BC:0x19], [DDKXP:ExFreePoolWithTag],
 * [assarbad]; where the bug-check page leaves a parameter "reserved" or the reference leaves the
 * case open, the project's decision is followed and the parameter is not asserted (ANY).
 */
#include <windows.h>
#include <stdint.h>

#include "pool_driver.h"
#include "wine_test.h"
#include "wine_test_child.h"

#define MEMTAG(a, b, c, d) ((ULONG)(BYTE)(a) | (ULONG)(BYTE)(b) << 8 | (ULONG)(BYTE)(c) << 16 | (ULONG)(BYTE)(d) << 24)
#define TAG_TEST MEMTAG('P', 'l', 'M', 's')
#define TAG_OTHER MEMTAG('P', 'l', 'O', 't')
#define TAG_PROTECTED (MEMTAG('1', 't', 's', 'T') | PD_PROTECTED_POOL) /* 'Tst1' | PROTECTED_POOL */
#define HUGE_REQUEST ((SIZE_T)-1 / 2) /* 0x7FFFFFFF on i386: fails in any 32-bit process (3.1 kmtest) */

enum { ANY, VAL, ADDR }; /* how a parameter is checked: not at all, a constant, the child's address */
struct param { int kind; ULONG64 value; };
#define P_ANY {ANY, 0}
#define P_ADDR {ADDR, 0}
#define P_VAL(v) {VAL, (ULONG64)(v)}

struct misuse_case
{
    const char *name;
    DWORD code;             /* bug check code, or 0: the child must survive */
    struct param p[4];
};

static const struct misuse_case cases[] =
{
    /* 0x07: "freeing already-free pool": P2 reserved (project decision: 0), P3 header contents, P4 address. */
    {"double_free_small", 0xC2, {P_VAL(0x07), P_VAL(0), P_ANY, P_ADDR}},
    {"double_free_paged", 0xC2, {P_VAL(0x07), P_VAL(0), P_ANY, P_ADDR}},
    {"double_free_pool2", 0xC2, {P_VAL(0x07), P_VAL(0), P_ANY, P_ADDR}},
    {"double_free_big", 0xC2, {P_VAL(0x07), P_ANY, P_ANY, P_ADDR}},
    /* 0x42: "address never in any pool" (project decision for P3/P4: 0). */
    {"free_static", 0xC2, {P_VAL(0x42), P_ADDR, P_VAL(0), P_VAL(0)}},
    {"free_stack", 0xC2, {P_VAL(0x42), P_ADDR, P_VAL(0), P_VAL(0)}},
    /* 0x99: invalid address (nonpaged); 0x41286: free in the middle of a paged allocation. */
    {"free_middle_nonpaged", 0xC2, {P_VAL(0x99), P_ADDR, P_ANY, P_ANY}},
    {"free_middle_paged", 0xC2, {P_VAL(0x41286), P_ANY, P_ANY, P_ANY}},
    /* 0x0A: wrong tag; P2 address, P3 the block's tag, P4 the tag passed. */
    {"protected_exfreepool", 0xC2, {P_VAL(0x0A), P_ADDR, P_VAL(TAG_PROTECTED), P_VAL(0)}},
    {"protected_other_tag", 0xC2, {P_VAL(0x0A), P_ADDR, P_VAL(TAG_PROTECTED), P_VAL(TAG_OTHER)}},
    {"protected_big", 0xC2, {P_VAL(0x0A), P_ADDR, P_VAL(TAG_PROTECTED), P_VAL(0)}},
    {"protected_same_tag", 0, {P_ANY, P_ANY, P_ANY, P_ANY}},
    /* Free builds only check protected tags ([assarbad]; 3.1 says not to expect a crash here). */
    {"unprotected_other_tag", 0, {P_ANY, P_ANY, P_ANY, P_ANY}},
    /* BAD_POOL_HEADER: any of the header-corruption subcodes; 0x21 "data after block corrupted". */
    {"overrun_next_header", 0x19, {P_ANY, P_ANY, P_ANY, P_ANY}},
    {"underrun_own_header", 0x19, {P_ANY, P_ANY, P_ANY, P_ANY}},
    {"write_past_end", 0x19, {P_VAL(0x21), P_ADDR, P_VAL(13), P_ANY}},
    /* Cache-aligned blocks are whole cache lines: the slack past a 10-byte request is checked too. */
    {"write_past_end_cache_aligned", 0x19, {P_VAL(0x21), P_ADDR, P_VAL(10), P_ANY}},
    /* Past the small limit but below a page: exactly the bytes asked for, as below the limit (3.1). */
    {"write_past_end_below_a_page", 0x19, {P_VAL(0x21), P_ADDR, P_VAL(PD_PAGE_SIZE - 10), P_ANY}},
    /* The overrunning block's own free finds the next header changed: 0x20 (P2 the block's header). */
    {"overrun_free_the_overrunner", 0x19, {P_VAL(0x20), P_ANY, P_ANY, P_ANY}},
    /* A write after free destroys the free-list link kept in the block: 0x3 "the pool freelist is
     * corrupt" (P2 the entry), found when the list is next followed, not a crash of the allocator. */
    {"write_after_free", 0x19, {P_VAL(0x03), P_ADDR, P_ANY, P_ANY}},
    /* ExFreePool(NULL): an address never in any pool. */
    {"free_null", 0xC2, {P_VAL(0x42), P_VAL(0), P_VAL(0), P_VAL(0)}},
    /* The middle of a big paged block: 0x41286. */
    {"free_middle_big_paged", 0xC2, {P_VAL(0x41286), P_ANY, P_ANY, P_ANY}},
    /* 0x9A: MUST_SUCCEED request; P2 pool type, P3 bytes, P4 tag. */
    {"must_succeed", 0xC2, {P_VAL(0x9A), P_VAL(PD_NonPagedPoolMustSucceed), P_VAL(100), P_VAL(TAG_TEST)}},
    {"must_succeed_cache", 0xC2, {P_VAL(0x9A), P_VAL(PD_NonPagedPoolCacheAlignedMustS), P_VAL(300), P_VAL(TAG_TEST)}},
};

static int static_variable;

static void report(const void *addr)
{
    printf("ADDR %p\n", addr); /* msvcrt and mingw print %p as hex; strtoull reads either form */
}

/* In a fresh process consecutive 64-byte requests are likely neighbours: finds a block b whose
 * header starts right at the end of a block a (64 is a whole number of units). */
static BOOL find_neighbours(BYTE **a, BYTE **b)
{
    BYTE *blk[32];
    unsigned i, j;
    for (i = 0; i < 32; i++) blk[i] = pd_ExAllocatePoolWithTag(PD_NonPagedPool, 64, TAG_TEST);
    for (i = 0; i < 32; i++)
        for (j = 0; j < 32; j++)
            if (blk[i] && blk[j] && blk[j] == blk[i] + 64 + PD_HEADER_SIZE)
            {
                *a = blk[i];
                *b = blk[j];
                return TRUE;
            }
    return FALSE;
}

static void run_child_case(const char *name)
{
    BYTE *p, *q;
    int local = 0;

    if (!strcmp(name, "double_free_small") || !strcmp(name, "double_free_paged"))
    {
        p = pd_ExAllocatePoolWithTag(name[12] == 'p' ? PD_PagedPool : PD_NonPagedPool, 64, TAG_TEST);
        report(p);
        pd_ExFreePoolWithTag(p, TAG_TEST);
        pd_ExFreePoolWithTag(p, TAG_TEST);
    }
    else if (!strcmp(name, "double_free_pool2"))
    {
        p = pd_ExAllocatePool2(PD_POOL_FLAG_NON_PAGED, 200, TAG_TEST);
        report(p);
        pd_ExFreePool2(p, TAG_TEST);
        pd_ExFreePool2(p, TAG_TEST);
    }
    else if (!strcmp(name, "double_free_big"))
    {
        p = pd_ExAllocatePoolWithTag(PD_NonPagedPool, 3 * PD_PAGE_SIZE, TAG_TEST);
        report(p);
        pd_ExFreePool(p);
        pd_ExFreePool(p);
    }
    else if (!strcmp(name, "free_static"))
    {
        report(&static_variable);
        pd_ExFreePool(&static_variable);
    }
    else if (!strcmp(name, "free_stack"))
    {
        report(&local);
        pd_ExFreePool(&local);
    }
    else if (!strcmp(name, "free_middle_nonpaged") || !strcmp(name, "free_middle_paged"))
    {
        p = pd_ExAllocatePoolWithTag(name[12] == 'p' ? PD_PagedPool : PD_NonPagedPool, 64, TAG_TEST);
        memset(p, 0, 64);
        report(p + 16);
        pd_ExFreePoolWithTag(p + 16, TAG_TEST);
    }
    else if (!strcmp(name, "protected_exfreepool") || !strcmp(name, "protected_other_tag") ||
             !strcmp(name, "protected_same_tag"))
    {
        p = pd_ExAllocatePoolWithTag(PD_NonPagedPool, 64, TAG_PROTECTED);
        report(p);
        if (name[10] == 'e') pd_ExFreePool(p);
        else if (name[10] == 'o') pd_ExFreePoolWithTag(p, TAG_OTHER);
        else pd_ExFreePoolWithTag(p, TAG_PROTECTED);
    }
    else if (!strcmp(name, "protected_big"))
    {
        p = pd_ExAllocatePoolWithTag(PD_PagedPool, 2 * PD_PAGE_SIZE, TAG_PROTECTED);
        report(p);
        pd_ExFreePool(p);
    }
    else if (!strcmp(name, "unprotected_other_tag"))
    {
        p = pd_ExAllocatePoolWithTag(PD_NonPagedPool, 64, TAG_TEST);
        q = pd_ExAllocatePoolWithTag(PD_NonPagedPool, 2 * PD_PAGE_SIZE, TAG_TEST);
        report(p);
        pd_ExFreePoolWithTag(p, TAG_OTHER);
        pd_ExFreePoolWithTag(q, TAG_OTHER);
    }
    else if (!strcmp(name, "overrun_next_header") || !strcmp(name, "overrun_free_the_overrunner"))
    {
        /* a's last bytes run over b's header; then b (the victim) or a (the overrunner) is freed. */
        BYTE *a, *b;
        unsigned k;
        if (!find_neighbours(&a, &b)) ExitProcess(0x7C); /* no neighbours: the parent skips */
        p = name[8] == 'n' ? b : a;
        report(p);
        for (k = 0; k < PD_HEADER_SIZE; k++) a[64 + k] = (BYTE)~a[64 + k];
        pd_ExFreePoolWithTag(p, TAG_TEST);
        ExitProcess(0x7F);
    }
    else if (!strcmp(name, "write_after_free"))
    {
        unsigned k;
        p = pd_ExAllocatePoolWithTag(PD_NonPagedPool, 200, TAG_TEST);
        report(p);
        pd_ExFreePoolWithTag(p, TAG_TEST);
        memset(p, 0, 200); /* the driver still uses the block it gave back */
        for (k = 0; k < 4; k++) pd_ExAllocatePoolWithTag(PD_NonPagedPool, 200, TAG_TEST);
    }
    else if (!strcmp(name, "free_null"))
        pd_ExFreePool(NULL);
    else if (!strcmp(name, "free_middle_big_paged"))
    {
        p = pd_ExAllocatePoolWithTag(PD_PagedPool, 3 * PD_PAGE_SIZE, TAG_TEST);
        report(p + PD_PAGE_SIZE);
        pd_ExFreePoolWithTag(p + PD_PAGE_SIZE, TAG_TEST);
    }
    else if (!strcmp(name, "write_past_end_cache_aligned"))
    {
        p = pd_ExAllocatePoolWithTag(PD_NonPagedPoolCacheAligned, 10, TAG_TEST);
        report(p);
        memset(p + 10, 0, 30);
        pd_ExFreePoolWithTag(p, TAG_TEST);
    }
    else if (!strcmp(name, "write_past_end_below_a_page"))
    {
        p = pd_ExAllocatePoolWithTag(PD_NonPagedPool, PD_PAGE_SIZE - 10, TAG_TEST);
        report(p);
        p[PD_PAGE_SIZE - 10] = (BYTE)~p[PD_PAGE_SIZE - 10];
        pd_ExFreePoolWithTag(p, TAG_TEST);
    }
    else if (!strcmp(name, "underrun_own_header"))
    {
        unsigned k;
        p = pd_ExAllocatePoolWithTag(PD_PagedPool, 64, TAG_TEST);
        report(p);
        for (k = 1; k <= PD_HEADER_SIZE; k++) p[-(int)k] = (BYTE)~p[-(int)k];
        pd_ExFreePoolWithTag(p, TAG_TEST);
    }
    else if (!strcmp(name, "write_past_end"))
    {
        /* Below a page the caller gets exactly the bytes asked for (3.1); 13 bytes leave bytes
         * 13..15 of the last unit unused on both architectures, and changing them is caught. */
        unsigned k;
        p = pd_ExAllocatePoolWithTag(PD_NonPagedPool, 13, TAG_TEST);
        report(p);
        for (k = 13; k < 16; k++) p[k] = (BYTE)~p[k];
        pd_ExFreePoolWithTag(p, TAG_TEST);
    }
    else if (!strcmp(name, "must_succeed"))
        pd_ExAllocatePoolWithTag(PD_NonPagedPoolMustSucceed, 100, TAG_TEST);
    else if (!strcmp(name, "must_succeed_cache"))
        pd_ExAllocatePoolWithTag(PD_NonPagedPoolCacheAlignedMustS, 300, TAG_TEST);
    else
        ExitProcess(0x7E);

    /* Survivors show the pool still works. */
    p = pd_ExAllocatePoolWithTag(PD_NonPagedPool, 64, TAG_TEST);
    if (p) pd_ExFreePoolWithTag(p, TAG_TEST);
    ExitProcess(0);
}

static const char *bug_check_name(DWORD code)
{
    return code == 0xC2 ? "BAD_POOL_CALLER" : code == 0x19 ? "BAD_POOL_HEADER" : "?";
}

/* Checks the child's output: an optional "ADDR x" line, then exactly one STOP line in the format
 * of tests/pe/bugcheck.c (8-digit code, pointer-width upper-case hex parameters, the name, a
 * newline) carrying the expected values. */
static void check_stop(const struct misuse_case *c, DWORD exit_code, const char *out)
{
    const char *name = bug_check_name(c->code);
    struct winetest_stop st;
    unsigned i;

    winetest_parse_stop(out, &st);
    ok(exit_code == c->code, "exit code %#lx, expected %#lx; output \"%s\"\n", exit_code, c->code, out);
    if (!c->code)
    {
        ok(!strstr(out, "*** STOP"), "unexpected bug check: \"%s\"\n", out);
        return;
    }
    ok(st.found && st.alone && !strcmp(st.name, name),
       "output \"%s\" is not one STOP line with %d-digit parameters and the name %s\n", out, (int)(2 * sizeof(void *)), name);
    if (!st.found) return;
    ok(st.code == c->code, "code %#lx, expected %#lx\n", st.code, c->code);
    for (i = 0; i < 4; i++)
    {
        ULONG64 want = c->p[i].kind == ADDR ? st.addr : c->p[i].value;
        if (c->p[i].kind == ADDR && !st.addr) ok(0, "P%u: the child printed no address\n", i + 1);
        else if (c->p[i].kind == ANY) trace("P%u = %#I64x\n", i + 1, st.p[i]);
        else ok(st.p[i] == want, "P%u = %#I64x, expected %#I64x\n", i + 1, st.p[i], want);
    }
}

/* Failure gives NULL where nothing asks for a raise (3.1, 8.4); sizes whose rounding would
 * overflow fail too. */
static void test_failure_null(void)
{
    static const SIZE_T sizes[] = {HUGE_REQUEST, (SIZE_T)-1, (SIZE_T)-1 - PD_PAGE_SIZE + 2, (SIZE_T)-1 - 4};
    unsigned i;

    for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
    {
        SIZE_T n = sizes[i];
        winetest_push_context("%#Ix bytes", n);
        ok(!pd_ExAllocatePoolWithTag(PD_NonPagedPool, n, TAG_TEST), "ExAllocatePoolWithTag succeeded\n");
        ok(!pd_ExAllocatePoolWithTag(PD_PagedPool, n, TAG_TEST), "ExAllocatePoolWithTag(PagedPool) succeeded\n");
        ok(!pd_ExAllocatePool(PD_NonPagedPool, n), "ExAllocatePool succeeded\n");
        ok(!pd_ExAllocatePoolWithTagPriority(PD_PagedPool, n, TAG_TEST, PD_HighPoolPriority),
           "ExAllocatePoolWithTagPriority succeeded\n");
        ok(!pd_ExAllocatePool2(PD_POOL_FLAG_NON_PAGED, n, TAG_TEST), "ExAllocatePool2 succeeded\n");
        ok(!pd_ExAllocatePoolWithQuotaTag(PD_PagedPool | PD_POOL_QUOTA_FAIL_INSTEAD_OF_RAISE, n, TAG_TEST),
           "ExAllocatePoolWithQuotaTag(FAIL_INSTEAD_OF_RAISE) succeeded\n");
        ok(!pd_ExAllocatePoolWithQuota(PD_NonPagedPool | PD_POOL_QUOTA_FAIL_INSTEAD_OF_RAISE, n),
           "ExAllocatePoolWithQuota(FAIL_INSTEAD_OF_RAISE) succeeded\n");
        winetest_pop_context();
    }
}

/* The allocations that raise STATUS_INSUFFICIENT_RESOURCES (3.1, 8.3, 8.4; the code is a project
 * decision following ReactOS). Run in a child: "child raise NAME". */
static void *raise_case(const char *name)
{
    struct pd_ext_param unknown = {0x55, 0, 0};
    const ULONG64 r = PD_POOL_FLAG_RAISE_ON_FAILURE;

    if (!strcmp(name, "pool")) return pd_ExAllocatePool(PD_NonPagedPool | PD_POOL_RAISE_IF_ALLOCATION_FAILURE, HUGE_REQUEST);
    if (!strcmp(name, "tag")) return pd_ExAllocatePoolWithTag(PD_PagedPool | PD_POOL_RAISE_IF_ALLOCATION_FAILURE, HUGE_REQUEST, TAG_TEST);
    if (!strcmp(name, "priority"))
        return pd_ExAllocatePoolWithTagPriority(PD_NonPagedPool | PD_POOL_RAISE_IF_ALLOCATION_FAILURE, HUGE_REQUEST,
                                                TAG_TEST, PD_NormalPoolPriority);
    if (!strcmp(name, "quota")) return pd_ExAllocatePoolWithQuota(PD_NonPagedPool, HUGE_REQUEST);
    if (!strcmp(name, "quotatag")) return pd_ExAllocatePoolWithQuotaTag(PD_PagedPool, HUGE_REQUEST, TAG_TEST);
    if (!strcmp(name, "pool2_huge")) return pd_ExAllocatePool2(r | PD_POOL_FLAG_NON_PAGED, HUGE_REQUEST, TAG_TEST);
    if (!strcmp(name, "pool2_tag0")) return pd_ExAllocatePool2(r | PD_POOL_FLAG_NON_PAGED, 32, 0);
    if (!strcmp(name, "pool2_badbit")) return pd_ExAllocatePool2(r | PD_POOL_FLAG_NON_PAGED | 0x800, 32, TAG_TEST);
    if (!strcmp(name, "pool2_notype")) return pd_ExAllocatePool2(r, 32, TAG_TEST);
    if (!strcmp(name, "pool2_twotypes")) return pd_ExAllocatePool2(r | PD_POOL_FLAG_NON_PAGED | PD_POOL_FLAG_PAGED, 32, TAG_TEST);
    if (!strcmp(name, "pool3_param")) return pd_ExAllocatePool3(r | PD_POOL_FLAG_PAGED, 32, TAG_TEST, &unknown, 1);
    return NULL;
}

static void test_raise(void)
{
    static const char *const names[] = {"pool", "tag", "priority", "quota", "quotatag", "pool2_huge", "pool2_tag0",
                                        "pool2_badbit", "pool2_notype", "pool2_twotypes", "pool3_param"};
    char args[64], out[1024];
    unsigned i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
    {
        DWORD code;
        snprintf(args, sizeof(args), "child raise %s", names[i]);
        code = winetest_run_self(args, out, sizeof(out));
        ok(code == PD_STATUS_INSUFFICIENT_RESOURCES, "%s: exit code %#lx (0x7D: returned a block, 0x7E: returned NULL), "
           "expected %#x; output \"%s\"\n", names[i], code, PD_STATUS_INSUFFICIENT_RESOURCES, out);
    }
}

START_TEST(pool_misuse)
{
    char **argv, out[2048], args[128];
    int argc = winetest_get_mainargs(&argv);
    unsigned i;

    if (argc > 3 && !strcmp(argv[1], "child") && !strcmp(argv[2], "raise"))
    {
        void *p;
        SetUnhandledExceptionFilter(winetest_exit_with_exception_code);
        p = raise_case(argv[3]);
        ExitProcess(p ? 0x7D : 0x7E);
    }
    if (argc > 2 && !strcmp(argv[1], "child"))
    {
        run_child_case(argv[2]);
        return;
    }
    test_failure_null();
    test_raise();
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    {
        DWORD code;
        snprintf(args, sizeof(args), "child %s", cases[i].name);
        code = winetest_run_self(args, out, sizeof(out));
        winetest_push_context("%s", cases[i].name);
        if (code == 0x7C) skip("no two neighbouring 64-byte blocks to overrun between\n");
        else check_stop(&cases[i], code, out);
        winetest_pop_context();
    }
}
