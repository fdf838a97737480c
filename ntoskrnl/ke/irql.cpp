#include "ke/irql.h"

#include "ex/spinlock.h"
#include "ke/bugcheck.h"

namespace ke {

std::atomic<int> irql_tls_slot{-1};

void initialize_irql() {
    static ex::SpinLock lock;
    ex::SpinLockGuard guard(lock);
    if (irql_tls_slot.load(std::memory_order_relaxed) >= 0) return;
    const int slot = platform::tls_slot_allocate(nullptr);
    // Without a slot no IRQL can be kept: the emulated system cannot start.
    if (slot < 0) bug_check(bugcheck_code::must_succeed_pool_empty, 0, 0, 0, 0);
    irql_tls_slot.store(slot, std::memory_order_release);
}

nt::KIRQL set_irql(nt::KIRQL irql) {
    if (irql_tls_slot.load(std::memory_order_acquire) < 0) initialize_irql();
    const nt::KIRQL previous = current_irql();
    platform::tls_set(irql_tls_slot.load(std::memory_order_relaxed), reinterpret_cast<void*>(static_cast<std::uintptr_t>(irql) + 1));
    return previous;
}

}  // namespace ke
