// Lists guarded by the caller's spin lock (windows-behavior.md 1.5, 3.9):
// - singly linked: ExInterlockedPopEntryList / ExInterlockedPushEntryList;
// - doubly linked: ExInterlockedInsertHeadList / ExInterlockedInsertTailList /
//   ExInterlockedRemoveHeadList, what NT 4 and Windows 2000 drivers queue IRPs with.
//
// Windows takes the lock with interrupts disabled and does not change the IRQL, so the routines
// work at any IRQL (Microsoft's nf-wdm-exinterlocked* pages: "can be called at any IRQL"; ReactOS's
// kmtests ExSingleList and ExDoubleList, meant to pass on Windows, call them at HIGH_LEVEL): here
// the lock word is taken as KeAcquireSpinLockAtDpcLevel takes it and the emulated IRQL is left
// alone.
//
// Return values (Microsoft's wdm.h pages): push and insert-head return the first entry before the
// insertion, insert-tail the last one, NULL if the list was empty; pop and remove-head return the
// entry taken off, NULL if there was none. A removed entry's links are left as they were (free
// builds; only checked builds poison them with 0xBADDD0FF, ReactOS's kmtests).
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

// An empty doubly linked list is a head whose Flink (and Blink) point at itself, as the DDK's
// InitializeListHead leaves it; the routines answer NULL, never the head, for "no entry".
inline nt::LIST_ENTRY* entry_or_null(nt::LIST_ENTRY* entry, nt::LIST_ENTRY* head) { return entry == head ? nullptr : entry; }

inline nt::LIST_ENTRY* interlocked_insert_head_list(nt::LIST_ENTRY* head, nt::LIST_ENTRY* entry, nt::KSPIN_LOCK* lock) {
    ke::acquire_spin_lock_at_dpc(lock);
    nt::LIST_ENTRY* first = head->Flink;
    entry->Flink = first;
    entry->Blink = head;
    first->Blink = entry;
    head->Flink = entry;
    ke::release_spin_lock_from_dpc(lock);
    return entry_or_null(first, head);
}

inline nt::LIST_ENTRY* interlocked_insert_tail_list(nt::LIST_ENTRY* head, nt::LIST_ENTRY* entry, nt::KSPIN_LOCK* lock) {
    ke::acquire_spin_lock_at_dpc(lock);
    nt::LIST_ENTRY* last = head->Blink;
    entry->Flink = head;
    entry->Blink = last;
    last->Flink = entry;
    head->Blink = entry;
    ke::release_spin_lock_from_dpc(lock);
    return entry_or_null(last, head);
}

inline nt::LIST_ENTRY* interlocked_remove_head_list(nt::LIST_ENTRY* head, nt::KSPIN_LOCK* lock) {
    ke::acquire_spin_lock_at_dpc(lock);
    nt::LIST_ENTRY* first = head->Flink;
    if (first != head) {
        nt::LIST_ENTRY* next = first->Flink;
        head->Flink = next;
        next->Blink = head;
    }
    ke::release_spin_lock_from_dpc(lock);
    return entry_or_null(first, head);
}

}  // namespace ex
