/*
 * conformance.sys: the kernel-mode conformance tests (issue 13). DriverEntry runs every group
 * (or those Parameters\Groups names) at the IRQL each needs and lists the bug-check cases (or
 * runs the one Parameters\Case names), writes the results file
 * (kmode_test.c) and returns; the service is then stopped and deleted by the launcher
 * (tools/conformance.sh; on Windows tools/conformance-windows.ps1).
 */
#include "kmode_run.h"

void kmtest_group_place(void);
void kmtest_group_pool(void);
void kmtest_group_pool_dispatch(void);
void kmtest_group_pool_flags(void);
void kmtest_group_pool_tags(void);
void kmtest_group_mm_system_size(void);
void kmtest_group_ps_quota(void);
void kmtest_group_mixed_objects(void);
void kmtest_group_lookaside(void);
#ifdef _X86_
void kmtest_group_lookaside_win2k(void);
#endif
void kmtest_group_zone(void);
void kmtest_group_interlocked(void);
void kmtest_group_spin_lock(void);
void kmtest_group_irql_cr8(void);
void kmtest_group_hal(void);
void kmtest_group_pool_threads(void);
void kmtest_group_free_build(void);
void kmtest_group_pool_misuse(void);
void kmtest_group_lookaside_misuse(void);
void kmtest_group_data_exports(void);
extern const struct kmtest_group kmtest_pool_misuse_cases[], kmtest_special_pool_cases[], kmtest_lookaside_misuse_cases[];
extern const unsigned kmtest_pool_misuse_case_count, kmtest_special_pool_case_count, kmtest_lookaside_misuse_case_count;

static const struct kmtest_group groups[] = {
    {"place", "place.c", kmtest_group_place, PASSIVE_LEVEL, 0},
    {"pool", "pool.c", kmtest_group_pool, PASSIVE_LEVEL, 0},
    /* Nonpaged pool at DISPATCH_LEVEL is legal on Windows; a kernel that wrongly tells the IRQL,
     * or serves the request from pageable memory, stops the system (IRQL_NOT_LESS_OR_EQUAL). */
    {"pool_dispatch", "pool.c", kmtest_group_pool_dispatch, DISPATCH_LEVEL, KMTEST_BUGCHECK_ON_FAILURE},
    {"pool_flags", "pool_flags.c", kmtest_group_pool_flags, PASSIVE_LEVEL, 0},
    {"pool_tags", "pool_tags.c", kmtest_group_pool_tags, PASSIVE_LEVEL, 0},
    {"mm_system_size", "mm_system_size.c", kmtest_group_mm_system_size, PASSIVE_LEVEL, 0},
    {"ps_quota", "ps_quota.c", kmtest_group_ps_quota, PASSIVE_LEVEL, 0},
    {"mixed_objects", "mixed_objects.c", kmtest_group_mixed_objects, PASSIVE_LEVEL, 0},
    {"lookaside", "lookaside.c", kmtest_group_lookaside, PASSIVE_LEVEL, 0},
#ifdef _X86_
    /* The same source as a Windows 2000 DDK driver (_WIN2K_COMPAT_SLIST_USAGE: the NPaged inlines
     * go through ExInterlockedPop/PushEntrySList, the paged ones are imports). */
    {"lookaside_win2k", "lookaside.c", kmtest_group_lookaside_win2k, PASSIVE_LEVEL, 0},
#endif
    {"zone", "zone.c", kmtest_group_zone, PASSIVE_LEVEL, 0},
    {"interlocked", "interlocked.c", kmtest_group_interlocked, PASSIVE_LEVEL, 0},
    {"spin_lock", "spin_lock.c", kmtest_group_spin_lock, PASSIVE_LEVEL, 0},
    {"irql_cr8", "irql_cr8.c", kmtest_group_irql_cr8, PASSIVE_LEVEL, 0},
    {"hal", "hal.c", kmtest_group_hal, PASSIVE_LEVEL, 0},
    {"data_exports", "data_exports.c", kmtest_group_data_exports, PASSIVE_LEVEL, 0},
    {"pool_threads", "pool_threads.c", kmtest_group_pool_threads, PASSIVE_LEVEL, 0},
    /* Raising below the current IRQL, lowering above it, spin locks from HIGH_LEVEL: legal on a
     * free build, a bug check with Driver Verifier on this driver or on a checked build. */
    {"free_build", "free_build.c", kmtest_group_free_build, PASSIVE_LEVEL, KMTEST_BUGCHECK_ON_FAILURE},
    /* Misuse a free build lets pass; a wrong answer would be a bug check. */
    {"pool_misuse", "pool_misuse.c", kmtest_group_pool_misuse, PASSIVE_LEVEL, KMTEST_BUGCHECK_ON_FAILURE},
    /* A lookaside block size below the minimum: accepted by a free build, 0xC4 with Driver Verifier. */
    {"lookaside_misuse", "lookaside_misuse.c", kmtest_group_lookaside_misuse, PASSIVE_LEVEL, KMTEST_BUGCHECK_ON_FAILURE},
};

/* The bug-check cases (KMTEST_BUGCHECK_CASE), one table per source. */
static const struct
{
    const struct kmtest_group *cases;
    const unsigned *count;
} case_tables[] = {
    {kmtest_pool_misuse_cases, &kmtest_pool_misuse_case_count},
    {kmtest_special_pool_cases, &kmtest_special_pool_case_count},
    {kmtest_lookaside_misuse_cases, &kmtest_lookaside_misuse_case_count},
};

static VOID NTAPI conformance_unload(PDRIVER_OBJECT driver)
{
    UNREFERENCED_PARAMETER(driver);
}

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT driver, PUNICODE_STRING registry_path)
{
    NTSTATUS status = kmtest_begin(registry_path);
    unsigned i;
    if (!NT_SUCCESS(status)) return status;   /* no results file: the launcher reports the status */
    for (i = 0; i < KMTEST_ARRAY_SIZE(groups); i++) kmtest_run_group(&groups[i]);
    for (i = 0; i < KMTEST_ARRAY_SIZE(case_tables); i++)
    {
        unsigned c;
        for (c = 0; c < *case_tables[i].count; c++) kmtest_run_group(&case_tables[i].cases[c]);
    }
    kmtest_end();
    driver->DriverUnload = conformance_unload;
    return STATUS_SUCCESS;
}
