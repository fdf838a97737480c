/*
 * Process pool quota: the registry limits (Session Manager\Memory Management
 * PagedPoolQuota/NonPagedPoolQuota, megabytes), QUOTA_UNDERFLOW (0x21) when more is returned than
 * was charged, and BAD_POOL_CALLER for a quota block whose process was overwritten. The rest
 * (IoGetCurrentProcess/PsGetCurrentProcess, charges and returns, quota blocks) moved to the
 * kernel-mode conformance driver (tests/kmode/ps_quota.c). What stays cannot run in a driver: the
 * bug checks end the process (here a child's), and the limits are read once when the module
 * starts, so each limit case needs a fresh process started after the registry value is written.
 *
 * Sources: Microsoft's pages for PsChargePoolQuota (raises STATUS_QUOTA_EXCEEDED, charges nothing),
 * PsChargeProcessPoolQuota (returns the status), bug check 0x21 (P1 process, P2 quota type);
 * TechNet PagedPoolQuota/NonPagedPoolQuota (1-128 MB, read at boot). Windows reads the limits only
 * at boot, so the limit case runs only under Wine, where a new process is a new boot of the module.
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

#include "pool_driver.h"
#include "ps_quota_driver.h"
#include "wine_test.h"
#include "wine_test_child.h"

#define TAG_QUOTA 0x746f7551 /* 'Quot' */
static const char memory_management[] = "System\\CurrentControlSet\\Control\\Session Manager\\Memory Management";

/* Runs a child that must stop the system: its exit status is the code, and it printed exactly one
 * STOP line with that code and name (and maybe an "ADDR" line first), parsed into *st. */
static void run_stop_child(const char *args, DWORD code, const char *name, struct winetest_stop *st)
{
    char out[1024];
    DWORD exit_code = winetest_run_self(args, out, sizeof(out));

    winetest_parse_stop(out, st);
    ok(exit_code == code, "%s: exit code %#lx, expected %s; output \"%s\"\n", args, exit_code, name, out);
    ok(st->found && st->alone && !strcmp(st->name, name), "%s: not one %s STOP line: \"%s\"\n", args, name, out);
    ok(st->code == code, "%s: code %#lx\n", args, st->code);
}

/* Child "bad_process": overwrites the process a quota block names; the free must stop with
 * BAD_POOL_CALLER 0x0D (P2 the block, P3 its tag, P4 the pointer found). */
static void child_bad_process(void)
{
    BYTE *p = pd_ExAllocatePoolWithQuotaTag(PD_NonPagedPool, 40, TAG_QUOTA);
    SIZE_T size;
    int charged;
    void *bogus = (void *)(ULONG_PTR)0x1234560;
    if (!p) ExitProcess(0x7E);
    printf("ADDR %p\n", p);
    fflush(stdout);
    size = pd_ExQueryPoolBlockSize(p, &charged);
    if (sizeof(void *) == 8) memcpy(p - PD_HEADER_SIZE + 8, &bogus, sizeof(bogus));
    else memcpy(p + size, &bogus, sizeof(bogus));
    pd_ExFreePoolWithTag(p, TAG_QUOTA);
    ExitProcess(0x7D);
}

static void test_bad_process(void)
{
    struct winetest_stop st;

    run_stop_child("child bad_process", 0xC2, "BAD_POOL_CALLER", &st);
    ok(st.p[0] == 0x0D, "P1 %#I64x, expected 0x0D\n", st.p[0]);
    ok(st.addr && st.p[1] == st.addr, "P2 %#I64x, expected the block %#I64x\n", st.p[1], st.addr);
    ok(st.p[2] == TAG_QUOTA, "P3 %#I64x, expected the tag\n", st.p[2]);
    ok(st.p[3] == 0x1234560, "P4 %#I64x, expected the pointer written\n", st.p[3]);
}

/* Child "underflow": returns far more paged quota than the process has; must stop with 0x21. */
static void child_underflow(void)
{
    void *process = pq_IoGetCurrentProcess();
    printf("ADDR %p\n", process);
    fflush(stdout);
    pq_PsChargeProcessPagedPoolQuota(process, 16);
    pq_PsReturnProcessPagedPoolQuota(process, 0x10000000);
    ExitProcess(0);
}

static void test_underflow(void)
{
    struct winetest_stop st;

    run_stop_child("child underflow", 0x21, "QUOTA_UNDERFLOW", &st);
    ok(st.addr && st.p[0] == st.addr, "P1 %#I64x, expected the process %#I64x\n", st.p[0], st.addr);
    ok(st.p[1] == 1, "P2 (quota type) %I64u, expected PsPagedPool (1)\n", st.p[1]);
    trace("P3 %#I64x P4 %#I64x\n", st.p[2], st.p[3]);
}

/* Child "limit check|raise": runs with PagedPoolQuota = 1 (MB) and no nonpaged limit;
 * "limit none" runs after the value is deleted again. */
static void child_limit(const char *what)
{
    void *process = pq_IoGetCurrentProcess();
    long status;

    if (!strcmp(what, "raise"))
    {
        SetUnhandledExceptionFilter(winetest_exit_with_exception_code);
        pq_PsChargePoolQuota(process, PD_PagedPool, 2 << 20);
        ExitProcess(0x7D); /* returned instead of raising */
    }
    if (!strcmp(what, "raise_block"))
    {
        /* A quota block past the limit raises the status the charge failed with (3.1: ReactOS
         * raises PsChargeProcessPoolQuota's status, STATUS_QUOTA_EXCEEDED). */
        SetUnhandledExceptionFilter(winetest_exit_with_exception_code);
        pq_PsChargeProcessPagedPoolQuota(process, (1 << 20) - 16);
        pd_ExAllocatePoolWithQuotaTag(PD_PagedPool, 100, TAG_QUOTA);
        ExitProcess(0x7D); /* returned instead of raising */
    }
    if (!strcmp(what, "none"))
    {
        status = pq_PsChargeProcessPagedPoolQuota(process, 8 << 20);
        ok(status == 0, "without a limit, an 8 MB charge: %#lx\n", status);
        return;
    }
    status = pq_PsChargeProcessPagedPoolQuota(process, (1 << 20) + 1);
    ok(status == (long)PQ_STATUS_QUOTA_EXCEEDED, "charge past the limit: %#lx\n", status);
    status = pq_PsChargeProcessPagedPoolQuota(process, (1 << 20) - 64);
    ok(status == 0, "charge within the limit: %#lx\n", status);
    ok(pd_ExAllocatePoolWithQuotaTag(PD_PagedPool | PD_POOL_QUOTA_FAIL_INSTEAD_OF_RAISE, 100, TAG_QUOTA) == NULL,
       "a quota block past the limit was allocated\n");
    ok(pd_ExAllocatePool2(PD_POOL_FLAG_PAGED | PD_POOL_FLAG_USE_QUOTA, 100, TAG_QUOTA) == NULL,
       "a POOL_FLAG_USE_QUOTA block past the limit was allocated\n");
    {
        /* Blocks of a page or more are not charged (3.1: ReactOS's kmtest, run on Windows, finds
         * they take no process reference): they are served past the limit, uncharged. */
        int charged = -1;
        void *big = pd_ExAllocatePoolWithQuotaTag(PD_PagedPool | PD_POOL_QUOTA_FAIL_INSTEAD_OF_RAISE, 2 * PD_PAGE_SIZE, TAG_QUOTA);
        ok(big != NULL, "a page-sized quota request failed at the limit\n");
        if (big)
        {
            ok(pd_ExQueryPoolBlockSize(big, &charged) == 2 * PD_PAGE_SIZE && charged == 0, "big block QuotaCharged %d\n", charged);
            pd_ExFreePoolWithTag(big, TAG_QUOTA);
        }
    }
    pq_PsReturnProcessPagedPoolQuota(process, (1 << 20) - 64);
    /* Freed quota blocks give their charge back: the same block fits again and again. */
    {
        int i, all = 1;
        status = pq_PsChargeProcessPagedPoolQuota(process, (1 << 20) - 4096);
        ok(status == 0, "charge within the limit: %#lx\n", status);
        for (i = 0; i < 1000 && all; i++)
        {
            void *q = pd_ExAllocatePoolWithQuotaTag(PD_PagedPool | PD_POOL_QUOTA_FAIL_INSTEAD_OF_RAISE, 1000, TAG_QUOTA);
            all = q != NULL;
            if (q) pd_ExFreePoolWithTag(q, TAG_QUOTA);
        }
        ok(all, "quota block %d failed: the frees did not return their charge\n", i);
        pq_PsReturnProcessPagedPoolQuota(process, (1 << 20) - 4096);
    }
    status = pq_PsChargeProcessPagedPoolQuota(process, 512 << 10);
    ok(status == 0, "charge within the limit: %#lx\n", status);
    status = pq_PsChargeProcessNonPagedPoolQuota(process, 8 << 20);
    ok(status == 0, "nonpaged charge (no limit): %#lx\n", status);
    pq_PsReturnProcessNonPagedPoolQuota(process, 8 << 20);
    pq_PsReturnProcessPagedPoolQuota(process, 512 << 10);
}

static void test_limit(void)
{
    char out[4096];
    DWORD one = 1, exit_code;
    HKEY key;

    if (!winetest_under_wine)
    {
        skip("Windows reads PagedPoolQuota only at boot\n");
        return;
    }
    if (RegCreateKeyExA(HKEY_LOCAL_MACHINE, memory_management, 0, NULL, 0, KEY_SET_VALUE, NULL, &key, NULL))
    {
        ok(0, "cannot open the Memory Management key\n");
        return;
    }
    RegSetValueExA(key, "PagedPoolQuota", 0, REG_DWORD, (const BYTE *)&one, sizeof(one));
    exit_code = winetest_run_self("child limit check", out, sizeof(out));
    ok(exit_code == 0, "limit child: exit code %lu; output:\n%s\n", exit_code, out);
    exit_code = winetest_run_self("child limit raise", out, sizeof(out));
    ok(exit_code == PQ_STATUS_QUOTA_EXCEEDED, "PsChargePoolQuota past the limit: exit code %#lx (0x7D: no raise)\n",
       exit_code);
    exit_code = winetest_run_self("child limit raise_block", out, sizeof(out));
    ok(exit_code == PQ_STATUS_QUOTA_EXCEEDED, "quota block past the limit: exit code %#lx (0x7D: no raise)\n", exit_code);
    RegDeleteValueA(key, "PagedPoolQuota");
    RegCloseKey(key);
    exit_code = winetest_run_self("child limit none", out, sizeof(out));
    ok(exit_code == 0, "no-limit child: exit code %lu; output:\n%s\n", exit_code, out);
}

START_TEST(ps_quota)
{
    char **argv;
    int argc = winetest_get_mainargs(&argv);

    if (argc > 2 && !strcmp(argv[1], "child"))
    {
        if (!strcmp(argv[2], "underflow")) child_underflow();
        if (!strcmp(argv[2], "bad_process")) child_bad_process();
        if (argc > 3 && !strcmp(argv[2], "limit")) child_limit(argv[3]);
        return;
    }
    test_underflow();
    test_bad_process();
    test_limit();
}
