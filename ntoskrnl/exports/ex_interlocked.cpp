// Interlocked exports besides the singly linked lists (exports/ex_zone.cpp): the doubly linked
// lists under the caller's spin lock (ex/interlocked_list.h) and the integer routines
// (ex/interlocked_integer.h). Prototypes as in wdm.h; conventions from MinGW-w64's import
// libraries (windows-behavior.md 1.5): the stdcall Ex* routines on both architectures, and on
// i386 the fastcall Exf* ones the DDK maps the Ex* names to, the 64-bit compare-exchange pair and
// the kernel's own Interlocked* that old i386 DDKs declared as imports (x64 has those only as
// compiler intrinsics).
#include "ex/interlocked_integer.h"
#include "ex/interlocked_list.h"
#include "exports/abi.h"

using nt::KSPIN_LOCK;
using nt::LARGE_INTEGER;
using nt::LIST_ENTRY;
using nt::LONG;
using nt::LONGLONG;
using nt::ULONG;

NT_EXPORT LIST_ENTRY* NT_API ExInterlockedInsertHeadList(LIST_ENTRY* head, LIST_ENTRY* entry, KSPIN_LOCK* lock) {
    return ex::interlocked_insert_head_list(head, entry, lock);
}

NT_EXPORT LIST_ENTRY* NT_API ExInterlockedInsertTailList(LIST_ENTRY* head, LIST_ENTRY* entry, KSPIN_LOCK* lock) {
    return ex::interlocked_insert_tail_list(head, entry, lock);
}

NT_EXPORT LIST_ENTRY* NT_API ExInterlockedRemoveHeadList(LIST_ENTRY* head, KSPIN_LOCK* lock) {
    return ex::interlocked_remove_head_list(head, lock);
}

NT_EXPORT ULONG NT_API ExInterlockedAddUlong(ULONG* addend, ULONG increment, KSPIN_LOCK* lock) {
    return ex::interlocked_add_ulong(addend, increment, lock);
}

// LARGE_INTEGER by value and as the result: 8 bytes, so two stack slots and EDX:EAX on i386 (the
// import symbol is _ExInterlockedAddLargeInteger@16), one register each way on x64.
NT_EXPORT LARGE_INTEGER NT_API ExInterlockedAddLargeInteger(LARGE_INTEGER* addend, LARGE_INTEGER increment,
                                                            KSPIN_LOCK* lock) {
    LARGE_INTEGER initial;
    initial.QuadPart = ex::interlocked_add_large_integer(&addend->QuadPart, increment.QuadPart, lock);
    return initial;
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

NT_EXPORT ULONG NT_FASTCALL ExfInterlockedAddUlong(ULONG* addend, ULONG increment, KSPIN_LOCK* lock) {
    return ex::interlocked_add_ulong(addend, increment, lock);
}

NT_EXPORT void NT_FASTCALL ExInterlockedAddLargeStatistic(LARGE_INTEGER* addend, ULONG increment) {
    ex::add_large_statistic(&addend->QuadPart, increment);
}

NT_EXPORT LONGLONG NT_FASTCALL ExInterlockedCompareExchange64(LONGLONG* destination, LONGLONG* exchange,
                                                              LONGLONG* comparand, KSPIN_LOCK*) {
    return ex::compare_exchange64(destination, exchange, comparand);
}

NT_EXPORT LONGLONG NT_FASTCALL ExfInterlockedCompareExchange64(LONGLONG* destination, LONGLONG* exchange,
                                                               LONGLONG* comparand) {
    return ex::compare_exchange64(destination, exchange, comparand);
}

NT_EXPORT LONG NT_FASTCALL InterlockedIncrement(LONG* addend) { return ex::interlocked_increment(addend); }

NT_EXPORT LONG NT_FASTCALL InterlockedDecrement(LONG* addend) { return ex::interlocked_decrement(addend); }

NT_EXPORT LONG NT_FASTCALL InterlockedExchange(LONG* target, LONG value) { return ex::interlocked_exchange(target, value); }

NT_EXPORT LONG NT_FASTCALL InterlockedCompareExchange(LONG* destination, LONG exchange, LONG comparand) {
    return ex::interlocked_compare_exchange(destination, exchange, comparand);
}

NT_EXPORT LONG NT_FASTCALL InterlockedExchangeAdd(LONG* addend, LONG value) {
    return ex::interlocked_exchange_add(addend, value);
}

// ---- issue 11: the NT 3.x i386 routines (ex/interlocked_integer.h). INTERLOCKED_RESULT is an
// enum: a LONG in EAX. Conventions: the NT DDK's prototypes (NTKERNELAPI, i.e. stdcall) for the
// Ex*/Exi386* forms, as ReactOS's kmtest ExInterlocked.c declares and calls them on Windows
// checking ESP after each call; FASTCALL for Exfi386* (MinGW-w64 ntddk.h). MinGW-w64's i386
// libntoskrnl.a names @ExInterlockedIncrementLong@8, a fastcall that Windows' export is not. ----
NT_EXPORT LONG NT_API ExInterlockedIncrementLong(LONG* addend, KSPIN_LOCK*) { return ex::interlocked_increment_result(addend); }
NT_EXPORT LONG NT_API ExInterlockedDecrementLong(LONG* addend, KSPIN_LOCK*) { return ex::interlocked_decrement_result(addend); }
NT_EXPORT ULONG NT_API ExInterlockedExchangeUlong(ULONG* target, ULONG value, KSPIN_LOCK*) {
    return ex::interlocked_exchange_ulong(target, value);
}
NT_EXPORT LONG NT_API Exi386InterlockedIncrementLong(LONG* addend) { return ex::interlocked_increment_result(addend); }
NT_EXPORT LONG NT_API Exi386InterlockedDecrementLong(LONG* addend) { return ex::interlocked_decrement_result(addend); }
NT_EXPORT ULONG NT_API Exi386InterlockedExchangeUlong(ULONG* target, ULONG value) {
    return ex::interlocked_exchange_ulong(target, value);
}
NT_EXPORT LONG NT_FASTCALL Exfi386InterlockedIncrementLong(LONG* addend) { return ex::interlocked_increment_result(addend); }
NT_EXPORT LONG NT_FASTCALL Exfi386InterlockedDecrementLong(LONG* addend) { return ex::interlocked_decrement_result(addend); }
NT_EXPORT ULONG NT_FASTCALL Exfi386InterlockedExchangeUlong(ULONG* target, ULONG value) {
    return ex::interlocked_exchange_ulong(target, value);
}
#endif
