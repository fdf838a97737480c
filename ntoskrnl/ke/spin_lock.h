// Spin locks and IRQL changes, emulated per thread (windows-behavior.md 1.6, 3.10), as a free
// multiprocessor build of Windows does them; the checks a checked build or Driver Verifier adds
// are made only with the verifier on (vf/verifier.h, NTOSKRNL_VERIFIER).
//
// A KSPIN_LOCK is the driver's own ULONG_PTR: 0 when free, 1 while held. That is what a free
// multiprocessor kernel stores (`lock bts [lock], 0`): ReactOS's kmtest KeSpinLock.c, validated on
// Windows, expects exactly 1 on free MP builds (the owning thread | 1 only on checked builds), and
// Wine stores 1 too. The owner is not in the word; with the verifier on it is recorded per thread
// beside it (spin_lock.cpp), for the two ownership checks below.
//
// Free builds check nothing here: KeRaiseIrql to a level below the current one sets that level,
// KeLowerIrql to a higher one sets it too, and KeAcquireSpinLock at HIGH_LEVEL leaves the caller
// at DISPATCH_LEVEL (kmtest KeIrql.c: "these bugcheck on a checked build but run fine on free",
// and KeSpinLock.c, which acquires at HIGH_LEVEL and expects DISPATCH_LEVEL after). A recursive
// acquire spins forever, as on a free MP kernel, and releasing a lock sets the word to 0 whoever
// holds it.
//
// With the verifier on, misuse stops with Driver Verifier's codes (DRIVER_VERIFIER_DETECTED_VIOLATION
// 0xC4, Microsoft's bug check reference for 0xC4) where it has one, else the checked kernel's:
// - raising to an IRQL below the current one (or above HIGH_LEVEL): 0xC4/0x30, P2 current, P3
//   requested;
// - lowering to an IRQL above the current one (or above HIGH_LEVEL): 0xC4/0x31, P2 current, P3
//   requested, P4 0 ("new IRQL is bad");
// - KeAcquireSpinLock (the raising forms) above DISPATCH_LEVEL: 0xC4/0x42, P2 current IRQL, P3 lock;
// - acquiring a lock the thread already holds: SPIN_LOCK_ALREADY_OWNED (0x0F), P1 the lock;
// - releasing a lock the thread does not hold: SPIN_LOCK_NOT_OWNED (0x10), P1 the lock.
#pragma once

#include <atomic>

#include "ke/bugcheck.h"
#include "ke/irql.h"
#include "nt/ke_layouts.h"
#include "nt/types.h"
#include "platform/platform.h"
#include "vf/verifier.h"

namespace ke {

inline std::atomic_ref<nt::KSPIN_LOCK> lock_word(nt::KSPIN_LOCK* lock) { return std::atomic_ref<nt::KSPIN_LOCK>(*lock); }

// The word of a held lock.
inline constexpr nt::KSPIN_LOCK held_word = 1;

// Driver Verifier's 0xC4 subcodes the spin locks and IRQL routines raise.
namespace verifier_code {
inline constexpr nt::ULONG_PTR raise_irql_invalid = 0x30;
inline constexpr nt::ULONG_PTR lower_irql_invalid = 0x31;
inline constexpr nt::ULONG_PTR fast_mutex_acquire_above_apc = 0x33;
inline constexpr nt::ULONG_PTR acquire_above_dispatch = 0x42;
}  // namespace verifier_code

[[noreturn]] void spin_lock_already_owned(nt::KSPIN_LOCK* lock);
[[noreturn]] void spin_lock_not_owned(nt::KSPIN_LOCK* lock);
[[noreturn]] void verifier_violation(nt::ULONG_PTR subcode, nt::ULONG_PTR p2, nt::ULONG_PTR p3, nt::ULONG_PTR p4 = 0);
void spin_until_acquired(nt::KSPIN_LOCK* lock);

// The verifier's record of the locks each thread holds (spin_lock.cpp): checked before an acquire
// (0x0F), noted after it, checked and dropped at release (0x10).
void verifier_check_not_held(nt::KSPIN_LOCK* lock);
void verifier_note_held(nt::KSPIN_LOCK* lock);
void verifier_drop_held(nt::KSPIN_LOCK* lock);
bool verifier_holds(const nt::KSPIN_LOCK* lock);

// KeAcquireSpinLockAtDpcLevel: takes the lock without changing the IRQL (free builds check no IRQL
// here; kmtest KeSpinLock.c takes it at PASSIVE_LEVEL on free builds).
inline void acquire_spin_lock_at_dpc(nt::KSPIN_LOCK* lock) {
    const bool verify = vf::enabled();
    if (verify) [[unlikely]] verifier_check_not_held(lock);
    nt::KSPIN_LOCK expected = 0;
    if (!lock_word(lock).compare_exchange_strong(expected, held_word, std::memory_order_acquire)) spin_until_acquired(lock);
    if (verify) [[unlikely]] verifier_note_held(lock);
}

// KeTryToAcquireSpinLockAtDpcLevel: takes the lock if it is free; never waits. A lock the caller
// already holds is simply not free (FALSE; kmtest KeSpinLock.c, free MP builds).
inline bool try_acquire_spin_lock_at_dpc(nt::KSPIN_LOCK* lock) {
    if (lock_word(lock).load(std::memory_order_relaxed) != 0) return false;
    nt::KSPIN_LOCK expected = 0;
    if (!lock_word(lock).compare_exchange_strong(expected, held_word, std::memory_order_acquire)) return false;
    if (vf::enabled()) [[unlikely]] verifier_note_held(lock);
    return true;
}

// KeTestSpinLock: TRUE if the lock looks free (any nonzero word is held: kmtest KeSpinLock.c
// expects FALSE for 1, 2, ~0 and the top bit alone, TRUE for 0). Only reads the word.
inline bool test_spin_lock(const nt::KSPIN_LOCK* lock) {
    return std::atomic_ref<nt::KSPIN_LOCK>(*const_cast<nt::KSPIN_LOCK*>(lock)).load(std::memory_order_relaxed) == 0;
}

// KeReleaseSpinLockFromDpcLevel.
inline void release_spin_lock_from_dpc(nt::KSPIN_LOCK* lock) {
    if (vf::enabled()) [[unlikely]] verifier_drop_held(lock);
    lock_word(lock).store(0, std::memory_order_release);
}

// KfRaiseIrql / KeRaiseIrql: returns the previous IRQL. Free builds set whatever level is asked.
inline nt::KIRQL raise_irql(nt::KIRQL irql) {
    const nt::KIRQL current = current_irql();
    if ((irql < current || irql > high_level) && vf::enabled()) [[unlikely]]
        verifier_violation(verifier_code::raise_irql_invalid, current, irql);
    if (irql != current) set_irql(irql);
    return current;
}

// KfLowerIrql / KeLowerIrql. Free builds set whatever level is asked.
inline void lower_irql(nt::KIRQL irql) {
    const nt::KIRQL current = current_irql();
    if ((irql > current || irql > high_level) && vf::enabled()) [[unlikely]]
        verifier_violation(verifier_code::lower_irql_invalid, current, irql, 0);
    if (irql != current) set_irql(irql);
}

// KfAcquireSpinLock / KeAcquireSpinLockRaiseToDpc: go to DISPATCH_LEVEL, then take the lock. On a
// free build that is also where a caller above DISPATCH_LEVEL ends up (kmtest KeSpinLock.c).
inline nt::KIRQL acquire_spin_lock(nt::KSPIN_LOCK* lock) {
    const nt::KIRQL previous = current_irql();
    if (previous > dispatch_level && vf::enabled()) [[unlikely]]
        verifier_violation(verifier_code::acquire_above_dispatch, previous, reinterpret_cast<nt::ULONG_PTR>(lock));
    if (previous != dispatch_level) set_irql(dispatch_level);
    acquire_spin_lock_at_dpc(lock);
    return previous;
}

// KfReleaseSpinLock / KeReleaseSpinLock: release, then go to the IRQL the acquire returned.
inline void release_spin_lock(nt::KSPIN_LOCK* lock, nt::KIRQL previous) {
    release_spin_lock_from_dpc(lock);
    lower_irql(previous);
}

// KeAcquireSpinLockForDpc / KeReleaseSpinLockForDpc (Vista+): a CustomThreadedDpc routine's lock.
// "If CustomThreadedDpc is executing at IRQL = PASSIVE_LEVEL, KeAcquireSpinLockForDpc raises the
// current IRQL to DISPATCH_LEVEL" [MSDN:KeAcquireSpinLockForDpc]; outside a threaded DPC it takes
// the lock as the AtDpcLevel form does (kmtest KeSpinLock.c: the in-stack ForDpc pair leaves the
// IRQL alone at every level in an ordinary thread). The emulation runs no DPCs, so no caller is a
// threaded DPC: the lock is taken at the current IRQL, which is returned for the release.
inline nt::KIRQL acquire_spin_lock_for_dpc(nt::KSPIN_LOCK* lock) {
    const nt::KIRQL current = current_irql();
    acquire_spin_lock_at_dpc(lock);
    return current;
}
inline void release_spin_lock_for_dpc(nt::KSPIN_LOCK* lock, nt::KIRQL) { release_spin_lock_from_dpc(lock); }

// ---- In-stack queued spin locks (KeAcquireInStackQueuedSpinLock*, KLOCK_QUEUE_HANDLE) ----
// A FIFO queue lock: the KSPIN_LOCK holds the address of the last waiter's KSPIN_LOCK_QUEUE (0
// when free), and each waiter spins on its own entry. The entry's Lock field is the lock's
// address; its low bits are wdm.h's LOCK_QUEUE_WAIT (1: queued behind another entry, still
// waiting) and LOCK_QUEUE_OWNER (2: handed the lock by the previous owner). An uncontended
// acquire leaves the field as the plain address, as the handle's documented contents say. An
// ordinary acquire of the same lock (a driver must not mix the kinds; KeTestSpinLock-style reads
// may look) sees a non-zero word and waits.
inline constexpr nt::ULONG_PTR lock_queue_wait = 1;
inline constexpr nt::ULONG_PTR lock_queue_owner = 2;

void wait_for_queued_hand_off(nt::KSPIN_LOCK_QUEUE* entry);
void wait_for_queued_successor(nt::KSPIN_LOCK_QUEUE* entry);

inline std::atomic_ref<nt::KSPIN_LOCK_QUEUE*> next_of(nt::KSPIN_LOCK_QUEUE* entry) {
    return std::atomic_ref<nt::KSPIN_LOCK_QUEUE*>(*const_cast<nt::KSPIN_LOCK_QUEUE**>(&entry->Next));
}
// The entry's Lock field: the lock's address with the two flag bits.
struct LockField {
    std::atomic_ref<nt::KSPIN_LOCK*> field;
    nt::ULONG_PTR load(std::memory_order order) const { return reinterpret_cast<nt::ULONG_PTR>(field.load(order)); }
    void store(nt::ULONG_PTR value, std::memory_order order) const {
        field.store(reinterpret_cast<nt::KSPIN_LOCK*>(value), order);
    }
};
inline LockField lock_field_of(nt::KSPIN_LOCK_QUEUE* entry) {
    return {std::atomic_ref<nt::KSPIN_LOCK*>(*const_cast<nt::KSPIN_LOCK**>(&entry->Lock))};
}

// KeAcquireInStackQueuedSpinLockAtDpcLevel: joins the queue; returns once this entry owns it.
inline void acquire_queued_spin_lock_at_dpc(nt::KSPIN_LOCK* lock, nt::KLOCK_QUEUE_HANDLE* handle) {
    nt::KSPIN_LOCK_QUEUE* entry = &handle->LockQueue;
    const auto address = reinterpret_cast<nt::ULONG_PTR>(lock);
    next_of(entry).store(nullptr, std::memory_order_relaxed);
    lock_field_of(entry).store(address, std::memory_order_relaxed);
    const auto previous = lock_word(lock).exchange(reinterpret_cast<nt::KSPIN_LOCK>(entry), std::memory_order_acq_rel);
    if (previous == 0) {
        // Uncontended: this entry owns the lock at once (kmtest KeSpinLock.c, free MP builds: the
        // held handle's Lock is the lock's address | LOCK_QUEUE_OWNER, Next NULL).
        lock_field_of(entry).store(address | lock_queue_owner, std::memory_order_relaxed);
        return;
    }
    // Queued behind the previous tail: mark this entry waiting before linking it in.
    lock_field_of(entry).store(address | lock_queue_wait, std::memory_order_relaxed);
    next_of(reinterpret_cast<nt::KSPIN_LOCK_QUEUE*>(previous)).store(entry, std::memory_order_release);
    wait_for_queued_hand_off(entry);
}

// KeReleaseInStackQueuedSpinLockFromDpcLevel: frees the lock, or hands it to the next waiter; the
// entry's Lock goes back to the plain address. With the verifier on, a handle that does not own its
// lock (no LOCK_QUEUE_OWNER, or the word free) stops with SPIN_LOCK_NOT_OWNED, as ordinary locks
// do; a free build waits for a successor that never comes, as Windows' would.
inline void release_queued_spin_lock_from_dpc(nt::KLOCK_QUEUE_HANDLE* handle) {
    nt::KSPIN_LOCK_QUEUE* entry = &handle->LockQueue;
    const nt::ULONG_PTR field = lock_field_of(entry).load(std::memory_order_relaxed);
    auto* lock = reinterpret_cast<nt::KSPIN_LOCK*>(field & ~(lock_queue_wait | lock_queue_owner));
    const bool verify = vf::enabled();
    if (verify && (field & (lock_queue_wait | lock_queue_owner)) != lock_queue_owner) [[unlikely]]
        spin_lock_not_owned(lock);
    lock_field_of(entry).store(reinterpret_cast<nt::ULONG_PTR>(lock), std::memory_order_relaxed);
    nt::KSPIN_LOCK_QUEUE* next = next_of(entry).load(std::memory_order_acquire);
    if (!next) {
        auto expected = reinterpret_cast<nt::KSPIN_LOCK>(entry);
        if (lock_word(lock).compare_exchange_strong(expected, 0, std::memory_order_release)) return;
        if (verify && expected == 0) [[unlikely]] spin_lock_not_owned(lock);   // nobody holds it
        wait_for_queued_successor(entry);               // a waiter swapped itself in and is linking
        next = next_of(entry).load(std::memory_order_acquire);
    }
    next_of(entry).store(nullptr, std::memory_order_relaxed);
    lock_field_of(next).store(reinterpret_cast<nt::ULONG_PTR>(lock) | lock_queue_owner, std::memory_order_release);
}

// Going to `irql` for a raising acquire (KeAcquireSpinLockRaiseToSynch, the raising in-stack
// forms): free builds set it even from above, as KeAcquireSpinLock does; with the verifier on a
// caller above it stops with 0xC4/0x42 as KeAcquireSpinLock's does.
inline nt::KIRQL go_to_lock_irql(nt::KIRQL irql, nt::KSPIN_LOCK* lock) {
    const nt::KIRQL previous = current_irql();
    if (previous > irql && vf::enabled()) [[unlikely]]
        verifier_violation(verifier_code::acquire_above_dispatch, previous, reinterpret_cast<nt::ULONG_PTR>(lock));
    if (previous != irql) set_irql(irql);
    return previous;
}

// KeAcquireInStackQueuedSpinLock(RaiseToSynch): to `irql`, then the queue; the handle keeps the
// IRQL to return to. KeReleaseInStackQueuedSpinLock: release, then back to it.
inline void acquire_queued_spin_lock(nt::KSPIN_LOCK* lock, nt::KLOCK_QUEUE_HANDLE* handle, nt::KIRQL irql) {
    const nt::KIRQL previous = go_to_lock_irql(irql, lock);
    acquire_queued_spin_lock_at_dpc(lock, handle);
    handle->OldIrql = previous;
}
inline void release_queued_spin_lock(nt::KLOCK_QUEUE_HANDLE* handle) {
    const nt::KIRQL previous = handle->OldIrql;
    release_queued_spin_lock_from_dpc(handle);
    lower_irql(previous);
}

// KeAcquireInStackQueuedSpinLockForDpc / KeReleaseInStackQueuedSpinLockForDpc (Vista+): as
// KeAcquireSpinLockForDpc above, no threaded DPC runs, so the queue is joined at the current IRQL,
// which the handle keeps (kmtest KeSpinLock.c checks OldIrql is the caller's IRQL).
inline void acquire_queued_spin_lock_for_dpc(nt::KSPIN_LOCK* lock, nt::KLOCK_QUEUE_HANDLE* handle) {
    const nt::KIRQL current = current_irql();
    acquire_queued_spin_lock_at_dpc(lock, handle);
    handle->OldIrql = current;
}
inline void release_queued_spin_lock_for_dpc(nt::KLOCK_QUEUE_HANDLE* handle) { release_queued_spin_lock_from_dpc(handle); }

// RAII for the module's own callers (ExInterlocked* routines, zones).
class SpinLockHold {
public:
    explicit SpinLockHold(nt::KSPIN_LOCK* lock) : lock_(lock), previous_(acquire_spin_lock(lock)) {}
    ~SpinLockHold() { release_spin_lock(lock_, previous_); }
    SpinLockHold(const SpinLockHold&) = delete;
    SpinLockHold& operator=(const SpinLockHold&) = delete;

private:
    nt::KSPIN_LOCK* lock_;
    nt::KIRQL previous_;
};

}  // namespace ke
