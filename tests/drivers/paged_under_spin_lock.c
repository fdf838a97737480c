/* A driver that allocates paged pool while holding a spin lock: the IRQL is DISPATCH_LEVEL, where
 * paged pool may not be touched, and Windows stops with BAD_POOL_CALLER (0xC2), P1 = 8 "attempt
 * to allocate pool at invalid IRQL", P2 the IRQL, P3 the pool type, P4 the size
 * (windows-behavior.md 3.1). On i386 the lock is hal.dll's KfAcquireSpinLock (the DDK's
 * KeAcquireSpinLock macro): the check fires only because the pool reads the IRQL hal.dll raised. */
#include "sample_driver.h"

#define TAG_LOCKED SAMPLE_TAG('L', 'c', 'k', 'P')

static KSPIN_LOCK lock;

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT driver, PUNICODE_STRING registry_path)
{
    KIRQL old;
    PVOID block;
    UNREFERENCED_PARAMETER(driver);
    UNREFERENCED_PARAMETER(registry_path);
    KeInitializeSpinLock(&lock);
    /* Nonpaged pool is allowed at DISPATCH_LEVEL: this one succeeds and is freed. */
    KeAcquireSpinLock(&lock, &old);
    block = ExAllocatePoolWithTag(NonPagedPool, 32, TAG_LOCKED);
    if (block) ExFreePoolWithTag(block, TAG_LOCKED);
    KeReleaseSpinLock(&lock, old);
    if (!block) return STATUS_INSUFFICIENT_RESOURCES;

    KeAcquireSpinLock(&lock, &old);
    block = ExAllocatePoolWithTag(PagedPool, 100, TAG_LOCKED);
    KeReleaseSpinLock(&lock, old);
    if (block) ExFreePoolWithTag(block, TAG_LOCKED);
    return STATUS_SUCCESS;
}
