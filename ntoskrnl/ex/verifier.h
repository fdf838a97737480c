// Driver Verifier-style checks: optional, off unless the environment variable NTOSKRNL_VERIFIER
// is set to a non-empty value other than "0" when the module first asks (read once through the
// platform layer). Checks that Windows only makes under Driver Verifier bug check with
// DRIVER_VERIFIER_DETECTED_VIOLATION (0xC4) when this is on.
#pragma once

#include <atomic>

namespace ex::verifier {

// -1 until the switch is read, then 0 or 1. Inline: the pool's free path asks every time.
extern std::atomic<int> state;
int read_switch();

inline bool enabled() {
    const int s = state.load(std::memory_order_relaxed);
    return (s < 0 ? read_switch() : s) != 0;
}

// Host unit tests switch the checks on and off directly.
void set_enabled(bool on);

}  // namespace ex::verifier
