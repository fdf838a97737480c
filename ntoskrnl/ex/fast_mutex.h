// ExAcquireFastMutexUnsafe / ExReleaseFastMutexUnsafe over a driver's FAST_MUTEX. Exported
// because Wine's own hal.dll imports them from ntoskrnl.exe for its ExAcquireFastMutex /
// ExReleaseFastMutex (windows-behavior.md 1.6): a replacement ntoskrnl without them leaves
// Wine's hal.dll, and every driver importing from it, unloadable.
//
// Count follows the header's protocol: ExInitializeFastMutex (an inline) stores FM_LOCK_BIT (1)
// for "free"; the owner holds it at 0. A waiter spins and then yields instead of sleeping on the
// KEVENT (the module has no dispatcher objects); Contention counts the acquisitions that waited.
// The "unsafe" forms leave the IRQL alone, as on Windows (the caller is at APC_LEVEL or in a
// critical region).
#pragma once

#include <atomic>

#include "nt/ke_layouts.h"
#include "platform/platform.h"

namespace ex {

inline void acquire_fast_mutex_unsafe(nt::FAST_MUTEX* mutex) {
    std::atomic_ref<nt::LONG> count(mutex->Count);
    bool waited = false;
    for (unsigned spins = 0;; ++spins) {
        nt::LONG expected = 1;
        if (count.compare_exchange_weak(expected, 0, std::memory_order_acquire)) break;
        waited = true;
        if (spins > 64) platform::yield_thread();
    }
    if (waited) ++mutex->Contention;
    mutex->Owner = reinterpret_cast<nt::PVOID>(platform::thread_tag());
}

// One attempt, no wait (hal.dll's ExTryToAcquireFastMutex): false if another thread owns it.
inline bool try_acquire_fast_mutex_unsafe(nt::FAST_MUTEX* mutex) {
    nt::LONG expected = 1;
    if (!std::atomic_ref<nt::LONG>(mutex->Count).compare_exchange_strong(expected, 0, std::memory_order_acquire))
        return false;
    mutex->Owner = reinterpret_cast<nt::PVOID>(platform::thread_tag());
    return true;
}

inline void release_fast_mutex_unsafe(nt::FAST_MUTEX* mutex) {
    mutex->Owner = nullptr;
    std::atomic_ref<nt::LONG>(mutex->Count).store(1, std::memory_order_release);
}

}  // namespace ex
