/*
 * Pool calls that end the process: the allocations that raise STATUS_INSUFFICIENT_RESOURCES
 * (each in a child, "child raise NAME", whose unhandled-exception filter ends it with the
 * exception code; 0x7D / 0x7E mean the call returned a block / NULL instead of raising), and, in
 * the process itself first, the same failures where nothing asks for a raise (NULL).
 *
 * Why here and not in the kernel-mode conformance driver (tests/kmode): a raise is only seen
 * through an exception handler around the call, and MinGW-w64's C compiler has no __try/__except;
 * unhandled in a driver it would stop Windows (0x7E). The misuse Windows answers with a bug check
 * (double frees, bad addresses, tag mismatches, overwritten headers, MustSucceed) is
 * tests/kmode/pool_misuse.c, one bug-check case per driver run.
 *
 * Codes: windows-behavior.md 3.1, 8.3, 8.4 (the raise code is a project decision following ReactOS).
 */
#include <windows.h>
#include <stdint.h>

#include "pool_driver.h"
#include "wine_test.h"
#include "wine_test_child.h"

#define MEMTAG(a, b, c, d) ((ULONG)(BYTE)(a) | (ULONG)(BYTE)(b) << 8 | (ULONG)(BYTE)(c) << 16 | (ULONG)(BYTE)(d) << 24)
#define TAG_TEST MEMTAG('P', 'l', 'M', 's')
#define HUGE_REQUEST ((SIZE_T)-1 / 2) /* 0x7FFFFFFF on i386: fails in any 32-bit process (3.1 kmtest) */

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
    char **argv;
    int argc = winetest_get_mainargs(&argv);

    if (argc > 3 && !strcmp(argv[1], "child") && !strcmp(argv[2], "raise"))
    {
        void *p;
        SetUnhandledExceptionFilter(winetest_exit_with_exception_code);
        p = raise_case(argv[3]);
        ExitProcess(p ? 0x7D : 0x7E);
    }
    test_failure_null();
    test_raise();
}
