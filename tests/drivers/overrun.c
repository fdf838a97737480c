/* A driver that writes past the end of a pool block in DriverEntry, one byte at a time, as a
 * string copy without a bound does. On a free build the write lands in the pool's slack or the
 * next block unnoticed (or is found later); with Driver Verifier's special pool for the driver the
 * block ends at a page boundary followed by a guard page, and the first write past the end stops
 * the system at the faulting instruction: DRIVER_PAGE_FAULT_BEYOND_END_OF_ALLOCATION (0xD6),
 * P1 the address referenced (Microsoft, "Bug Check 0xD6", "Special Pool"). */
#include "sample_driver.h"

#define TAG_OVERRUN SAMPLE_TAG('O', 'v', 'r', 'n')

static VOID NTAPI OverrunUnload(PDRIVER_OBJECT driver) { UNREFERENCED_PARAMETER(driver); }

/* Not static and not inlined, so the faulting write is this image's code at a known function. */
__attribute__((noinline)) void copy_unbounded(volatile UCHAR *to, ULONG count)
{
    ULONG i;
    for (i = 0; i < count; i++) to[i] = (UCHAR)i;
}

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT driver, PUNICODE_STRING registry_path)
{
    UCHAR *block;
    UNREFERENCED_PARAMETER(registry_path);
    block = ExAllocatePoolWithTag(NonPagedPool, 100, TAG_OVERRUN);
    if (!block) return STATUS_INSUFFICIENT_RESOURCES;
    /* 100 bytes asked, 4096 written: past any slack and into the next page. */
    copy_unbounded(block, 4096);
    ExFreePoolWithTag(block, TAG_OVERRUN);
    driver->DriverUnload = OverrunUnload;
    return STATUS_SUCCESS;
}
