/* A Windows 10 2004+ style driver: ExAllocatePool2 (zeroed unless POOL_FLAG_UNINITIALIZED),
 * freed with ExFreePoolWithTag and ExFreePool2 in DriverUnload. */
#include "sample_driver.h"

#define TAG_CTX SAMPLE_TAG('P', '2', 'C', 'x')
#define TAG_BUF SAMPLE_TAG('P', '2', 'B', 'f')

static PUCHAR context, buffer;

static VOID NTAPI Pool2Unload(PDRIVER_OBJECT driver)
{
    UNREFERENCED_PARAMETER(driver);
    ExFreePool2(buffer, TAG_BUF, NULL, 0);
    ExFreePoolWithTag(context, TAG_CTX);
}

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT driver, PUNICODE_STRING registry_path)
{
    ULONG i;
    UNREFERENCED_PARAMETER(registry_path);
    context = ExAllocatePool2(POOL_FLAG_NON_PAGED, 96, TAG_CTX);
    buffer = ExAllocatePool2(POOL_FLAG_PAGED, 5000, TAG_BUF);
    if (!context || !buffer) return STATUS_INSUFFICIENT_RESOURCES;
    for (i = 0; i < 96; i++)
        if (context[i]) return STATUS_DATA_ERROR;   /* ExAllocatePool2 zeroes by default */
    for (i = 0; i < 5000; i++)
        if (buffer[i]) return STATUS_DATA_ERROR;
    driver->DriverUnload = Pool2Unload;
    return STATUS_SUCCESS;
}
