#include "ex/verifier.h"

#include "platform/platform.h"

namespace ex::verifier {

std::atomic<int> state{-1};

int read_switch() {
    char value[16];
    int on = 0;
    if (platform::read_environment("NTOSKRNL_VERIFIER", value, sizeof(value)))
        on = value[0] != '\0' && !(value[0] == '0' && value[1] == '\0') ? 1 : 0;
    int expected = -1;
    // The first reader decides; a test's set_enabled() wins over a late read.
    return state.compare_exchange_strong(expected, on, std::memory_order_relaxed) ? on : expected;
}

void set_enabled(bool on) { state.store(on ? 1 : 0, std::memory_order_relaxed); }

}  // namespace ex::verifier
