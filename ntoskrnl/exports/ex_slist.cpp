// SList exports (windows-behavior.md 1.5, 2, 3.9): i386 has the fastcall Interlocked* and
// ExInterlocked* entry points (the lock argument of the ExInterlocked* forms is ignored, as on
// XP and later: the header is swapped with cmpxchg8b); x64 has the Exp* forms that its headers
// map InterlockedPop/Push/FlushSList to, plus ExQueryDepthSList and InitializeSListHead, which
// i386 headers expand inline. FirstEntrySList exists on both.
#include "ex/slist.h"
#include "exports/abi.h"

using nt::PSLIST_ENTRY;
using nt::PSLIST_HEADER;

#if !NT_LAYOUT_64

NT_EXPORT PSLIST_ENTRY NT_FASTCALL InterlockedPopEntrySList(PSLIST_HEADER head) { return ex::slist::pop(head); }

NT_EXPORT PSLIST_ENTRY NT_FASTCALL InterlockedPushEntrySList(PSLIST_HEADER head, PSLIST_ENTRY entry) {
    return ex::slist::push(head, entry);
}

NT_EXPORT PSLIST_ENTRY NT_FASTCALL ExInterlockedPopEntrySList(PSLIST_HEADER head, nt::KSPIN_LOCK*) {
    return ex::slist::pop(head);
}

NT_EXPORT PSLIST_ENTRY NT_FASTCALL ExInterlockedPushEntrySList(PSLIST_HEADER head, PSLIST_ENTRY entry,
                                                               nt::KSPIN_LOCK*) {
    return ex::slist::push(head, entry);
}

NT_EXPORT PSLIST_ENTRY NT_FASTCALL ExInterlockedFlushSList(PSLIST_HEADER head) { return ex::slist::flush(head); }

#else

NT_EXPORT PSLIST_ENTRY NT_API ExpInterlockedPopEntrySList(PSLIST_HEADER head) { return ex::slist::pop(head); }

NT_EXPORT PSLIST_ENTRY NT_API ExpInterlockedPushEntrySList(PSLIST_HEADER head, PSLIST_ENTRY entry) {
    return ex::slist::push(head, entry);
}

NT_EXPORT PSLIST_ENTRY NT_API ExpInterlockedFlushSList(PSLIST_HEADER head) { return ex::slist::flush(head); }

NT_EXPORT nt::USHORT NT_API ExQueryDepthSList(PSLIST_HEADER head) { return ex::slist::depth(head); }

NT_EXPORT void NT_API InitializeSListHead(PSLIST_HEADER head) { ex::slist::initialize(head); }

#endif

NT_EXPORT PSLIST_ENTRY NT_API FirstEntrySList(const nt::SLIST_HEADER* head) { return ex::slist::first(head); }
