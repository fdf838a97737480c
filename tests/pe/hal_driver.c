/*
 * Driver half of hal.c, compiled against the MinGW-w64 DDK headers for i386: the header macros
 * send KeAcquireSpinLock to hal.dll's fastcall KfAcquireSpinLock, KeRaiseIrql to KfRaiseIrql,
 * KeLowerIrql to KfLowerIrql, ExAcquireFastMutex to hal.dll's ExAcquireFastMutex
 * (windows-behavior.md 1.6, 5.1). Linked with MinGW-w64's libhal.a, Windows' own hal.dll list.
 */
#include <ntddk.h>

#include "hal_driver.h"

unsigned char hd_KeGetCurrentIrql(void) { return KeGetCurrentIrql(); }
unsigned char hd_KeRaiseIrql(unsigned char irql)
{
    KIRQL old;
    KeRaiseIrql(irql, &old);
    return old;
}
void hd_KeLowerIrql(unsigned char irql) { KeLowerIrql(irql); }
unsigned char hd_KeRaiseIrqlToDpcLevel(void) { return KeRaiseIrqlToDpcLevel(); }

unsigned char hd_KeAcquireSpinLock(uintptr_t *lock)
{
    KIRQL old;
    KeAcquireSpinLock((PKSPIN_LOCK)lock, &old);
    return old;
}
void hd_KeReleaseSpinLock(uintptr_t *lock, unsigned char irql) { KeReleaseSpinLock((PKSPIN_LOCK)lock, irql); }

/* ExInitializeFastMutex's fields without its KeInitializeEvent call (the module has no dispatcher
 * objects yet): Count = FM_LOCK_BIT, as the wdm.h inline stores it. */
void hd_ExInitializeFastMutex(void *mutex)
{
    PFAST_MUTEX m = mutex;
    RtlZeroMemory(m, sizeof(*m));
    m->Count = FM_LOCK_BIT;
}
void hd_ExAcquireFastMutex(void *mutex) { ExAcquireFastMutex((PFAST_MUTEX)mutex); }

int64_t hd_KeQueryPerformanceCounter(int64_t *frequency)
{
    LARGE_INTEGER f, c = KeQueryPerformanceCounter(frequency ? &f : NULL);
    if (frequency) *frequency = f.QuadPart;
    return c.QuadPart;
}

void *hd_ExAllocatePoolWithTag(int paged, size_t bytes) { return ExAllocatePoolWithTag(paged ? PagedPool : NonPagedPool, bytes, 0x6c614854 /* 'THal' */); }
void hd_ExFreePool(void *p) { ExFreePool(p); }

/* The stdcall exports older binaries import by name (the headers turn the names into the
 * fastcall Kf* macros): libhal.a's __imp__KeAcquireSpinLock@8 must bind to hal.dll's undecorated
 * KeAcquireSpinLock (tests/abi/hal_abi_test.cpp reads this program's import table for it). */
extern VOID (NTAPI *imp_KeAcquireSpinLock)(PKSPIN_LOCK, PKIRQL) __asm__("__imp__KeAcquireSpinLock@8");
extern VOID (NTAPI *imp_KeReleaseSpinLock)(PKSPIN_LOCK, KIRQL) __asm__("__imp__KeReleaseSpinLock@8");

unsigned char hd_KeAcquireSpinLock_stdcall(uintptr_t *lock)
{
    KIRQL old;
    imp_KeAcquireSpinLock((PKSPIN_LOCK)lock, &old);
    return old;
}
void hd_KeReleaseSpinLock_stdcall(uintptr_t *lock, unsigned char irql) { imp_KeReleaseSpinLock((PKSPIN_LOCK)lock, irql); }
