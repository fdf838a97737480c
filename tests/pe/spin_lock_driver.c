/*
 * Driver half of spin_lock.c and free_build.c, compiled against the MinGW-w64 DDK headers:
 * KeAcquireSpinLock and friends expand exactly as in a driver (i386: hal.dll's KfAcquireSpinLock /
 * KfReleaseSpinLock and ntoskrnl.exe's Kef*AtDpcLevel; x86_64: ntoskrnl.exe's
 * KeAcquireSpinLockRaiseToDpc, ...).
 */
#include <ntddk.h>

#include "spin_lock_driver.h"

unsigned char sd_KeAcquireSpinLock(uintptr_t *lock)
{
    KIRQL old;
    KeAcquireSpinLock((PKSPIN_LOCK)lock, &old);
    return old;
}

void sd_KeReleaseSpinLock(uintptr_t *lock, unsigned char irql) { KeReleaseSpinLock((PKSPIN_LOCK)lock, irql); }
void sd_KeAcquireSpinLockAtDpcLevel(uintptr_t *lock) { KeAcquireSpinLockAtDpcLevel((PKSPIN_LOCK)lock); }
void sd_KeReleaseSpinLockFromDpcLevel(uintptr_t *lock) { KeReleaseSpinLockFromDpcLevel((PKSPIN_LOCK)lock); }

#ifdef _X86_
unsigned char sd_KeGetCurrentIrql(void) { return KeGetCurrentIrql(); }
unsigned char sd_KfRaiseIrql(unsigned char irql) { return KfRaiseIrql(irql); }
unsigned char sd_KeRaiseIrqlToDpcLevel(void) { return KeRaiseIrqlToDpcLevel(); }
void sd_KeLowerIrql(unsigned char irql) { KeLowerIrql(irql); }
#else
/* The x64 header's IRQL routines are inline CR8 accesses, which check nothing (tested in
 * tests/kmode/irql_cr8.c); these call the kernel's exports by name, whose checks the misuse cases
 * need. */
extern KIRQL (*__imp_KeGetCurrentIrql)(VOID);
extern KIRQL (*__imp_KfRaiseIrql)(KIRQL);
extern KIRQL (*__imp_KeRaiseIrqlToDpcLevel)(VOID);
extern VOID (*__imp_KeLowerIrql)(KIRQL);

unsigned char sd_KeGetCurrentIrql(void) { return __imp_KeGetCurrentIrql(); }
unsigned char sd_KfRaiseIrql(unsigned char irql) { return __imp_KfRaiseIrql(irql); }
unsigned char sd_KeRaiseIrqlToDpcLevel(void) { return __imp_KeRaiseIrqlToDpcLevel(); }
void sd_KeLowerIrql(unsigned char irql) { __imp_KeLowerIrql(irql); }
#endif
