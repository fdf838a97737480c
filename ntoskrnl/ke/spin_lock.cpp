#include "ke/spin_lock.h"

namespace ke {

void spin_lock_already_owned(nt::KSPIN_LOCK* lock) {
    bug_check(bugcheck_code::spin_lock_already_owned, reinterpret_cast<nt::ULONG_PTR>(lock));
}

void spin_lock_not_owned(nt::KSPIN_LOCK* lock) {
    bug_check(bugcheck_code::spin_lock_not_owned, reinterpret_cast<nt::ULONG_PTR>(lock));
}

void verifier_violation(nt::ULONG_PTR subcode, nt::ULONG_PTR p2, nt::ULONG_PTR p3, nt::ULONG_PTR p4) {
    bug_check(bugcheck_code::driver_verifier_detected_violation, subcode, p2, p3, p4);
}

// Contended path: test-and-test-and-set. Emulated processors are threads that the host may
// deschedule while they hold a lock, so after a short spin the waiter yields its time slice.
void spin_until_acquired(nt::KSPIN_LOCK* lock) {
    for (unsigned spins = 0;; ++spins) {
        nt::KSPIN_LOCK seen = lock_word(lock).load(std::memory_order_relaxed);
        if (seen == 0) {
            if (lock_word(lock).compare_exchange_weak(seen, held_word, std::memory_order_acquire)) return;
        } else if (spins > 64) {
            platform::yield_thread();
        }
    }
}

// ---- The verifier's owner record ----
// The word is 1 whoever holds the lock, so the verifier keeps, per thread, the locks that thread
// holds: a spin lock is released on the processor (here the thread) that took it, at
// DISPATCH_LEVEL, where no thread switch happens. The raising hal.dll routines take and release
// the word through this module's KefAcquireSpinLockAtDpcLevel / KefReleaseSpinLockFromDpcLevel
// (hal/exports.cpp), so one record sees every form of acquire. Nesting deeper than the record
// holds is counted, and a release of an unrecorded lock is then accepted (one warning).
namespace {

constexpr int held_capacity = 64;
struct HeldLocks {
    const nt::KSPIN_LOCK* locks[held_capacity];
    int count;
    int unrecorded;
};
thread_local HeldLocks held;

int find_held(const nt::KSPIN_LOCK* lock) {
    for (int i = held.count - 1; i >= 0; --i)
        if (held.locks[i] == lock) return i;
    return -1;
}

}  // namespace

bool verifier_holds(const nt::KSPIN_LOCK* lock) { return find_held(lock) >= 0; }

void verifier_check_not_held(nt::KSPIN_LOCK* lock) {
    if (find_held(lock) >= 0) spin_lock_already_owned(lock);
}

void verifier_note_held(nt::KSPIN_LOCK* lock) {
    if (held.count < held_capacity) {
        held.locks[held.count++] = lock;
        return;
    }
    if (held.unrecorded++ == 0)
        platform::write_stderr("ntoskrnl.exe: verifier: a thread holds more than 64 spin locks; the deeper ones are not "
                               "checked for ownership\n");
}

void verifier_drop_held(nt::KSPIN_LOCK* lock) {
    const int i = find_held(lock);
    if (i < 0) {
        if (held.unrecorded > 0) {
            --held.unrecorded;
            return;
        }
        spin_lock_not_owned(lock);
    }
    held.locks[i] = held.locks[--held.count];
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
