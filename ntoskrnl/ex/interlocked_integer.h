// Interlocked integer routines drivers import from ntoskrnl.exe (windows-behavior.md 1.5 for the
// conventions; Microsoft's wdm.h pages for what each returns):
// - under the caller's spin lock, taken without changing the IRQL as the list routines take it
//   (ex/interlocked_list.h): ExInterlockedAddUlong and ExInterlockedAddLargeInteger add and return
//   the value before the addition (nf-wdm-exinterlockedaddulong, -addlargeinteger). They are
//   atomic only against other users of that lock, as on Windows;
// - atomic, no lock: ExInterlockedAddLargeStatistic adds a ULONG to a LARGE_INTEGER
//   (nf-wdm-exinterlockedaddlargestatistic); ExInterlockedCompareExchange64 and
//   ExfInterlockedCompareExchange64 store *Exchange if the destination equals *Comparand and
//   return the destination's original value (nf-wdm-exinterlockedcompareexchange64); the lock
//   argument is for processors without an 8-byte compare-exchange, so it is not touched (ReactOS's
//   kmtest ExInterlocked, meant to pass on Windows, passes NULL on x86);
// - the kernel's own i386 InterlockedIncrement / Decrement (return the new value), Exchange,
//   CompareExchange and ExchangeAdd (return the old value): Microsoft's InterlockedXxx pages.
//
// - the NT 3.x i386 routines Windows still exports for binaries of that era
//   (ExInterlockedIncrementLong / DecrementLong / ExchangeUlong, stdcall with an unused lock
//   argument; Exi386Interlocked*, stdcall; Exfi386Interlocked*, fastcall): atomic, the lock is not
//   touched (kmtest ExInterlocked.c, validated on Windows, passes NULL on x86); Increment and
//   Decrement return an INTERLOCKED_RESULT, the Exchange ones the old value.
//
// Every atomic operation is a full barrier, as the lock-prefixed instructions Windows uses are.
// The __atomic builtins rather than std::atomic_ref: drivers' variables need not have the
// alignment atomic_ref requires, and x86's locked instructions do not need it either.
#pragma once

#include "ke/spin_lock.h"
#include "nt/types.h"

namespace ex {

inline nt::ULONG interlocked_add_ulong(nt::ULONG* addend, nt::ULONG increment, nt::KSPIN_LOCK* lock) {
    ke::acquire_spin_lock_at_dpc(lock);
    const nt::ULONG initial = *addend;
    *addend = initial + increment;
    ke::release_spin_lock_from_dpc(lock);
    return initial;
}

// LARGE_INTEGER's QuadPart; the addition wraps (two's complement), as the i386 add/adc pair does.
inline nt::LONGLONG interlocked_add_large_integer(nt::LONGLONG* addend, nt::LONGLONG increment, nt::KSPIN_LOCK* lock) {
    ke::acquire_spin_lock_at_dpc(lock);
    const nt::LONGLONG initial = *addend;
    *addend = static_cast<nt::LONGLONG>(static_cast<nt::ULONGLONG>(initial) + static_cast<nt::ULONGLONG>(increment));
    ke::release_spin_lock_from_dpc(lock);
    return initial;
}

// The increment is unsigned: it is added zero-extended, so it can carry into HighPart.
inline void add_large_statistic(nt::LONGLONG* addend, nt::ULONG increment) {
    __atomic_fetch_add(reinterpret_cast<nt::ULONGLONG*>(addend), nt::ULONGLONG{increment}, __ATOMIC_SEQ_CST);
}

// cmpxchg8b on i386 (GCC inlines the __sync form from i586 on), cmpxchg on x64.
inline nt::LONGLONG compare_exchange64(nt::LONGLONG* destination, const nt::LONGLONG* exchange,
                                       const nt::LONGLONG* comparand) {
    return __sync_val_compare_and_swap(destination, *comparand, *exchange);
}

inline nt::LONG interlocked_increment(nt::LONG* addend) {
    return static_cast<nt::LONG>(__atomic_add_fetch(reinterpret_cast<nt::ULONG*>(addend), 1u, __ATOMIC_SEQ_CST));
}

inline nt::LONG interlocked_decrement(nt::LONG* addend) {
    return static_cast<nt::LONG>(__atomic_sub_fetch(reinterpret_cast<nt::ULONG*>(addend), 1u, __ATOMIC_SEQ_CST));
}

inline nt::LONG interlocked_exchange(nt::LONG* target, nt::LONG value) {
    return __atomic_exchange_n(target, value, __ATOMIC_SEQ_CST);
}

inline nt::LONG interlocked_compare_exchange(nt::LONG* destination, nt::LONG exchange, nt::LONG comparand) {
    __atomic_compare_exchange_n(destination, &comparand, exchange, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    return comparand;   // the original value, whether or not it was replaced
}

inline nt::LONG interlocked_exchange_add(nt::LONG* addend, nt::LONG value) {
    return static_cast<nt::LONG>(
        __atomic_fetch_add(reinterpret_cast<nt::ULONG*>(addend), static_cast<nt::ULONG>(value), __ATOMIC_SEQ_CST));
}

// INTERLOCKED_RESULT on i386: the sign and zero flags of the new value as `lahf` leaves them in
// AH, masked, which is what the x86 DDK's values are (MinGW-w64 wdm.h, x86: EFLAG_SIGN 0x8000,
// EFLAG_ZERO 0x4000; RESULT_NEGATIVE = 0x8000, RESULT_ZERO = 0x4000, RESULT_POSITIVE = 0). The
// other architectures' 0/1/2 (ntddk.h) belong to none of these exports: they are i386 only.
namespace interlocked_result {
inline constexpr nt::LONG negative = 0x8000;
inline constexpr nt::LONG zero = 0x4000;
inline constexpr nt::LONG positive = 0;
}  // namespace interlocked_result

inline nt::LONG interlocked_result_of(nt::LONG value) {
    return value < 0 ? interlocked_result::negative : value == 0 ? interlocked_result::zero : interlocked_result::positive;
}

inline nt::LONG interlocked_increment_result(nt::LONG* addend) { return interlocked_result_of(interlocked_increment(addend)); }
inline nt::LONG interlocked_decrement_result(nt::LONG* addend) { return interlocked_result_of(interlocked_decrement(addend)); }

inline nt::ULONG interlocked_exchange_ulong(nt::ULONG* target, nt::ULONG value) {
    return __atomic_exchange_n(target, value, __ATOMIC_SEQ_CST);
}

}  // namespace ex
