// Spin locks and IRQL changes, emulated per thread (windows-behavior.md 1.6, 3.10).
//
// A KSPIN_LOCK is the driver's own ULONG_PTR: 0 when free; while held it holds the owning
// thread's tag (platform::thread_tag(), the TEB address in the module) with bit 0 set. Bit 0 is
// what Windows' acquire sets (`lock bts [lock], 0`), so code that inspects the word
// (KeTestSpinLock-style `*lock != 0`, or bit 0) sees Windows' answer; the owner bits are those
// checked kernels keep (thread | 1, as ReactOS's DBG spin locks do too), and give the two
// ownership bug checks below.
//
// Misuse stops as Windows does:
// - raising to an IRQL below the current one: IRQL_NOT_GREATER_OR_EQUAL (0x09), P1 current,
//   P2 requested ("If the new IRQL is less than the current IRQL, a bug check occurs",
//   [MSDN:KeRaiseIrql]; the code is the one the x86 HAL's KfRaiseIrql raises, also ReactOS's);
//   acquiring a spin lock above DISPATCH_LEVEL is such a raise.
// - lowering to an IRQL above the current one: IRQL_NOT_LESS_OR_EQUAL (0x0A), P1 requested,
//   P2 current ("a fatal error", [MSDN:KeLowerIrql]; code as the HAL's KfLowerIrql raises).
// - acquiring a lock the thread already holds: SPIN_LOCK_ALREADY_OWNED (0x0F), P1 the lock (a
//   free kernel would spin forever; the emulation stops instead of hanging the host).
// - releasing a lock the thread does not hold: SPIN_LOCK_NOT_OWNED (0x10), P1 the lock.
// Codes from Microsoft's bug check code reference. Driver Verifier's 0xC4 codes (0x30-0x42) are
// not raised: they exist only with Verifier enabled.
#pragma once

#include <atomic>

#include "ke/bugcheck.h"
#include "ke/irql.h"
#include "nt/ke_layouts.h"
#include "nt/types.h"
#include "platform/platform.h"

namespace ke {

inline std::atomic_ref<nt::KSPIN_LOCK> lock_word(nt::KSPIN_LOCK* lock) { return std::atomic_ref<nt::KSPIN_LOCK>(*lock); }

inline nt::KSPIN_LOCK owner_value() { return platform::thread_tag() | 1; }

[[noreturn]] void spin_lock_already_owned(nt::KSPIN_LOCK* lock);
[[noreturn]] void spin_lock_not_owned(nt::KSPIN_LOCK* lock);
[[noreturn]] void irql_raise_below_current(nt::KIRQL current, nt::KIRQL requested);
[[noreturn]] void irql_lower_above_current(nt::KIRQL current, nt::KIRQL requested);
void spin_until_acquired(nt::KSPIN_LOCK* lock, nt::KSPIN_LOCK owner);

// KeAcquireSpinLockAtDpcLevel: takes the lock without changing the IRQL.
inline void acquire_spin_lock_at_dpc(nt::KSPIN_LOCK* lock) {
    const nt::KSPIN_LOCK owner = owner_value();
    nt::KSPIN_LOCK expected = 0;
    if (lock_word(lock).compare_exchange_strong(expected, owner, std::memory_order_acquire)) return;
    if (expected == owner) spin_lock_already_owned(lock);
    spin_until_acquired(lock, owner);
}

// KeReleaseSpinLockFromDpcLevel.
inline void release_spin_lock_from_dpc(nt::KSPIN_LOCK* lock) {
    if (lock_word(lock).load(std::memory_order_relaxed) != owner_value()) spin_lock_not_owned(lock);
    lock_word(lock).store(0, std::memory_order_release);
}

// KfRaiseIrql / KeRaiseIrql: returns the previous IRQL.
inline nt::KIRQL raise_irql(nt::KIRQL irql) {
    const nt::KIRQL current = current_irql();
    if (irql < current) irql_raise_below_current(current, irql);
    if (irql != current) set_irql(irql);
    return current;
}

// KfLowerIrql / KeLowerIrql.
inline void lower_irql(nt::KIRQL irql) {
    const nt::KIRQL current = current_irql();
    if (irql > current) irql_lower_above_current(current, irql);
    if (irql != current) set_irql(irql);
}

// KfAcquireSpinLock / KeAcquireSpinLockRaiseToDpc: raise to DISPATCH_LEVEL, then take the lock.
inline nt::KIRQL acquire_spin_lock(nt::KSPIN_LOCK* lock) {
    const nt::KIRQL previous = raise_irql(dispatch_level);
    acquire_spin_lock_at_dpc(lock);
    return previous;
}

// KfReleaseSpinLock / KeReleaseSpinLock: release, then lower to the IRQL the acquire returned.
inline void release_spin_lock(nt::KSPIN_LOCK* lock, nt::KIRQL previous) {
    release_spin_lock_from_dpc(lock);
    lower_irql(previous);
}

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
    if (previous == 0) return;
    // Queued behind the previous tail: mark this entry waiting before linking it in.
    lock_field_of(entry).store(address | lock_queue_wait, std::memory_order_relaxed);
    next_of(reinterpret_cast<nt::KSPIN_LOCK_QUEUE*>(previous)).store(entry, std::memory_order_release);
    wait_for_queued_hand_off(entry);
}

// KeReleaseInStackQueuedSpinLockFromDpcLevel: frees the lock, or hands it to the next waiter.
// A handle that does not hold its lock stops with SPIN_LOCK_NOT_OWNED, as ordinary locks do.
inline void release_queued_spin_lock_from_dpc(nt::KLOCK_QUEUE_HANDLE* handle) {
    nt::KSPIN_LOCK_QUEUE* entry = &handle->LockQueue;
    const nt::ULONG_PTR field = lock_field_of(entry).load(std::memory_order_relaxed);
    auto* lock = reinterpret_cast<nt::KSPIN_LOCK*>(field & ~(lock_queue_wait | lock_queue_owner));
    if (field & lock_queue_wait) spin_lock_not_owned(lock);
    lock_field_of(entry).store(reinterpret_cast<nt::ULONG_PTR>(lock), std::memory_order_relaxed);
    nt::KSPIN_LOCK_QUEUE* next = next_of(entry).load(std::memory_order_acquire);
    if (!next) {
        auto expected = reinterpret_cast<nt::KSPIN_LOCK>(entry);
        if (lock_word(lock).compare_exchange_strong(expected, 0, std::memory_order_release)) return;
        if (expected == 0) spin_lock_not_owned(lock);   // nobody holds it: this handle never did
        wait_for_queued_successor(entry);               // a waiter swapped itself in and is linking
        next = next_of(entry).load(std::memory_order_acquire);
    }
    next_of(entry).store(nullptr, std::memory_order_relaxed);
    lock_field_of(next).store(reinterpret_cast<nt::ULONG_PTR>(lock) | lock_queue_owner, std::memory_order_release);
}

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
