#include "ke/irql.h"

#include "ex/spinlock.h"
#include "ke/bugcheck.h"

namespace ke {

std::atomic<int> irql_tls_slot{-1};
std::atomic<const IrqlOwner*> irql_owner{nullptr};

bool bind_irql_owner(const IrqlOwner* owner) {
    const nt::KIRQL found = owner->current();
    // Above DISPATCH_LEVEL a raise to it would be a raise below the current IRQL; a level a stub
    // cannot report is proof enough that the owner keeps one.
    if (found > dispatch_level) {
        irql_owner.store(owner, std::memory_order_release);
        return true;
    }
    const nt::KIRQL previous = owner->raise(dispatch_level);
    const bool raised = owner->current() == dispatch_level && previous == found;
    owner->lower(previous);
    if (!raised || owner->current() != found) return false;
    irql_owner.store(owner, std::memory_order_release);
    return true;
}

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
    if (const IrqlOwner* owner = irql_owner.load(std::memory_order_acquire)) {
        const nt::KIRQL previous = owner->current();
        if (irql > previous) owner->raise(irql);
        else if (irql < previous) owner->lower(irql);
        return previous;
    }
    if (irql_tls_slot.load(std::memory_order_acquire) < 0) initialize_irql();
    const nt::KIRQL previous = current_irql();
    platform::tls_set(irql_tls_slot.load(std::memory_order_relaxed), reinterpret_cast<void*>(static_cast<std::uintptr_t>(irql) + 1));
    return previous;
}

}  // namespace ke
