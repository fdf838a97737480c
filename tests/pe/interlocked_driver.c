/*
 * Driver half of the interlocked integer tests (zone.c), built against the MinGW-w64 DDK headers
 * as an NT 4-era i386 driver was: NO_INTERLOCKED_INTRINSICS makes wdm.h declare the kernel's
 * fastcall InterlockedIncrement & co. as imports (@InterlockedIncrement@4, ...), which is what the
 * NT 4 and Windows 2000 DDKs always did. On x64 the headers keep those as intrinsics whatever
 * the macro says, and the wrappers just check the compiler's code.
 *
 * What the headers make of the rest, i386 / x64:
 * - ExInterlockedAddUlong -> fastcall ExfInterlockedAddUlong / ExInterlockedAddUlong;
 * - ExInterlockedAddLargeInteger -> stdcall _ExInterlockedAddLargeInteger@16 / the export;
 * - ExInterlockedCompareExchange64 -> fastcall ExfInterlockedCompareExchange64 / an intrinsic;
 * - ExInterlockedAddLargeStatistic -> the intrinsic _InterlockedAddLargeStatistic, which
 *   MinGW-w64 declares but does not define on i386 (a driver using the macro does not link), and
 *   InterlockedAdd64 on x64. The i386 export is what older headers imported; it is called here
 *   through its import symbol, like the stdcall ExInterlockedAddUlong and the fastcall
 *   ExInterlockedCompareExchange64 that the i386 macros bypass.
 */
#define NO_INTERLOCKED_INTRINSICS
#include <ntddk.h>

#include "zone_driver.h"

uint32_t zd_ExInterlockedAddUlong(uint32_t *addend, uint32_t increment, uintptr_t *lock)
{
    return ExInterlockedAddUlong((PULONG)addend, increment, (PKSPIN_LOCK)lock);
}

int64_t zd_ExInterlockedAddLargeInteger(int64_t *addend, int64_t increment, uintptr_t *lock)
{
    LARGE_INTEGER by_value;
    by_value.QuadPart = increment;
    return ExInterlockedAddLargeInteger((PLARGE_INTEGER)addend, by_value, (PKSPIN_LOCK)lock).QuadPart;
}

int64_t zd_ExInterlockedCompareExchange64(int64_t *destination, int64_t *exchange, int64_t *comparand, uintptr_t *lock)
{
    (void)lock;   /* both architectures' macros drop it */
    return ExInterlockedCompareExchange64((LONGLONG volatile *)destination, (PLONGLONG)exchange, (PLONGLONG)comparand,
                                          (PKSPIN_LOCK)lock);
}

#ifdef _X86_
extern ULONG (NTAPI *imp_ExInterlockedAddUlong)(PULONG, ULONG, PKSPIN_LOCK) __asm__("__imp__ExInterlockedAddUlong@12");
extern VOID (FASTCALL *imp_ExInterlockedAddLargeStatistic)(PLARGE_INTEGER, ULONG)
    __asm__("__imp_@ExInterlockedAddLargeStatistic@8");
extern LONGLONG (FASTCALL *imp_ExInterlockedCompareExchange64)(LONGLONG volatile *, PLONGLONG, PLONGLONG, PKSPIN_LOCK)
    __asm__("__imp_@ExInterlockedCompareExchange64@16");

uint32_t zd_ExInterlockedAddUlong_stdcall(uint32_t *addend, uint32_t increment, uintptr_t *lock)
{
    return imp_ExInterlockedAddUlong((PULONG)addend, increment, (PKSPIN_LOCK)lock);
}

void zd_ExInterlockedAddLargeStatistic(int64_t *addend, uint32_t increment)
{
    imp_ExInterlockedAddLargeStatistic((PLARGE_INTEGER)addend, increment);
}

int64_t zd_ExInterlockedCompareExchange64_export(int64_t *destination, int64_t *exchange, int64_t *comparand,
                                                 uintptr_t *lock)
{
    return imp_ExInterlockedCompareExchange64((LONGLONG volatile *)destination, (PLONGLONG)exchange,
                                              (PLONGLONG)comparand, (PKSPIN_LOCK)lock);
}
#else
uint32_t zd_ExInterlockedAddUlong_stdcall(uint32_t *addend, uint32_t increment, uintptr_t *lock)
{
    return zd_ExInterlockedAddUlong(addend, increment, lock);
}

void zd_ExInterlockedAddLargeStatistic(int64_t *addend, uint32_t increment)
{
    ExInterlockedAddLargeStatistic((PLARGE_INTEGER)addend, increment);
}

int64_t zd_ExInterlockedCompareExchange64_export(int64_t *destination, int64_t *exchange, int64_t *comparand,
                                                 uintptr_t *lock)
{
    return zd_ExInterlockedCompareExchange64(destination, exchange, comparand, lock);
}
#endif

int32_t zd_InterlockedIncrement(int32_t *addend) { return InterlockedIncrement((LONG volatile *)addend); }
int32_t zd_InterlockedDecrement(int32_t *addend) { return InterlockedDecrement((LONG volatile *)addend); }
int32_t zd_InterlockedExchange(int32_t *target, int32_t value) { return InterlockedExchange((LONG volatile *)target, value); }

int32_t zd_InterlockedCompareExchange(int32_t *destination, int32_t exchange, int32_t comparand)
{
    return InterlockedCompareExchange((LONG volatile *)destination, exchange, comparand);
}

int32_t zd_InterlockedExchangeAdd(int32_t *addend, int32_t value)
{
    return InterlockedExchangeAdd((LONG volatile *)addend, value);
}
