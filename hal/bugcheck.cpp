// hal.dll stops the system through the kernel, as Windows' HAL does: ke::bug_check (raised by the
// shared ke core, ke/spin_lock.cpp) is KeBugCheckEx imported from ntoskrnl.exe, so the STOP line,
// exit status and racing-processor behaviour are the kernel's (ke/bugcheck.cpp), not a copy.
#include "ke/bugcheck.h"

extern "C" __declspec(dllimport) [[noreturn]] void NT_API KeBugCheckEx(nt::ULONG code, nt::ULONG_PTR p1, nt::ULONG_PTR p2,
                                                                     nt::ULONG_PTR p3, nt::ULONG_PTR p4);

namespace ke {

void bug_check(nt::ULONG code, nt::ULONG_PTR p1, nt::ULONG_PTR p2, nt::ULONG_PTR p3, nt::ULONG_PTR p4) {
    KeBugCheckEx(code, p1, p2, p3, p4);
}

}  // namespace ke
