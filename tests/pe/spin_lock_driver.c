/*
 * Driver half of the spin lock tests, compiled against the MinGW-w64 DDK headers: KeAcquireSpinLock
 * and friends expand exactly as in a driver (i386: hal.dll's KfAcquireSpinLock / KfReleaseSpinLock
 * and ntoskrnl.exe's Kef*AtDpcLevel; x86_64: ntoskrnl.exe's KeAcquireSpinLockRaiseToDpc, ...).
 */
#include <ntddk.h>

#include "spin_lock_driver.h"

void sd_KeInitializeSpinLock(uintptr_t *lock) { KeInitializeSpinLock((PKSPIN_LOCK)lock); }

unsigned char sd_KeAcquireSpinLock(uintptr_t *lock)
{
    KIRQL old;
    KeAcquireSpinLock((PKSPIN_LOCK)lock, &old);
    return old;
}

void sd_KeReleaseSpinLock(uintptr_t *lock, unsigned char irql) { KeReleaseSpinLock((PKSPIN_LOCK)lock, irql); }
void sd_KeAcquireSpinLockAtDpcLevel(uintptr_t *lock) { KeAcquireSpinLockAtDpcLevel((PKSPIN_LOCK)lock); }
void sd_KeReleaseSpinLockFromDpcLevel(uintptr_t *lock) { KeReleaseSpinLockFromDpcLevel((PKSPIN_LOCK)lock); }

void *sd_KeAcquireInStackQueuedSpinLockAtDpcLevel(uintptr_t *lock, void *handle)
{
    PKLOCK_QUEUE_HANDLE h = handle;
    KeAcquireInStackQueuedSpinLockAtDpcLevel((PKSPIN_LOCK)lock, h);
    return h->LockQueue.Lock;
}

void sd_KeReleaseInStackQueuedSpinLockFromDpcLevel(void *handle) { KeReleaseInStackQueuedSpinLockFromDpcLevel(handle); }
size_t sd_lock_queue_handle_size(void) { return sizeof(KLOCK_QUEUE_HANDLE); }

size_t sd_fast_mutex_size(void) { return sizeof(FAST_MUTEX); }
/* ExInitializeFastMutex's fields without its KeInitializeEvent call (the module has no dispatcher
 * objects yet): Count = FM_LOCK_BIT, as the wdm.h inline stores it. */
void sd_ExInitializeFastMutex(void *mutex)
{
    PFAST_MUTEX m = mutex;
    RtlZeroMemory(m, sizeof(*m));
    m->Count = FM_LOCK_BIT;
}
void sd_ExAcquireFastMutexUnsafe(void *mutex) { ExAcquireFastMutexUnsafe((PFAST_MUTEX)mutex); }
void sd_ExReleaseFastMutexUnsafe(void *mutex) { ExReleaseFastMutexUnsafe((PFAST_MUTEX)mutex); }
long sd_fast_mutex_count(const void *mutex) { return ((const FAST_MUTEX *)mutex)->Count; }
void *sd_fast_mutex_owner(const void *mutex) { return ((const FAST_MUTEX *)mutex)->Owner; }

#ifdef _X86_
/* Exports the i386 headers rename or inline, imported by their own names (as binaries built
 * against wdm.h alone, or older DDKs, import them). */
extern VOID (NTAPI *imp_KeInitializeSpinLock)(PKSPIN_LOCK) __asm__("__imp__KeInitializeSpinLock@4");
extern VOID (NTAPI *imp_KeAcquireSpinLockAtDpcLevel)(PKSPIN_LOCK) __asm__("__imp__KeAcquireSpinLockAtDpcLevel@4");
extern VOID (NTAPI *imp_KeReleaseSpinLockFromDpcLevel)(PKSPIN_LOCK) __asm__("__imp__KeReleaseSpinLockFromDpcLevel@4");

void sd_KeInitializeSpinLock_export(uintptr_t *lock) { imp_KeInitializeSpinLock((PKSPIN_LOCK)lock); }
void sd_KeAcquireSpinLockAtDpcLevel_stdcall(uintptr_t *lock) { imp_KeAcquireSpinLockAtDpcLevel((PKSPIN_LOCK)lock); }
void sd_KeReleaseSpinLockFromDpcLevel_stdcall(uintptr_t *lock) { imp_KeReleaseSpinLockFromDpcLevel((PKSPIN_LOCK)lock); }

unsigned char sd_KeGetCurrentIrql(void) { return KeGetCurrentIrql(); }
unsigned char sd_KfRaiseIrql(unsigned char irql) { return KfRaiseIrql(irql); }
unsigned char sd_KeRaiseIrqlToDpcLevel(void) { return KeRaiseIrqlToDpcLevel(); }
void sd_KeLowerIrql(unsigned char irql) { KeLowerIrql(irql); }
#else
void sd_KeInitializeSpinLock_export(uintptr_t *lock) { KeInitializeSpinLock((PKSPIN_LOCK)lock); }
void sd_KeAcquireSpinLockAtDpcLevel_stdcall(uintptr_t *lock) { KeAcquireSpinLockAtDpcLevel((PKSPIN_LOCK)lock); }
void sd_KeReleaseSpinLockFromDpcLevel_stdcall(uintptr_t *lock) { KeReleaseSpinLockFromDpcLevel((PKSPIN_LOCK)lock); }

/* The x64 header's IRQL routines are inline CR8 accesses (irql_cr8.c tests those, which check
 * nothing); these call the kernel's exports by name, whose checks the misuse cases need. */
extern KIRQL (*__imp_KeGetCurrentIrql)(VOID);
extern KIRQL (*__imp_KfRaiseIrql)(KIRQL);
extern KIRQL (*__imp_KeRaiseIrqlToDpcLevel)(VOID);
extern VOID (*__imp_KeLowerIrql)(KIRQL);

unsigned char sd_KeGetCurrentIrql(void) { return __imp_KeGetCurrentIrql(); }
unsigned char sd_KfRaiseIrql(unsigned char irql) { return __imp_KfRaiseIrql(irql); }
unsigned char sd_KeRaiseIrqlToDpcLevel(void) { return __imp_KeRaiseIrqlToDpcLevel(); }
void sd_KeLowerIrql(unsigned char irql) { __imp_KeLowerIrql(irql); }
#endif
