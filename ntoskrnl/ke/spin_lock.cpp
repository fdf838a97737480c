#include "ke/spin_lock.h"

namespace ke {

void spin_lock_already_owned(nt::KSPIN_LOCK* lock) {
    bug_check(bugcheck_code::spin_lock_already_owned, reinterpret_cast<nt::ULONG_PTR>(lock));
}

void spin_lock_not_owned(nt::KSPIN_LOCK* lock) {
    bug_check(bugcheck_code::spin_lock_not_owned, reinterpret_cast<nt::ULONG_PTR>(lock));
}

void irql_raise_below_current(nt::KIRQL current, nt::KIRQL requested) {
    bug_check(bugcheck_code::irql_not_greater_or_equal, current, requested);
}

void irql_lower_above_current(nt::KIRQL current, nt::KIRQL requested) {
    bug_check(bugcheck_code::irql_not_less_or_equal, requested, current);
}

// Contended path: test-and-test-and-set. Emulated processors are threads that the host may
// deschedule while they hold a lock, so after a short spin the waiter yields its time slice.
void spin_until_acquired(nt::KSPIN_LOCK* lock, nt::KSPIN_LOCK owner) {
    for (unsigned spins = 0;; ++spins) {
        nt::KSPIN_LOCK seen = lock_word(lock).load(std::memory_order_relaxed);
        if (seen == 0) {
            if (lock_word(lock).compare_exchange_weak(seen, owner, std::memory_order_acquire)) return;
        } else if (spins > 64) {
            platform::yield_thread();
        }
    }
}

// A queued waiter spins on its own entry (no shared cache line), yielding after a short spin for
// the same reason.
void wait_for_queued_hand_off(nt::KSPIN_LOCK_QUEUE* entry) {
    for (unsigned spins = 0; lock_field_of(entry).load(std::memory_order_acquire) & lock_queue_wait; ++spins)
        if (spins > 64) platform::yield_thread();
}

void wait_for_queued_successor(nt::KSPIN_LOCK_QUEUE* entry) {
    for (unsigned spins = 0; !next_of(entry).load(std::memory_order_acquire); ++spins)
        if (spins > 64) platform::yield_thread();
}

}  // namespace ke
