// Emulated IRQL: each thread has one (PASSIVE_LEVEL until raised). Nothing is masked under
// emulation; the value exists so that the rules drivers must follow can be checked, as Windows
// checks them (the pool's 0xC2/0x08 and 0x09, the spin locks' rules). The Ke exports that raise
// and lower it build on this.
#pragma once

#include <atomic>

#include "nt/types.h"
#include "platform/platform.h"

namespace ke {

inline constexpr nt::KIRQL passive_level = 0;
inline constexpr nt::KIRQL apc_level = 1;
inline constexpr nt::KIRQL dispatch_level = 2;
inline constexpr nt::KIRQL high_level = nt::is_64bit ? 15 : 31;
// SYNCH_LEVEL of a multiprocessor kernel: IPI_LEVEL - 2, i.e. 27 on x86 (IPI_LEVEL 29) and 12 on
// x64 (IPI_LEVEL 14) (MinGW-w64 wdm.h; kmtest KeIrql.c uses IPI_LEVEL - 2 on MP builds).
inline constexpr nt::KIRQL synch_level = nt::is_64bit ? 12 : 27;

// Who keeps the IRQL. On i386 Windows the HAL does: KeGetCurrentIrql, KfRaiseIrql and KfLowerIrql
// are hal.dll exports that the kernel itself imports (MinGW-w64 i386 libhal.a; windows-behavior.md
// 1.6). The i386 module binds these to the project's hal.dll at load (ke/hal_irql.cpp), so a
// driver raising through hal.dll and the pool checking through here see one IRQL. Unbound (x86_64,
// the host build, and hal.dll itself), the IRQL is this module's own thread-local value.
struct IrqlOwner {
    nt::KIRQL(NT_API* current)();
    nt::KIRQL(NT_FASTCALL* raise)(nt::KIRQL irql);   // returns the previous IRQL
    void(NT_FASTCALL* lower)(nt::KIRQL irql);
};
extern std::atomic<const IrqlOwner*> irql_owner;

// Binds the IRQL to `owner` if it really keeps one: raising to DISPATCH_LEVEL must read back as
// DISPATCH_LEVEL and lowering must restore the level found (a HAL whose IRQL routines are stubs
// returning 0, like Wine's i386 hal.dll, fails this). Returns false and leaves the IRQL unbound
// otherwise. Called once, at load, before any driver runs on the calling thread.
bool bind_irql_owner(const IrqlOwner* owner);
#if defined(_WIN32) && defined(__i386__)
// The i386 module: binds the IRQL to hal.dll's (ke/hal_irql.cpp), or warns and keeps its own.
void bind_hal_irql();
#endif

// Thread-local slot holding (IRQL + 1), so that a thread that never set one reads PASSIVE_LEVEL;
// -1 until initialize_irql() (no thread can have raised its IRQL before then).
extern std::atomic<int> irql_tls_slot;
void initialize_irql();

// Hot: the pool asks on every allocation and free.
inline nt::KIRQL current_irql() {
    if (const IrqlOwner* owner = irql_owner.load(std::memory_order_relaxed)) return owner->current();
    const int slot = irql_tls_slot.load(std::memory_order_relaxed);
    if (slot < 0) return passive_level;
    const auto stored = reinterpret_cast<std::uintptr_t>(platform::tls_get(slot));
    return stored ? static_cast<nt::KIRQL>(stored - 1) : passive_level;
}

// Sets the calling thread's IRQL and returns the previous one. The callers (the raise and lower
// exports) check the direction and bug check as Windows does. Bound to an owner, it raises or
// lowers through the owner's routines.
nt::KIRQL set_irql(nt::KIRQL irql);

}  // namespace ke
