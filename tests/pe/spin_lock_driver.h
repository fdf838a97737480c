/*
 * Interface between spin_lock.c / free_build.c and their driver half (spin_lock_driver.c, built
 * against <ddk/ntddk.h>). What a routine is called through depends on the architecture, as in a driver:
 * on i386 the raising spin lock routines and the IRQL are hal.dll's (KfAcquireSpinLock, ...), the
 * AtDpcLevel pair is the kernel's fastcall Kef* pair; on x86_64 all are ntoskrnl.exe's.
 */
#ifndef NTOSKRNL_TESTS_SPIN_LOCK_DRIVER_H
#define NTOSKRNL_TESTS_SPIN_LOCK_DRIVER_H

#include <stdint.h>

#define SD_PASSIVE_LEVEL 0
#define SD_APC_LEVEL 1
#define SD_DISPATCH_LEVEL 2

unsigned char sd_KeAcquireSpinLock(uintptr_t *lock);    /* KeAcquireSpinLock macro: hal Kf* / x64 RaiseToDpc */
void sd_KeReleaseSpinLock(uintptr_t *lock, unsigned char irql);
void sd_KeAcquireSpinLockAtDpcLevel(uintptr_t *lock);   /* header macro: i386 Kef* fastcall */
void sd_KeReleaseSpinLockFromDpcLevel(uintptr_t *lock);

/* IRQL: i386 through hal.dll (KeGetCurrentIrql, KfRaiseIrql, KfLowerIrql), x86_64 through the
 * ntoskrnl.exe exports, with their checks (the header's x64 versions are inline CR8 accesses,
 * tested in tests/kmode/irql_cr8.c). */
unsigned char sd_KeGetCurrentIrql(void);
unsigned char sd_KfRaiseIrql(unsigned char irql);
unsigned char sd_KeRaiseIrqlToDpcLevel(void);
void sd_KeLowerIrql(unsigned char irql);

#endif
