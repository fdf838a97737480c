// ExInterlockedPopEntryList / ExInterlockedPushEntryList (windows-behavior.md 1.5, 3.9): a plain
// singly linked list guarded by the caller's spin lock.
//
// Windows takes the lock with interrupts disabled and does not change the IRQL, so the routines
// work at any IRQL (ReactOS's kmtest ExSingleList, meant to pass on Windows, calls them at
// HIGH_LEVEL): here the lock word is taken as KeAcquireSpinLockAtDpcLevel takes it and the
// emulated IRQL is left alone. Push returns the previous first entry; pop returns the first entry
// or NULL and leaves the popped entry's Next as it was (free builds; only checked builds poison
// it with 0xBADDD0FF) [ROS-kmt].
#pragma once

#include "ke/spin_lock.h"
#include "nt/layouts.h"

namespace ex {

inline nt::SINGLE_LIST_ENTRY* interlocked_pop_entry_list(nt::SINGLE_LIST_ENTRY* head, nt::KSPIN_LOCK* lock) {
    ke::acquire_spin_lock_at_dpc(lock);
    nt::SINGLE_LIST_ENTRY* first = head->Next;
    if (first) head->Next = first->Next;
    ke::release_spin_lock_from_dpc(lock);
    return first;
}

inline nt::SINGLE_LIST_ENTRY* interlocked_push_entry_list(nt::SINGLE_LIST_ENTRY* head, nt::SINGLE_LIST_ENTRY* entry,
                                                          nt::KSPIN_LOCK* lock) {
    ke::acquire_spin_lock_at_dpc(lock);
    nt::SINGLE_LIST_ENTRY* first = head->Next;
    entry->Next = first;
    head->Next = entry;
    ke::release_spin_lock_from_dpc(lock);
    return first;
}

}  // namespace ex
