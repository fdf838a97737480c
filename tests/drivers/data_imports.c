/* Data imports (issue 10 point 4): each import slot must point at the variable Windows exports,
 * never at code. KeNumberProcessors (CCHAR), MmHighestUserAddress (PVOID), SeExports (PSE_EXPORTS),
 * KdDebuggerNotPresent (BOOLEAN) are the project module's own objects; NtBuildNumber (ULONG) is
 * Wine's, through the module's forwarder (--wine-fallback); on i386 hal.dll's KdComPortInUse
 * (PUCHAR, NULL without a kernel debugger) is the project hal's. Read as code they would hold
 * instruction bytes: the checks below stop the system with the failing index and the value read. */
#include "sample_driver.h"

#define DATA_IMPORT_WRONG 0xE0D1E005u /* a bug check code no Windows component uses */

/* Declared here as what they are (the DDK's own declarations differ between its headers). */
__declspec(dllimport) extern BOOLEAN KdDebuggerNotPresent;
__declspec(dllimport) extern LUID *SeExports;
__declspec(dllimport) extern ULONG NtBuildNumber;
#ifdef __i386__
__declspec(dllimport) extern PUCHAR KdComPortInUse;
#endif

static VOID NTAPI unload(PDRIVER_OBJECT driver) { UNREFERENCED_PARAMETER(driver); }

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT driver, PUNICODE_STRING registry_path)
{
    UNREFERENCED_PARAMETER(registry_path);
    if (KeNumberProcessors < 1) KeBugCheckEx(DATA_IMPORT_WRONG, 1, (ULONG_PTR)(LONG)KeNumberProcessors, 0, 0);
    /* The highest user address: below the system range, page-aligned minus one (0x7FFEFFFF on
     * i386, 0x7FFFFFFEFFFF on x64). */
    if (((ULONG_PTR)MmHighestUserAddress & 0xFFFF) != 0xFFFF || (ULONG_PTR)MmHighestUserAddress < 0x7FFE0000)
        KeBugCheckEx(DATA_IMPORT_WRONG, 2, (ULONG_PTR)MmHighestUserAddress, 0, 0);
    /* SE_EXPORTS starts with SeCreateTokenPrivilege, LUID {2, 0} (SE_CREATE_TOKEN_PRIVILEGE). */
    if (!SeExports || SeExports[0].LowPart != 2 || SeExports[0].HighPart != 0)
        KeBugCheckEx(DATA_IMPORT_WRONG, 3, (ULONG_PTR)SeExports, SeExports ? SeExports[0].LowPart : 0, 0);
    if (KdDebuggerNotPresent != TRUE) KeBugCheckEx(DATA_IMPORT_WRONG, 4, KdDebuggerNotPresent, 0, 0);
    /* NtBuildNumber: the build in the low 16 bits (Windows sets 0xF, free, or 0xC, checked, in the
     * top nibble; Wine 8.0's object holds 7601 alone). Code bytes would not read as a build of NT. */
    if ((NtBuildNumber & 0xFFFF) < 1381 || (NtBuildNumber & 0xFFFF) > 30000) KeBugCheckEx(DATA_IMPORT_WRONG, 5, NtBuildNumber, 0, 0);
#ifdef __i386__
    if (KdComPortInUse != NULL) KeBugCheckEx(DATA_IMPORT_WRONG, 6, (ULONG_PTR)KdComPortInUse, 0, 0);
#endif
    driver->DriverUnload = unload;
    return STATUS_SUCCESS;
}
