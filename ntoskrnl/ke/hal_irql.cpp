// i386: the IRQL is hal.dll's. Windows' i386 kernel imports KeGetCurrentIrql, KfRaiseIrql and
// KfLowerIrql from HAL.dll like any driver (MinGW-w64 i386 libhal.a: _KeGetCurrentIrql@0,
// @KfRaiseIrql@4, @KfLowerIrql@4; windows-behavior.md 1.6), so a driver raising through hal.dll
// and the pool checking the IRQL see the same value. The module does the same with the project's
// hal.dll (hal/, which builds on this module's ke core).
//
// If the loader bound hal.dll to Wine's builtin one instead (no "hal.dll=n" override, or the
// project's hal.dll not found), its IRQL routines are stubs returning 0: ke::bind_irql_owner's
// probe notices, and the module keeps its own per-thread IRQL, as before there was a hal.dll,
// after one warning on stderr.
#include "ke/irql.h"
#include "platform/platform.h"

extern "C" {
__declspec(dllimport) nt::KIRQL NT_API KeGetCurrentIrql();
__declspec(dllimport) nt::KIRQL NT_FASTCALL KfRaiseIrql(nt::KIRQL irql);
__declspec(dllimport) void NT_FASTCALL KfLowerIrql(nt::KIRQL irql);
}

namespace ke {

void bind_hal_irql() {
    static const IrqlOwner hal{KeGetCurrentIrql, KfRaiseIrql, KfLowerIrql};
    if (bind_irql_owner(&hal)) return;
    platform::write_stderr(
        "ntoskrnl.exe: warning: the hal.dll loaded with this module does not keep an IRQL (Wine's builtin "
        "hal.dll?); using ntoskrnl.exe's own IRQL, which drivers raising it through hal.dll do not change. "
        "Put the project's hal.dll next to ntoskrnl.exe and set WINEDLLOVERRIDES=hal.dll=n.\n");
}

}  // namespace ke
