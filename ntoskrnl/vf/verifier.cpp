#include "vf/verifier.h"

#include "platform/platform.h"

namespace vf {

std::atomic<int> state{0};

bool read_setting() {
    const bool on = platform::environment_flag("NTOSKRNL_VERIFIER");
    int expected = 0;
    state.compare_exchange_strong(expected, on ? 2 : 1, std::memory_order_relaxed);
    return state.load(std::memory_order_relaxed) == 2;
}

}  // namespace vf
