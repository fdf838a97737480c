/*
 * The driver half of the PE tests: compiled against the MinGW-w64 DDK headers (<ddk/ntddk.h>)
 * exactly as a legacy driver is, so its calls produce the same import symbols a driver's do
 * (_MmQuerySystemSize@0, _KeBugCheckEx@20, ... on i386) and must bind through the project's
 * import library to the project's module. The user-mode half of each test (windows.h) calls in
 * here; the two header sets cannot share a translation unit.
 */
#include <ddk/ntddk.h>

#include "driver_side.h"

int driver_query_system_size(void) { return (int)MmQuerySystemSize(); }

int driver_is_nt_as_system(void) { return MmIsThisAnNtAsSystem() ? 1 : 0; }

void driver_bug_check_ex(unsigned long code, uintptr_t p1, uintptr_t p2, uintptr_t p3, uintptr_t p4)
{
    KeBugCheckEx(code, p1, p2, p3, p4);
}

void driver_bug_check(unsigned long code) { KeBugCheck(code); }
