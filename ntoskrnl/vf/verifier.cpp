#include "vf/verifier.h"

#include "platform/platform.h"

namespace vf {

std::atomic<int> state{0};
std::atomic<int> verified_drivers{0};

namespace {
std::atomic<int> call_slot{-2};   // -2 not allocated yet, -1 none available

int slot() {
    int s = call_slot.load(std::memory_order_acquire);
    if (s != -2) return s;
    int fresh = platform::tls_slot_allocate(nullptr);
    int expected = -2;
    if (!call_slot.compare_exchange_strong(expected, fresh < 0 ? -1 : fresh, std::memory_order_acq_rel)) return expected;
    return fresh < 0 ? -1 : fresh;
}
}  // namespace

bool in_verified_call() {
    const int s = call_slot.load(std::memory_order_acquire);
    return s >= 0 && platform::tls_get(s) != nullptr;
}

VerifiedCall::VerifiedCall(bool on) : set_(false), previous_(nullptr) {
    if (!on) return;
    const int s = slot();
    if (s < 0) return;
    previous_ = platform::tls_get(s);
    platform::tls_set(s, reinterpret_cast<void*>(1));
    set_ = true;
}

VerifiedCall::~VerifiedCall() {
    if (set_) platform::tls_set(call_slot.load(std::memory_order_relaxed), previous_);
}

bool read_setting() {
    const bool on = platform::environment_flag("NTOSKRNL_VERIFIER");
    int expected = 0;
    state.compare_exchange_strong(expected, on ? 2 : 1, std::memory_order_relaxed);
    return state.load(std::memory_order_relaxed) == 2;
}

}  // namespace vf
