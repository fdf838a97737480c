// Doubly linked list exports (ex/interlocked_list.h), beside the singly linked ones
// (exports/ex_zone.cpp). Prototypes as in wdm.h; conventions from MinGW-w64's import libraries
// (windows-behavior.md 1.5): the stdcall Ex* routines on both architectures, and on i386 the
// fastcall Exf* ones the DDK maps the Ex* names to.
#include "ex/interlocked_list.h"
#include "exports/abi.h"

using nt::KSPIN_LOCK;
using nt::LIST_ENTRY;

NT_EXPORT LIST_ENTRY* NT_API ExInterlockedInsertHeadList(LIST_ENTRY* head, LIST_ENTRY* entry, KSPIN_LOCK* lock) {
    return ex::interlocked_insert_head_list(head, entry, lock);
}

NT_EXPORT LIST_ENTRY* NT_API ExInterlockedInsertTailList(LIST_ENTRY* head, LIST_ENTRY* entry, KSPIN_LOCK* lock) {
    return ex::interlocked_insert_tail_list(head, entry, lock);
}

NT_EXPORT LIST_ENTRY* NT_API ExInterlockedRemoveHeadList(LIST_ENTRY* head, KSPIN_LOCK* lock) {
    return ex::interlocked_remove_head_list(head, lock);
}

#if defined(__i386__)
NT_EXPORT LIST_ENTRY* NT_FASTCALL ExfInterlockedInsertHeadList(LIST_ENTRY* head, LIST_ENTRY* entry, KSPIN_LOCK* lock) {
    return ex::interlocked_insert_head_list(head, entry, lock);
}

NT_EXPORT LIST_ENTRY* NT_FASTCALL ExfInterlockedInsertTailList(LIST_ENTRY* head, LIST_ENTRY* entry, KSPIN_LOCK* lock) {
    return ex::interlocked_insert_tail_list(head, entry, lock);
}

NT_EXPORT LIST_ENTRY* NT_FASTCALL ExfInterlockedRemoveHeadList(LIST_ENTRY* head, KSPIN_LOCK* lock) {
    return ex::interlocked_remove_head_list(head, lock);
}
#endif
