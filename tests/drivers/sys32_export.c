/* An export driver installed where Windows keeps them, %SystemRoot%\System32\Drivers (the test
 * copies it into the Wine prefix's system32\drivers; it is not next to the driver importing it):
 * the loader finds it there, calls DllInitialize once with its own service key
 * (...\Services\sys32_export), and DllUnload after the importing driver unloaded. Its pool use is
 * its own: a block it holds from DllInitialize to DllUnload ('S32i'), and blocks it allocates for
 * its caller ('S32c'), which the caller frees. */
#include "sample_driver.h"

#define TAG_INIT SAMPLE_TAG('S', '3', '2', 'i')
#define TAG_CALLER SAMPLE_TAG('S', '3', '2', 'c')
#define SYS32_EXPORT_ENTRY_CALLED 0xE0D1E002u /* a bug check code no Windows component uses */

static ULONG *state;

static BOOLEAN ends_with(PCUNICODE_STRING s, const WCHAR *tail)
{
    USHORT n = 0, i;
    while (tail[n]) n++;
    if (s->Length / sizeof(WCHAR) < n) return FALSE;
    for (i = 0; i < n; i++)
        if (s->Buffer[s->Length / sizeof(WCHAR) - n + i] != tail[i]) return FALSE;
    return TRUE;
}

__declspec(dllexport) ULONG NTAPI Sys32ExportAdd(ULONG a, ULONG b) { return state ? a + b + *state : 0; }

/* A block of this module's pool, handed to the caller to free. */
__declspec(dllexport) PVOID NTAPI Sys32ExportAllocate(SIZE_T bytes) { return ExAllocatePoolWithTag(NonPagedPool, bytes, TAG_CALLER); }

__declspec(dllexport) NTSTATUS NTAPI DllInitialize(PUNICODE_STRING registry_path)
{
    if (state) return STATUS_UNSUCCESSFUL; /* called twice */
    if (!registry_path || !ends_with(registry_path, L"\\Services\\sys32_export")) return STATUS_OBJECT_NAME_INVALID;
    state = ExAllocatePoolWithTag(NonPagedPool, sizeof(ULONG), TAG_INIT);
    if (!state) return STATUS_INSUFFICIENT_RESOURCES;
    *state = 1000;
    return STATUS_SUCCESS;
}

__declspec(dllexport) NTSTATUS NTAPI DllUnload(void)
{
    ExFreePoolWithTag(state, TAG_INIT);
    state = NULL;
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT driver, PUNICODE_STRING registry_path)
{
    UNREFERENCED_PARAMETER(driver);
    UNREFERENCED_PARAMETER(registry_path);
    KeBugCheckEx(SYS32_EXPORT_ENTRY_CALLED, 0, 0, 0, 0);
}
