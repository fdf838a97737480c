/*
 * Driver half of the hal.dll tests, compiled against the MinGW-w64 DDK headers for i386: the
 * header macros send KeAcquireSpinLock to hal.dll's fastcall KfAcquireSpinLock, KeRaiseIrql to
 * KfRaiseIrql, KeLowerIrql to KfLowerIrql, ExAcquireFastMutex to hal.dll's ExAcquireFastMutex
 * (windows-behavior.md 1.6, 5.1). Linked with MinGW-w64's libhal.a, Windows' own hal.dll list.
 */
#include <ntifs.h> /* KeAcquireSpinLockRaiseToSynch is declared there */

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
unsigned char hd_KeRaiseIrqlToSynchLevel(void) { return KeRaiseIrqlToSynchLevel(); }

unsigned char hd_KeAcquireSpinLock(uintptr_t *lock)
{
    KIRQL old;
    KeAcquireSpinLock((PKSPIN_LOCK)lock, &old);
    return old;
}
void hd_KeReleaseSpinLock(uintptr_t *lock, unsigned char irql) { KeReleaseSpinLock((PKSPIN_LOCK)lock, irql); }
unsigned char hd_KeAcquireSpinLockRaiseToSynch(uintptr_t *lock) { return KeAcquireSpinLockRaiseToSynch((PKSPIN_LOCK)lock); }
void hd_KeAcquireSpinLockAtDpcLevel(uintptr_t *lock) { KeAcquireSpinLockAtDpcLevel((PKSPIN_LOCK)lock); }
void hd_KeReleaseSpinLockFromDpcLevel(uintptr_t *lock) { KeReleaseSpinLockFromDpcLevel((PKSPIN_LOCK)lock); }

unsigned char hd_KeAcquireInStackQueuedSpinLock(uintptr_t *lock, void *handle)
{
    KeAcquireInStackQueuedSpinLock((PKSPIN_LOCK)lock, handle);
    return ((PKLOCK_QUEUE_HANDLE)handle)->OldIrql;
}
/* Not declared by the MinGW-w64 headers; MinGW-w64's libhal.a has @KeAcquireInStackQueuedSpinLockRaiseToSynch@8. */
extern VOID (FASTCALL *imp_KeAcquireInStackQueuedSpinLockRaiseToSynch)(PKSPIN_LOCK, PKLOCK_QUEUE_HANDLE)
    __asm__("__imp_@KeAcquireInStackQueuedSpinLockRaiseToSynch@8");
unsigned char hd_KeAcquireInStackQueuedSpinLockRaiseToSynch(uintptr_t *lock, void *handle)
{
    imp_KeAcquireInStackQueuedSpinLockRaiseToSynch((PKSPIN_LOCK)lock, handle);
    return ((PKLOCK_QUEUE_HANDLE)handle)->OldIrql;
}
void hd_KeReleaseInStackQueuedSpinLock(void *handle) { KeReleaseInStackQueuedSpinLock(handle); }
void *hd_lock_queue_handle_lock(const void *handle) { return ((const KLOCK_QUEUE_HANDLE *)handle)->LockQueue.Lock; }

/* ExInitializeFastMutex's fields without its KeInitializeEvent call (the module has no dispatcher
 * objects yet): Count = FM_LOCK_BIT, as the wdm.h inline stores it. */
void hd_ExInitializeFastMutex(void *mutex)
{
    PFAST_MUTEX m = mutex;
    RtlZeroMemory(m, sizeof(*m));
    m->Count = FM_LOCK_BIT;
}
void hd_ExAcquireFastMutex(void *mutex) { ExAcquireFastMutex((PFAST_MUTEX)mutex); }
void hd_ExReleaseFastMutex(void *mutex) { ExReleaseFastMutex((PFAST_MUTEX)mutex); }
int hd_ExTryToAcquireFastMutex(void *mutex) { return ExTryToAcquireFastMutex((PFAST_MUTEX)mutex); }
long hd_fast_mutex_count(const void *mutex) { return ((const FAST_MUTEX *)mutex)->Count; }
unsigned long hd_fast_mutex_old_irql(const void *mutex) { return ((const FAST_MUTEX *)mutex)->OldIrql; }

int64_t hd_KeQueryPerformanceCounter(int64_t *frequency)
{
    LARGE_INTEGER f, c = KeQueryPerformanceCounter(frequency ? &f : NULL);
    if (frequency) *frequency = f.QuadPart;
    return c.QuadPart;
}
void hd_KeStallExecutionProcessor(unsigned long microseconds) { KeStallExecutionProcessor(microseconds); }

void *hd_ExAllocatePoolWithTag(int paged, size_t bytes) { return ExAllocatePoolWithTag(paged ? PagedPool : NonPagedPool, bytes, 0x6c614854 /* 'THal' */); }
void hd_ExFreePool(void *p) { ExFreePool(p); }

/* The stdcall exports older binaries import by name (the headers turn the names into macros). */
extern VOID (NTAPI *imp_KeAcquireSpinLock)(PKSPIN_LOCK, PKIRQL) __asm__("__imp__KeAcquireSpinLock@8");
extern VOID (NTAPI *imp_KeReleaseSpinLock)(PKSPIN_LOCK, KIRQL) __asm__("__imp__KeReleaseSpinLock@8");
extern VOID (NTAPI *imp_KeRaiseIrql)(KIRQL, PKIRQL) __asm__("__imp__KeRaiseIrql@8");
extern VOID (NTAPI *imp_KeLowerIrql)(KIRQL) __asm__("__imp__KeLowerIrql@4");

unsigned char hd_KeAcquireSpinLock_stdcall(uintptr_t *lock)
{
    KIRQL old;
    imp_KeAcquireSpinLock((PKSPIN_LOCK)lock, &old);
    return old;
}
void hd_KeReleaseSpinLock_stdcall(uintptr_t *lock, unsigned char irql) { imp_KeReleaseSpinLock((PKSPIN_LOCK)lock, irql); }
unsigned char hd_KeRaiseIrql_stdcall(unsigned char irql)
{
    KIRQL old;
    imp_KeRaiseIrql(irql, &old);
    return old;
}
void hd_KeLowerIrql_stdcall(unsigned char irql) { imp_KeLowerIrql(irql); }
