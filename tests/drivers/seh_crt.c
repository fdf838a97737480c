/* SEH and the C runtime from ntoskrnl.exe (issue 10 point 6). A __try/__except frame of MSVC's
 * shape (seh_<arch>.S: __C_specific_handler on x64, _except_handler3 on i386) catches an access
 * violation and an ExRaiseStatus, and execution resumes in the driver; strlen, wcscat, _wcsnicmp,
 * swprintf (ntoskrnl's legacy form, no count) and _snwprintf give the C runtime's results. Each
 * check that fails stops the system with its index and the value seen. */
#include "sample_driver.h"

#define SEH_CRT_WRONG 0xE0D1E007u /* a bug check code no Windows component uses */

int __cdecl seh_write(int *p);
int __cdecl seh_raise(NTSTATUS status);

/* The x64 frame's filter (a scope table entry names it): saves the code, executes the handler.
 * (Wine's __C_specific_handler does not pass the code to the __except target in rax, so the
 * target reads it from here.) */
LONG seh_last_code;
LONG __cdecl seh_raise_filter(PEXCEPTION_POINTERS pointers, PVOID frame)
{
    UNREFERENCED_PARAMETER(frame);
    seh_last_code = pointers->ExceptionRecord->ExceptionCode;
    return EXCEPTION_EXECUTE_HANDLER;
}

/* ntoskrnl.exe's C runtime (crt.spec's import library); declared here, without the DDK's headers'
* C library declarations. ExRaiseStatus is the project module's. */
DECLSPEC_IMPORT size_t __cdecl strlen(const char *s);
DECLSPEC_IMPORT wchar_t *__cdecl wcscat(wchar_t *to, const wchar_t *from);
DECLSPEC_IMPORT int __cdecl _wcsnicmp(const wchar_t *a, const wchar_t *b, size_t n);
DECLSPEC_IMPORT int __cdecl swprintf(wchar_t *buffer, const wchar_t *format, ...);
DECLSPEC_IMPORT int __cdecl _snwprintf(wchar_t *buffer, size_t count, const wchar_t *format, ...);

static int wide_equal(const wchar_t *a, const wchar_t *b)
{
    while (*a && *a == *b) a++, b++;
    return *a == *b;
}

static VOID NTAPI unload(PDRIVER_OBJECT driver) { UNREFERENCED_PARAMETER(driver); }

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT driver, PUNICODE_STRING registry_path)
{
    static const int read_only = 1234;
    static int writable;
    wchar_t buf[64] = L"Kernel";
    int n;
    UNREFERENCED_PARAMETER(registry_path);

    n = seh_write(&writable);
    if (n != 0 || writable != 1) KeBugCheckEx(SEH_CRT_WRONG, 1, (ULONG_PTR)n, 0, 0);
    /* A store to the driver's own read-only section (the loader protects it as Windows does):
     * the access violation is caught and the driver goes on. */
    n = seh_write((int *)&read_only);
    if (n != 0xDEAD) KeBugCheckEx(SEH_CRT_WRONG, 2, (ULONG_PTR)n, 0, 0);
    n = seh_raise(STATUS_INSUFFICIENT_RESOURCES);
    if ((NTSTATUS)n != STATUS_INSUFFICIENT_RESOURCES) KeBugCheckEx(SEH_CRT_WRONG, 3, (ULONG_PTR)n, 0, 0);

    if (strlen("legacy driver") != 13) KeBugCheckEx(SEH_CRT_WRONG, 4, strlen("legacy driver"), 0, 0);
    if (wcscat(buf, L"Mode") != buf || !wide_equal(buf, L"KernelMode")) KeBugCheckEx(SEH_CRT_WRONG, 5, 0, 0, 0);
    if (_wcsnicmp(L"KERNELmode", buf, 10) != 0 || _wcsnicmp(L"kernelA", L"kernelB", 7) >= 0)
        KeBugCheckEx(SEH_CRT_WRONG, 6, 0, 0, 0);
    n = swprintf(buf, L"%d-%x", 42, 255);
    if (n != 5 || !wide_equal(buf, L"42-ff")) KeBugCheckEx(SEH_CRT_WRONG, 7, (ULONG_PTR)n, 0, 0);
    /* _snwprintf: at most count characters; -1 when the output did not fit. */
    n = _snwprintf(buf, 4, L"%d", 123456);
    if (n != -1 || buf[0] != L'1' || buf[3] != L'4') KeBugCheckEx(SEH_CRT_WRONG, 8, (ULONG_PTR)n, 0, 0);
    n = _snwprintf(buf, 64, L"%04d", 7);
    if (n != 4 || !wide_equal(buf, L"0007")) KeBugCheckEx(SEH_CRT_WRONG, 9, (ULONG_PTR)n, 0, 0);
    driver->DriverUnload = unload;
    return STATUS_SUCCESS;
}
