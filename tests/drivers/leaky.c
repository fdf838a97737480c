/* A driver that leaks: its unload routine frees only part of what DriverEntry allocated. Driver
 * Verifier would stop with 0xC4/0x62 at unload; the host reports the blocks left (tag, pool,
 * count, bytes, addresses) and, with --verifier, stops the same way. */
#include "sample_driver.h"

#define TAG_LEAK SAMPLE_TAG('L', 'e', 'a', 'k')
#define TAG_KEPT SAMPLE_TAG('L', 'k', 'P', 'g')
#define TAG_FREED SAMPLE_TAG('L', 'k', 'O', 'k')

static PVOID freed_at_unload;

static VOID NTAPI LeakyUnload(PDRIVER_OBJECT driver)
{
    UNREFERENCED_PARAMETER(driver);
    ExFreePoolWithTag(freed_at_unload, TAG_FREED);
}

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT driver, PUNICODE_STRING registry_path)
{
    int i;
    UNREFERENCED_PARAMETER(registry_path);
    for (i = 0; i < 3; i++)
        if (!ExAllocatePoolWithTag(NonPagedPool, 100, TAG_LEAK)) return STATUS_INSUFFICIENT_RESOURCES;
    if (!ExAllocatePoolWithTag(PagedPool, 64, TAG_KEPT)) return STATUS_INSUFFICIENT_RESOURCES;
    freed_at_unload = ExAllocatePoolWithTag(NonPagedPool, 32, TAG_FREED);
    if (!freed_at_unload) return STATUS_INSUFFICIENT_RESOURCES;
    driver->DriverUnload = LeakyUnload;
    return STATUS_SUCCESS;
}
