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

// Per-driver verification (VerifyDrivers, vf/driver_verifier.h): while a verified driver's call
// runs through one of the verifier's thunks, the Verifier-only checks are on for that thread.
// The count of verified drivers loaded keeps this to one relaxed load when there are none.
extern std::atomic<int> verified_drivers;
bool in_verified_call();

inline bool enabled() {
    const int s = state.load(std::memory_order_relaxed);
    if (s == 2) return true;
    if (s == 0) return read_setting();
    return verified_drivers.load(std::memory_order_relaxed) && in_verified_call();
}

// Marks the calling thread as running a verified driver's call (nested scopes restore).
class VerifiedCall {
public:
    explicit VerifiedCall(bool on);
    ~VerifiedCall();
    VerifiedCall(const VerifiedCall&) = delete;
    VerifiedCall& operator=(const VerifiedCall&) = delete;

private:
    bool set_;
    void* previous_;
};

// Host unit tests switch the checks without an environment variable.
inline void set_enabled(bool on) { state.store(on ? 2 : 1, std::memory_order_relaxed); }

// The drop-in's per-driver Driver Verifier (vf/verifier_thunks.cpp): watches driver image loads
// and verifies those the registry's VerifyDrivers names. Module only; called once from DllMain.
void install_driver_verifier();

}  // namespace vf
