/* A driver that imports a routine the project does not implement (IoCreateDevice): the host
 * lists ntoskrnl.exe!IoCreateDevice and refuses to run it; with --stub-missing the call stops
 * with "unimplemented ntoskrnl.exe.IoCreateDevice called". It allocates first, so the report of
 * the stopped run still shows its pool use. */
#include "sample_driver.h"

#define TAG_MISS SAMPLE_TAG('M', 's', 'I', 'm')

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT driver, PUNICODE_STRING registry_path)
{
    UNICODE_STRING name;
    PDEVICE_OBJECT device;
    static WCHAR device_name[] = L"\\Device\\NtoshostSample";
    UNREFERENCED_PARAMETER(registry_path);
    if (!ExAllocatePoolWithTag(NonPagedPool, 16, TAG_MISS)) return STATUS_INSUFFICIENT_RESOURCES;
    name.Buffer = device_name;
    name.Length = sizeof(device_name) - sizeof(WCHAR);
    name.MaximumLength = sizeof(device_name);
    return IoCreateDevice(driver, 0, &name, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
}
