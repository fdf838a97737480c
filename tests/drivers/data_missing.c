/* A data import nobody provides (issue 10 point 4): MmBadPointer, a Windows 8+ data export that
 * neither the project's module nor Wine's builtin has. It is listed as unresolved before anything
 * runs and never bound to a stub, also with --stub-missing (a stub is code; the driver would read
 * its bytes as the pointer). */
#include "sample_driver.h"

__declspec(dllimport) extern PVOID MmBadPointer;

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT driver, PUNICODE_STRING registry_path)
{
    UNREFERENCED_PARAMETER(driver);
    UNREFERENCED_PARAMETER(registry_path);
    return MmBadPointer ? STATUS_SUCCESS : STATUS_UNSUCCESSFUL;
}
