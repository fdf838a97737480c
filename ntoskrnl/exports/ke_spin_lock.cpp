// Ke exports: spin locks and the emulated IRQL (ke/spin_lock.h), per architecture as Windows has
// them (windows-behavior.md 1.6; spec/ntoskrnl.exe.spec). On i386 raising and lowering the IRQL
// and the raising spin lock routines (KfAcquireSpinLock, KfReleaseSpinLock, KeGetCurrentIrql,
// ...) are hal.dll's: the project's hal.dll (hal/), built on the same ke core, which also keeps
// the IRQL this module checks (ke/hal_irql.cpp). Wine's builtin hal.dll, if loaded instead,
// forwards its spin locks to KeAcquireSpinLockAtDpcLevel / KeReleaseSpinLockFromDpcLevel below.
#include "ex/fast_mutex.h"
#include "exports/abi.h"
#include "ke/spin_lock.h"
#include "nt/ke_layouts.h"

using nt::KIRQL;
using nt::KSPIN_LOCK;

// ---- Both architectures ----
NT_EXPORT void NT_API KeAcquireSpinLockAtDpcLevel(KSPIN_LOCK* lock) { ke::acquire_spin_lock_at_dpc(lock); }
NT_EXPORT void NT_API KeReleaseSpinLockFromDpcLevel(KSPIN_LOCK* lock) { ke::release_spin_lock_from_dpc(lock); }

// In-stack queued spin locks at DISPATCH_LEVEL (Wine's i386 hal.dll imports both): a FIFO queue
// through the caller's KLOCK_QUEUE_HANDLE (ke/spin_lock.h).
NT_EXPORT void NT_FASTCALL KeAcquireInStackQueuedSpinLockAtDpcLevel(KSPIN_LOCK* lock, nt::KLOCK_QUEUE_HANDLE* handle) {
    ke::acquire_queued_spin_lock_at_dpc(lock, handle);
}
NT_EXPORT void NT_FASTCALL KeReleaseInStackQueuedSpinLockFromDpcLevel(nt::KLOCK_QUEUE_HANDLE* handle) {
    ke::release_queued_spin_lock_from_dpc(handle);
}

// ---- Free builds' spin lock family drivers import (ke/spin_lock.h). Fastcall on i386 (wdm.h
// declares them FASTCALL; Windows exports them from ntoskrnl.exe on both architectures) ----
// KeTestSpinLock, KeTryToAcquireSpinLockAtDpcLevel: Windows Server 2003 and later.
NT_EXPORT nt::BOOLEAN NT_FASTCALL KeTestSpinLock(KSPIN_LOCK* lock) { return ke::test_spin_lock(lock); }
NT_EXPORT nt::BOOLEAN NT_FASTCALL KeTryToAcquireSpinLockAtDpcLevel(KSPIN_LOCK* lock) {
    return ke::try_acquire_spin_lock_at_dpc(lock);
}
// The threaded-DPC forms (Vista and later): no threaded DPC runs under emulation, so they take the
// lock at the current IRQL (ke/spin_lock.h).
NT_EXPORT KIRQL NT_FASTCALL KeAcquireSpinLockForDpc(KSPIN_LOCK* lock) { return ke::acquire_spin_lock_for_dpc(lock); }
NT_EXPORT void NT_FASTCALL KeReleaseSpinLockForDpc(KSPIN_LOCK* lock, KIRQL old_irql) {
    ke::release_spin_lock_for_dpc(lock, old_irql);
}
NT_EXPORT void NT_FASTCALL KeAcquireInStackQueuedSpinLockForDpc(KSPIN_LOCK* lock, nt::KLOCK_QUEUE_HANDLE* handle) {
    ke::acquire_queued_spin_lock_for_dpc(lock, handle);
}
NT_EXPORT void NT_FASTCALL KeReleaseInStackQueuedSpinLockForDpc(nt::KLOCK_QUEUE_HANDLE* handle) {
    ke::release_queued_spin_lock_for_dpc(handle);
}

NT_EXPORT void NT_FASTCALL ExAcquireFastMutexUnsafe(nt::FAST_MUTEX* mutex) { ex::acquire_fast_mutex_unsafe(mutex); }
NT_EXPORT void NT_FASTCALL ExReleaseFastMutexUnsafe(nt::FAST_MUTEX* mutex) { ex::release_fast_mutex_unsafe(mutex); }

#if defined(__i386__)
// ---- i386: the kernel's share; the MinGW/WDK headers map KeAcquireSpinLockAtDpcLevel and
// KeReleaseSpinLockFromDpcLevel to these fastcall forms ----
NT_EXPORT void NT_API KeInitializeSpinLock(KSPIN_LOCK* lock) { *lock = 0; }
NT_EXPORT void NT_FASTCALL KefAcquireSpinLockAtDpcLevel(KSPIN_LOCK* lock) { ke::acquire_spin_lock_at_dpc(lock); }
NT_EXPORT void NT_FASTCALL KefReleaseSpinLockFromDpcLevel(KSPIN_LOCK* lock) { ke::release_spin_lock_from_dpc(lock); }
#else
// ---- x86_64: the kernel owns the IRQL (hal.dll forwards KeLowerIrql here) ----
// The x64 DDK's KeAcquireSpinLock. A free build goes to DISPATCH_LEVEL from any IRQL; with the
// verifier on, above DISPATCH_LEVEL is 0xC4/0x42 (ke/spin_lock.h).
NT_EXPORT KIRQL NT_API KeAcquireSpinLockRaiseToDpc(KSPIN_LOCK* lock) { return ke::acquire_spin_lock(lock); }
NT_EXPORT void NT_API KeReleaseSpinLock(KSPIN_LOCK* lock, KIRQL new_irql) { ke::release_spin_lock(lock, new_irql); }
NT_EXPORT KIRQL NT_API KeGetCurrentIrql() { return ke::current_irql(); }
NT_EXPORT KIRQL NT_API KeRaiseIrqlToDpcLevel() { return ke::raise_irql(ke::dispatch_level); }
NT_EXPORT KIRQL NT_API KfRaiseIrql(KIRQL new_irql) { return ke::raise_irql(new_irql); }
NT_EXPORT void NT_API KeLowerIrql(KIRQL new_irql) { ke::lower_irql(new_irql); }
// What the x64 DDK's KeAcquireInStackQueuedSpinLock & co. import (on i386 they are hal.dll's):
// MinGW-w64's x64 libntoskrnl.a; SYNCH_LEVEL 12 on x64 MP (ke/irql.h).
NT_EXPORT KIRQL NT_API KeAcquireSpinLockRaiseToSynch(KSPIN_LOCK* lock) {
    const KIRQL previous = ke::go_to_lock_irql(ke::synch_level, lock);
    ke::acquire_spin_lock_at_dpc(lock);
    return previous;
}
NT_EXPORT void NT_API KeAcquireInStackQueuedSpinLock(KSPIN_LOCK* lock, nt::KLOCK_QUEUE_HANDLE* handle) {
    ke::acquire_queued_spin_lock(lock, handle, ke::dispatch_level);
}
NT_EXPORT void NT_API KeAcquireInStackQueuedSpinLockRaiseToSynch(KSPIN_LOCK* lock, nt::KLOCK_QUEUE_HANDLE* handle) {
    ke::acquire_queued_spin_lock(lock, handle, ke::synch_level);
}
NT_EXPORT void NT_API KeReleaseInStackQueuedSpinLock(nt::KLOCK_QUEUE_HANDLE* handle) { ke::release_queued_spin_lock(handle); }
#endif
