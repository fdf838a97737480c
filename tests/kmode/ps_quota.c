/*
 * Process pool quota (converted from tests/pe/ps_quota.c, which keeps what ends the process or
 * needs one of its own: QUOTA_UNDERFLOW and BAD_POOL_CALLER, and the registry limits read when
 * the module starts): IoGetCurrentProcess/PsGetCurrentProcess, the PsCharge... and PsReturn...
 * routines, quota blocks from the quota allocators.
 *
 * Sources: Microsoft's pages for PsChargePoolQuota (raises STATUS_QUOTA_EXCEEDED, charges nothing),
 * PsChargeProcessPoolQuota (returns the status). The driver runs in the System process on Windows
 * (DriverEntry), in winedevice.exe under Wine: Windows charges no quota for the System process's
 * quota blocks (ReactOS's ExAllocatePoolWithQuotaTag leaves PsInitialSystemProcess out), hence
 * broken() there. PsChargeProcessPoolQuota and the per-kind routines (Windows XP) are resolved at
 * run time.
 */
#include "kmode_test.h"

#define TAG_QUOTA 0x746f7551 /* 'Quot' */
#define HEADER_SIZE (2 * sizeof(void *))

#undef PsGetCurrentProcess   /* wdm.h's macro for IoGetCurrentProcess; older drivers import it by name */
NTKERNELAPI PEPROCESS NTAPI PsGetCurrentProcess(VOID);
/* ntifs.h's. */
NTKERNELAPI VOID NTAPI PsChargePoolQuota(PEPROCESS Process, POOL_TYPE PoolType, ULONG_PTR Amount);
NTKERNELAPI VOID NTAPI PsReturnPoolQuota(PEPROCESS Process, POOL_TYPE PoolType, ULONG_PTR Amount);
NTKERNELAPI SIZE_T NTAPI ExQueryPoolBlockSize(PVOID PoolBlock, PBOOLEAN QuotaCharged);

typedef NTSTATUS (NTAPI *charge_type_fn)(PEPROCESS, POOL_TYPE, ULONG_PTR);
typedef NTSTATUS (NTAPI *charge_fn)(PEPROCESS, SIZE_T);
typedef VOID (NTAPI *return_fn)(PEPROCESS, SIZE_T);

static void test_current_process(void)
{
    void *io = IoGetCurrentProcess(), *ps = PsGetCurrentProcess();
    ok(io != NULL, "IoGetCurrentProcess returned NULL\n");
    ok(ps == io, "PsGetCurrentProcess %p, IoGetCurrentProcess %p\n", ps, io);
    ok(IoGetCurrentProcess() == io, "the current process changed\n");
}

static void test_charge_and_return(void)
{
    charge_type_fn charge_process = (charge_type_fn)kmtest_routine(L"PsChargeProcessPoolQuota");
    charge_fn charge_nonpaged = (charge_fn)kmtest_routine(L"PsChargeProcessNonPagedPoolQuota");
    charge_fn charge_paged = (charge_fn)kmtest_routine(L"PsChargeProcessPagedPoolQuota");
    return_fn return_nonpaged = (return_fn)kmtest_routine(L"PsReturnProcessNonPagedPoolQuota");
    return_fn return_paged = (return_fn)kmtest_routine(L"PsReturnProcessPagedPoolQuota");
    PEPROCESS process = IoGetCurrentProcess();
    NTSTATUS status;

    if (kmtest_builtin_stub("PsChargeProcessPoolQuota")) return;
    if (!charge_process || !charge_nonpaged || !charge_paged || !return_nonpaged || !return_paged)
    {
        win_skip("no PsChargeProcessPoolQuota & co. (Windows before XP)\n");
        return;
    }
    status = charge_process(process, PagedPool, 4096);
    ok(status == STATUS_SUCCESS, "PsChargeProcessPoolQuota(PagedPool) = %#lx\n", status);
    PsReturnPoolQuota(process, PagedPool, 4096);
    status = charge_process(process, NonPagedPool, 100);
    ok(status == STATUS_SUCCESS, "PsChargeProcessPoolQuota(NonPagedPool) = %#lx\n", status);
    return_nonpaged(process, 100);
    status = charge_nonpaged(process, 200);
    ok(status == STATUS_SUCCESS, "PsChargeProcessNonPagedPoolQuota = %#lx\n", status);
    status = charge_paged(process, 300);
    ok(status == STATUS_SUCCESS, "PsChargeProcessPagedPoolQuota = %#lx\n", status);
    return_paged(process, 300);
    PsReturnPoolQuota(process, NonPagedPoolCacheAligned, 200);
    PsChargePoolQuota(process, PagedPoolCacheAligned, 64); /* no exception: quota is there */
    return_paged(process, 64);
}

static void test_quota_blocks(void)
{
    BOOLEAN charged = 0xCC;
    void *p;
    SIZE_T size;

    if (kmtest_builtin_stub("ExQueryPoolBlockSize")) return;
    p = ExAllocatePoolWithQuotaTag(PagedPool, 100, TAG_QUOTA);
    ok(p != NULL, "ExAllocatePoolWithQuotaTag failed\n");
    if (!p) return;
    size = ExQueryPoolBlockSize(p, &charged);
    ok(size >= 100, "block size %Iu\n", size);
    ok(charged == TRUE || broken(charged == FALSE), "QuotaCharged %u\n", charged);
    /* Where the block names the process it charged (3.1): x64 in the header's ProcessBilled (at 8);
     * i386 in the block's last pointer slot, just before the next header (BlockSize units from the
     * header), which ExQueryPoolBlockSize leaves out. */
    if (charged == TRUE)
    {
        const UCHAR *header = (const UCHAR *)p - HEADER_SIZE;
        void *billed;
        if (sizeof(void *) == 8)
            RtlCopyMemory(&billed, header + 8, sizeof(billed));
        else
        {
            unsigned units = (*(const ULONG *)header >> 16) & 0x1FF; /* x86 BlockSize: bits 16-24 */
            RtlCopyMemory(&billed, header + units * HEADER_SIZE - sizeof(void *), sizeof(billed));
            ok((const UCHAR *)p + size == header + units * HEADER_SIZE - sizeof(void *),
               "ExQueryPoolBlockSize %Iu does not end at the process slot\n", size);
        }
        ok(billed == IoGetCurrentProcess(), "the block names process %p, expected %p\n", billed, IoGetCurrentProcess());
    }
    ExFreePoolWithTag(p, TAG_QUOTA);
}

void kmtest_group_ps_quota(void)
{
    test_current_process();
    test_charge_and_return();
    test_quota_blocks();
}
