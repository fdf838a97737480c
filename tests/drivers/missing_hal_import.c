/* An i386 driver that imports a hal.dll routine the project's hal.dll does not implement
 * (READ_PORT_UCHAR; port I/O has no meaning under Wine): the host lists hal.dll!READ_PORT_UCHAR
 * and refuses to run it; with --stub-missing the call stops with "unimplemented
 * hal.dll.READ_PORT_UCHAR called"; with --wine-fallback it comes from Wine's builtin hal.dll. Its
 * spin lock comes from the project's hal.dll. */
#include "sample_driver.h"

#define TAG_MISS SAMPLE_TAG('M', 's', 'H', 'l')

static KSPIN_LOCK lock;

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT driver, PUNICODE_STRING registry_path)
{
    KIRQL old;
    UCHAR value;
    UNREFERENCED_PARAMETER(driver);
    UNREFERENCED_PARAMETER(registry_path);
    if (!ExAllocatePoolWithTag(NonPagedPool, 16, TAG_MISS)) return STATUS_INSUFFICIENT_RESOURCES;
    KeInitializeSpinLock(&lock);
    KeAcquireSpinLock(&lock, &old);
    value = READ_PORT_UCHAR((PUCHAR)0x64);
    KeReleaseSpinLock(&lock, old);
    return value == 0xFF ? STATUS_UNSUCCESSFUL : STATUS_SUCCESS;
}
