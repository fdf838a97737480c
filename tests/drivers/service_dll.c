/* A standard driver linked as a DLL (-shared: IMAGE_FILE_DLL set, as every one of Wine's own .sys
 * files and every driver built as an export driver has it): loaded as a service, Windows calls its
 * DriverEntry all the same (Microsoft, "Creating Export Drivers": an export driver can be "loaded
 * as a regular driver"). It also exports a routine, as such drivers do. */
#include "sample_driver.h"

#define TAG_STATE SAMPLE_TAG('S', 'v', 'D', 'l')

static ULONG *state;

__declspec(dllexport) ULONG NTAPI ServiceDllState(void) { return state ? *state : 0; }

static VOID NTAPI service_dll_unload(PDRIVER_OBJECT driver)
{
    UNREFERENCED_PARAMETER(driver);
    ExFreePoolWithTag(state, TAG_STATE);
    state = NULL;
}

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT driver, PUNICODE_STRING registry_path)
{
    if (!driver || !registry_path || !registry_path->Length) return STATUS_INVALID_PARAMETER;
    state = ExAllocatePoolWithTag(NonPagedPool, sizeof(*state), TAG_STATE);
    if (!state) return STATUS_INSUFFICIENT_RESOURCES;
    *state = 0x5E41;
    driver->DriverUnload = service_dll_unload;
    return ServiceDllState() == 0x5E41 ? STATUS_SUCCESS : STATUS_DATA_ERROR;
}
