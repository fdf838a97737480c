/* A driver that frees the same block twice in DriverEntry: Windows stops with BAD_POOL_CALLER
 * (0xC2), parameter 1 = 7 "attempt to free pool which was already freed". */
#include "sample_driver.h"

#define TAG_TWICE SAMPLE_TAG('D', 'b', 'l', 'F')

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT driver, PUNICODE_STRING registry_path)
{
    PVOID block;
    UNREFERENCED_PARAMETER(driver);
    UNREFERENCED_PARAMETER(registry_path);
    block = ExAllocatePoolWithTag(NonPagedPool, 48, TAG_TWICE);
    if (!block) return STATUS_INSUFFICIENT_RESOURCES;
    ExFreePoolWithTag(block, TAG_TWICE);
    ExFreePoolWithTag(block, TAG_TWICE);
    return STATUS_SUCCESS;
}
