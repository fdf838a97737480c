// Driver Verifier (Vf): the optional checks a tester turns on for a driver, as Windows' verifier
// does. Under emulation they are on for the whole process when the environment variable
// NTOSKRNL_VERIFIER is set to anything but "" or "0" (the driver host's --verifier sets it), read
// once. With them on the pool serves blocks from special pool (ex/special_pool.h).
#pragma once

#include <atomic>

namespace vf {

// 0 not read yet, 1 off, 2 on.
extern std::atomic<int> state;
bool read_setting();

inline bool enabled() {
    const int s = state.load(std::memory_order_relaxed);
    return s ? s == 2 : read_setting();
}

// Host unit tests switch the checks without an environment variable.
inline void set_enabled(bool on) { state.store(on ? 2 : 1, std::memory_order_relaxed); }

// The drop-in's per-driver Driver Verifier (vf/verifier_thunks.cpp): watches driver image loads
// and verifies those the registry's VerifyDrivers names. Module only; called once from DllMain.
void install_driver_verifier();

}  // namespace vf
