// hal.dll's exports (spec/hal.dll.spec; i386 only): the IRQL and the routines that raise it around
// a spin lock or fast mutex, which i386 Windows puts in the HAL (windows-behavior.md 1.6;
// MinGW-w64 i386 libhal.a). A thin shell over the kernel's own core: the IRQL is ke/irql.h's
// per-thread value, kept here (hal.dll is its owner; the i386 ntoskrnl.exe imports
// KeGetCurrentIrql/KfRaiseIrql/KfLowerIrql from here, ke/hal_irql.cpp), the fast mutex
// protocol is ex/fast_mutex.h's, and misuse stops through the kernel's KeBugCheckEx
// (hal/bugcheck.cpp). The spin lock word belongs to the kernel: the raising routines change the
// IRQL here and take or release the word through ntoskrnl.exe's KefAcquireSpinLockAtDpcLevel /
// KefReleaseSpinLockFromDpcLevel, so the verifier's owner record (ke/spin_lock.cpp) is one. As on
// a free build nothing is checked (ke/spin_lock.h); with NTOSKRNL_VERIFIER on, Driver Verifier's
// 0xC4 subcodes: 0x30 raising below the current IRQL, 0x31 lowering above it, 0x42 a raising
// acquire above its level, 0x33 ExAcquireFastMutex above APC_LEVEL.
#include "ex/fast_mutex.h"
#include "exports/abi.h"
#include "ke/spin_lock.h"
#include "ke/stall.h"
#include "nt/ke_layouts.h"

using nt::KIRQL;
using nt::KSPIN_LOCK;

extern "C" {
__declspec(dllimport) void NT_FASTCALL KefAcquireSpinLockAtDpcLevel(KSPIN_LOCK* lock);
__declspec(dllimport) void NT_FASTCALL KefReleaseSpinLockFromDpcLevel(KSPIN_LOCK* lock);
}

namespace {

KIRQL acquire_raising(KSPIN_LOCK* lock, KIRQL irql) {
    const KIRQL previous = ke::go_to_lock_irql(irql, lock);
    KefAcquireSpinLockAtDpcLevel(lock);
    return previous;
}

void release_lowering(KSPIN_LOCK* lock, KIRQL irql) {
    KefReleaseSpinLockFromDpcLevel(lock);
    ke::lower_irql(irql);
}

// "Callers of ExAcquireFastMutex must be running at IRQL <= APC_LEVEL" [MSDN:ExAcquireFastMutex];
// a free build raises (sets) to APC_LEVEL regardless, Driver Verifier stops with 0xC4/0x33 (P2 the
// IRQL, P3 the mutex).
KIRQL fast_mutex_raise(nt::FAST_MUTEX* mutex) {
    const KIRQL current = ke::current_irql();
    if (current > ke::apc_level && vf::enabled()) [[unlikely]]
        ke::verifier_violation(ke::verifier_code::fast_mutex_acquire_above_apc, current, reinterpret_cast<nt::ULONG_PTR>(mutex));
    if (current != ke::apc_level) ke::set_irql(ke::apc_level);
    return current;
}

}  // namespace

// ---- IRQL ----
NT_EXPORT KIRQL NT_API KeGetCurrentIrql() { return ke::current_irql(); }
NT_EXPORT KIRQL NT_FASTCALL KfRaiseIrql(KIRQL irql) { return ke::raise_irql(irql); }
NT_EXPORT void NT_FASTCALL KfLowerIrql(KIRQL irql) { ke::lower_irql(irql); }
// The stdcall pair older binaries import (the headers map KeRaiseIrql/KeLowerIrql to the Kf* pair).
NT_EXPORT void NT_API KeRaiseIrql(KIRQL irql, KIRQL* old_irql) { *old_irql = ke::raise_irql(irql); }
NT_EXPORT void NT_API KeLowerIrql(KIRQL irql) { ke::lower_irql(irql); }
// "Callers of KeRaiseIrqlToDpcLevel must be running at IRQL <= DISPATCH_LEVEL"
// [MSDN:KeRaiseIrqlToDpcLevel]: a free build goes to DISPATCH_LEVEL from anywhere (kmtest
// KeSpinLock.c's raising acquires at HIGH_LEVEL); with the verifier on, the raise's 0x30.
NT_EXPORT KIRQL NT_API KeRaiseIrqlToDpcLevel() { return ke::raise_irql(ke::dispatch_level); }
NT_EXPORT KIRQL NT_API KeRaiseIrqlToSynchLevel() { return ke::raise_irql(ke::synch_level); }

// ---- Spin locks ----
NT_EXPORT KIRQL NT_FASTCALL KfAcquireSpinLock(KSPIN_LOCK* lock) { return acquire_raising(lock, ke::dispatch_level); }
NT_EXPORT void NT_FASTCALL KfReleaseSpinLock(KSPIN_LOCK* lock, KIRQL new_irql) { release_lowering(lock, new_irql); }
NT_EXPORT void NT_API KeAcquireSpinLock(KSPIN_LOCK* lock, KIRQL* old_irql) { *old_irql = acquire_raising(lock, ke::dispatch_level); }
NT_EXPORT void NT_API KeReleaseSpinLock(KSPIN_LOCK* lock, KIRQL new_irql) { release_lowering(lock, new_irql); }
NT_EXPORT KIRQL NT_FASTCALL KeAcquireSpinLockRaiseToSynch(KSPIN_LOCK* lock) { return acquire_raising(lock, ke::synch_level); }
// In-stack queued locks: the kernel's FIFO queue (ke/spin_lock.h, the same as its ...AtDpcLevel
// pair, so a driver may mix the raising and the AtDpcLevel forms on one lock); the handle also
// keeps the IRQL to return to.
NT_EXPORT void NT_FASTCALL KeAcquireInStackQueuedSpinLock(KSPIN_LOCK* lock, nt::KLOCK_QUEUE_HANDLE* handle) {
    ke::acquire_queued_spin_lock(lock, handle, ke::dispatch_level);
}
NT_EXPORT void NT_FASTCALL KeAcquireInStackQueuedSpinLockRaiseToSynch(KSPIN_LOCK* lock, nt::KLOCK_QUEUE_HANDLE* handle) {
    ke::acquire_queued_spin_lock(lock, handle, ke::synch_level);
}
NT_EXPORT void NT_FASTCALL KeReleaseInStackQueuedSpinLock(nt::KLOCK_QUEUE_HANDLE* handle) { ke::release_queued_spin_lock(handle); }

// ---- Timing: the two HAL routines legacy drivers commonly import besides the above. Without
// them such a driver would not load against this hal.dll (Wine's builtin hal.dll implements the
// counter; its KeStallExecutionProcessor is an unimplemented stub). ----
// LARGE_INTEGER KeQueryPerformanceCounter(PLARGE_INTEGER PerformanceFrequency): an 8-byte value,
// returned in EDX:EAX like a 64-bit integer; the frequency is stored when the pointer is not null.
NT_EXPORT std::int64_t NT_API KeQueryPerformanceCounter(std::int64_t* frequency) {
    std::uint64_t ticks_per_second = 0;
    const std::uint64_t counter = platform::performance_counter(frequency ? &ticks_per_second : nullptr);
    if (frequency) *frequency = static_cast<std::int64_t>(ticks_per_second);
    return static_cast<std::int64_t>(counter);
}
NT_EXPORT void NT_API KeStallExecutionProcessor(nt::ULONG microseconds) { ke::stall_execution(microseconds); }

// ---- Fast mutexes ----
// "ExAcquireFastMutex sets the IRQL to APC_LEVEL ... saves the caller's previous IRQL in the mutex,
// ... restored when the caller invokes ExReleaseFastMutex" [MSDN:ExAcquireFastMutex];
// ExTryToAcquireFastMutex raises only if it acquires [MSDN:ExTryToAcquireFastMutex].
NT_EXPORT void NT_FASTCALL ExAcquireFastMutex(nt::FAST_MUTEX* mutex) {
    const KIRQL previous = fast_mutex_raise(mutex);
    ex::acquire_fast_mutex_unsafe(mutex);
    mutex->OldIrql = previous;
}
NT_EXPORT void NT_FASTCALL ExReleaseFastMutex(nt::FAST_MUTEX* mutex) {
    const KIRQL previous = static_cast<KIRQL>(mutex->OldIrql);
    ex::release_fast_mutex_unsafe(mutex);
    ke::lower_irql(previous);
}
NT_EXPORT nt::BOOLEAN NT_FASTCALL ExTryToAcquireFastMutex(nt::FAST_MUTEX* mutex) {
    const KIRQL previous = fast_mutex_raise(mutex);
    if (!ex::try_acquire_fast_mutex_unsafe(mutex)) {
        ke::set_irql(previous);
        return 0;
    }
    mutex->OldIrql = previous;
    return 1;
}

// KdComPortInUse (ntddk.h: `extern NTHALAPI PUCHAR KdComPortInUse`): the I/O port of the serial
// line a kernel debugger uses, NULL when none is, as on a system booted without /DEBUG; a driver
// that owns serial ports reads it to leave the debugger's port alone.
extern "C" nt::UCHAR* KdComPortInUse = nullptr;
