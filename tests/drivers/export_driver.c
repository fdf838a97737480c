/* An export driver (a kernel-mode DLL, IMAGE_FILE_DLL): a library other drivers import, whose
 * DriverEntry Windows never calls. The loader calls DllInitialize(RegistryPath) when it loads the
 * image and DllUnload() before unloading it (Microsoft, "Creating Export Drivers"). This one keeps
 * a table from DllInitialize to DllUnload and exports a routine that reads it. If its DriverEntry
 * were called as an entry point, it would stop the system with a code of its own. */
#include "sample_driver.h"

#define TAG_TABLE SAMPLE_TAG('E', 'x', 'T', 'b')
#define EXPORT_DRIVER_ENTRY_CALLED 0xE0D1E001u /* a bug check code no Windows component uses */

static ULONG *table;

__declspec(dllexport) ULONG NTAPI ExportDriverLookup(ULONG index) { return table && index < 16 ? table[index] : 0; }

__declspec(dllexport) NTSTATUS NTAPI DllInitialize(PUNICODE_STRING registry_path)
{
    ULONG i;
    if (!registry_path || !registry_path->Length) return STATUS_INVALID_PARAMETER;
    table = ExAllocatePoolWithTag(NonPagedPool, 16 * sizeof(ULONG), TAG_TABLE);
    if (!table) return STATUS_INSUFFICIENT_RESOURCES;
    for (i = 0; i < 16; i++) table[i] = i * i;
    return ExportDriverLookup(3) == 9 ? STATUS_SUCCESS : STATUS_DATA_ERROR;
}

__declspec(dllexport) NTSTATUS NTAPI DllUnload(void)
{
    ExFreePoolWithTag(table, TAG_TABLE);
    table = NULL;
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT driver, PUNICODE_STRING registry_path)
{
    UNREFERENCED_PARAMETER(driver);
    UNREFERENCED_PARAMETER(registry_path);
    KeBugCheckEx(EXPORT_DRIVER_ENTRY_CALLED, 0, 0, 0, 0);
}
