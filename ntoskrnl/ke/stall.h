// KeStallExecutionProcessor (hal.dll on i386): "a processor-dependent routine that busy-waits for
// at least the specified number of microseconds, but not significantly longer"
// [MSDN:KeStallExecutionProcessor]. The wait is measured on the performance counter
// (KeQueryPerformanceCounter's), so "at least" holds whatever the host's speed (qemu included).
#pragma once

#include <cstdint>

#include "platform/platform.h"

namespace ke {

// Counter ticks covering at least `microseconds` at `frequency` ticks per second (rounded up);
// split into whole seconds and the rest so that no product overflows for any ULONG and any
// frequency below 2^44 Hz.
constexpr std::uint64_t stall_ticks(std::uint32_t microseconds, std::uint64_t frequency) {
    const std::uint64_t seconds = microseconds / 1000000u, rest = microseconds % 1000000u;
    return seconds * frequency + (rest * frequency + 999999u) / 1000000u;
}

inline void stall_execution(std::uint32_t microseconds) {
    std::uint64_t frequency = 0;
    const std::uint64_t start = platform::performance_counter(&frequency);
    const std::uint64_t ticks = stall_ticks(microseconds, frequency);
    while (platform::performance_counter(nullptr) - start < ticks) {
#if defined(__i386__) || defined(__x86_64__)
        __builtin_ia32_pause();
#endif
    }
}

}  // namespace ke
