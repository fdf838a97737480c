/* A driver importing two export drivers, as Windows' loader finds them: export_driver.sys next to
 * it, sys32_export.sys in %SystemRoot%\System32\Drivers. Both are started (DllInitialize) before
 * DriverEntry, so their routines already answer from what DllInitialize set up; the block
 * sys32_export.sys allocates for it counts for that module, and the driver frees it. Its own pool
 * use ('ImpD') is the driver's. */
#include "sample_driver.h"

#define TAG_OWN SAMPLE_TAG('I', 'm', 'p', 'D')
#define IMPORT_EXPORT_WRONG 0xE0D1E003u /* a bug check code no Windows component uses */

DECLSPEC_IMPORT ULONG NTAPI ExportDriverLookup(ULONG index);
DECLSPEC_IMPORT ULONG NTAPI Sys32ExportAdd(ULONG a, ULONG b);
DECLSPEC_IMPORT PVOID NTAPI Sys32ExportAllocate(SIZE_T bytes);

static PVOID own;

static VOID NTAPI unload(PDRIVER_OBJECT driver)
{
    UNREFERENCED_PARAMETER(driver);
    ExFreePoolWithTag(own, TAG_OWN);
}

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT driver, PUNICODE_STRING registry_path)
{
    PVOID theirs;
    UNREFERENCED_PARAMETER(registry_path);
    /* export_driver.sys's table holds i*i from its DllInitialize; sys32_export.sys adds 1000. */
    if (ExportDriverLookup(5) != 25) KeBugCheckEx(IMPORT_EXPORT_WRONG, 1, ExportDriverLookup(5), 0, 0);
    if (Sys32ExportAdd(2, 3) != 1005) KeBugCheckEx(IMPORT_EXPORT_WRONG, 2, Sys32ExportAdd(2, 3), 0, 0);
    theirs = Sys32ExportAllocate(48);
    if (!theirs) return STATUS_INSUFFICIENT_RESOURCES;
    ExFreePoolWithTag(theirs, SAMPLE_TAG('S', '3', '2', 'c'));
    own = ExAllocatePoolWithTag(PagedPool, 32, TAG_OWN);
    if (!own) return STATUS_INSUFFICIENT_RESOURCES;
    driver->DriverUnload = unload;
    return STATUS_SUCCESS;
}
