// Kernel synchronisation layouts drivers share with the module: FAST_MUTEX and
// KLOCK_QUEUE_HANDLE (wdm.h). Sizes from windows-behavior.md 4.1 (FAST_MUTEX 32/56) and the
// MinGW-w64 DDK field lists, pinned for both architectures.
#pragma once

#include <cstddef>

#include "types.h"

namespace nt {

// KEVENT is a DISPATCHER_HEADER: 16 bytes on x86, 24 on x64. The module never signals it (its
// fast mutex waiters spin and yield), so it stays opaque.
struct KEVENT_OPAQUE {
  ULONG_PTR Header[is_64bit ? 3 : 4];
};

struct FAST_MUTEX {
  LONG Count;          // FM_LOCK_BIT (1): free; 0: owned (ExInitializeFastMutex stores 1)
  PVOID Owner;
  ULONG Contention;
  KEVENT_OPAQUE Event;
  ULONG OldIrql;
};
static_assert(offsetof(FAST_MUTEX, Count) == 0);
static_assert(offsetof(FAST_MUTEX, Owner) == (is_64bit ? 8 : 4));
static_assert(offsetof(FAST_MUTEX, Contention) == (is_64bit ? 16 : 8));
static_assert(offsetof(FAST_MUTEX, Event) == (is_64bit ? 24 : 12));
static_assert(offsetof(FAST_MUTEX, OldIrql) == (is_64bit ? 48 : 28));
static_assert(sizeof(FAST_MUTEX) == (is_64bit ? 56 : 32));

struct KSPIN_LOCK_QUEUE {
  KSPIN_LOCK_QUEUE* volatile Next;
  KSPIN_LOCK* volatile Lock;
};
struct KLOCK_QUEUE_HANDLE {
  KSPIN_LOCK_QUEUE LockQueue;
  KIRQL OldIrql;
};
static_assert(offsetof(KLOCK_QUEUE_HANDLE, LockQueue) == 0);
static_assert(offsetof(KSPIN_LOCK_QUEUE, Lock) == (is_64bit ? 8 : 4));
static_assert(offsetof(KLOCK_QUEUE_HANDLE, OldIrql) == (is_64bit ? 16 : 8));
static_assert(sizeof(KLOCK_QUEUE_HANDLE) == (is_64bit ? 24 : 12));

}  // namespace nt
