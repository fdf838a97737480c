// Ke exports: bug checks. Prototypes as in wdm.h / ntddk.h.
#include "exports/abi.h"
#include "ke/bugcheck.h"

using nt::ULONG;
using nt::ULONG_PTR;

NT_EXPORT [[noreturn]] void NT_API KeBugCheckEx(ULONG code, ULONG_PTR p1, ULONG_PTR p2, ULONG_PTR p3, ULONG_PTR p4) {
    ke::bug_check(code, p1, p2, p3, p4);
}

NT_EXPORT [[noreturn]] void NT_API KeBugCheck(ULONG code) { ke::bug_check(code); }
