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

// Thread-local slot holding (IRQL + 1), so that a thread that never set one reads PASSIVE_LEVEL;
// -1 until initialize_irql() (no thread can have raised its IRQL before then).
extern std::atomic<int> irql_tls_slot;
void initialize_irql();

// Hot: the pool asks on every allocation and free.
inline nt::KIRQL current_irql() {
    const int slot = irql_tls_slot.load(std::memory_order_relaxed);
    if (slot < 0) return passive_level;
    const auto stored = reinterpret_cast<std::uintptr_t>(platform::tls_get(slot));
    return stored ? static_cast<nt::KIRQL>(stored - 1) : passive_level;
}

// Sets the calling thread's IRQL and returns the previous one. The callers (the raise and lower
// exports) check the direction and bug check as Windows does.
nt::KIRQL set_irql(nt::KIRQL irql);

}  // namespace ke
