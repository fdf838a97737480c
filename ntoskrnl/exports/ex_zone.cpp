// Ex exports: zones (ex/zone.h) and spin-lock-guarded singly linked lists
// (ex/interlocked_list.h). Prototypes as in wdm.h / ntddk.h; conventions per
// windows-behavior.md 1.3 and 1.5 (the stdcall Ex* pair on both architectures, the fastcall Exf*
// pair on i386, which is what the i386 headers map the Ex* names to).
#include "ex/interlocked_list.h"
#include "ex/zone.h"
#include "exports/abi.h"

using nt::KSPIN_LOCK;
using nt::NTSTATUS;
using nt::PVOID;
using nt::SINGLE_LIST_ENTRY;
using nt::ULONG;
using nt::ZONE_HEADER;

NT_EXPORT NTSTATUS NT_API ExInitializeZone(ZONE_HEADER* zone, ULONG block_size, PVOID segment, ULONG segment_size) {
    return ex::zone::initialize(zone, block_size, segment, segment_size);
}

NT_EXPORT NTSTATUS NT_API ExExtendZone(ZONE_HEADER* zone, PVOID segment, ULONG segment_size) {
    return ex::zone::extend(zone, segment, segment_size);
}

NT_EXPORT NTSTATUS NT_API ExInterlockedExtendZone(ZONE_HEADER* zone, PVOID segment, ULONG segment_size, KSPIN_LOCK* lock) {
    return ex::zone::interlocked_extend(zone, segment, segment_size, lock);
}

NT_EXPORT SINGLE_LIST_ENTRY* NT_API ExInterlockedPopEntryList(SINGLE_LIST_ENTRY* head, KSPIN_LOCK* lock) {
    return ex::interlocked_pop_entry_list(head, lock);
}

NT_EXPORT SINGLE_LIST_ENTRY* NT_API ExInterlockedPushEntryList(SINGLE_LIST_ENTRY* head, SINGLE_LIST_ENTRY* entry,
                                                               KSPIN_LOCK* lock) {
    return ex::interlocked_push_entry_list(head, entry, lock);
}

#if defined(__i386__)
NT_EXPORT SINGLE_LIST_ENTRY* NT_FASTCALL ExfInterlockedPopEntryList(SINGLE_LIST_ENTRY* head, KSPIN_LOCK* lock) {
    return ex::interlocked_pop_entry_list(head, lock);
}

NT_EXPORT SINGLE_LIST_ENTRY* NT_FASTCALL ExfInterlockedPushEntryList(SINGLE_LIST_ENTRY* head, SINGLE_LIST_ENTRY* entry,
                                                                     KSPIN_LOCK* lock) {
    return ex::interlocked_push_entry_list(head, entry, lock);
}
#endif
