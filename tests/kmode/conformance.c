/*
 * conformance.sys: the kernel-mode conformance tests (issue 13). DriverEntry runs every group
 * (or those Parameters\Groups names) at the IRQL each needs, writes the results file
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
void kmtest_group_spin_lock(void);

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
    {"spin_lock", "spin_lock.c", kmtest_group_spin_lock, PASSIVE_LEVEL, 0},
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
    kmtest_end();
    driver->DriverUnload = conformance_unload;
    return STATUS_SUCCESS;
}
