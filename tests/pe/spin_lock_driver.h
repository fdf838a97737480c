/*
 * Interface between spin_lock.c and its driver half (spin_lock_driver.c, built against
 * <ddk/ntddk.h>). What a routine is called through depends on the architecture, as in a driver:
 * on i386 the raising spin lock routines and the IRQL are hal.dll's (KfAcquireSpinLock, ...), the
 * AtDpcLevel pair is the kernel's fastcall Kef* pair; on x86_64 all are ntoskrnl.exe's.
 */
#ifndef NTOSKRNL_TESTS_SPIN_LOCK_DRIVER_H
#define NTOSKRNL_TESTS_SPIN_LOCK_DRIVER_H

#include <stddef.h>
#include <stdint.h>

#define SD_PASSIVE_LEVEL 0
#define SD_APC_LEVEL 1
#define SD_DISPATCH_LEVEL 2
#define SD_HIGH_LEVEL (sizeof(void *) == 8 ? 15 : 31)

void sd_KeInitializeSpinLock(uintptr_t *lock);          /* the header's (an inline store of 0) */
void sd_KeInitializeSpinLock_export(uintptr_t *lock);   /* i386: the stdcall export (wdm.h-only drivers) */
unsigned char sd_KeAcquireSpinLock(uintptr_t *lock);    /* KeAcquireSpinLock macro: hal Kf* / x64 RaiseToDpc */
void sd_KeReleaseSpinLock(uintptr_t *lock, unsigned char irql);
void sd_KeAcquireSpinLockAtDpcLevel(uintptr_t *lock);   /* header macro: i386 Kef* fastcall */
void sd_KeReleaseSpinLockFromDpcLevel(uintptr_t *lock);
void sd_KeAcquireSpinLockAtDpcLevel_stdcall(uintptr_t *lock);   /* the stdcall exports by name */
void sd_KeReleaseSpinLockFromDpcLevel_stdcall(uintptr_t *lock);
/* In-stack queued lock at DISPATCH_LEVEL; handle is 12/24 bytes; returns handle->LockQueue.Lock. */
void *sd_KeAcquireInStackQueuedSpinLockAtDpcLevel(uintptr_t *lock, void *handle);
void sd_KeReleaseInStackQueuedSpinLockFromDpcLevel(void *handle);
size_t sd_lock_queue_handle_size(void);
/* FAST_MUTEX (32/56 bytes), initialised as ExInitializeFastMutex does, and the Unsafe exports. */
size_t sd_fast_mutex_size(void);
void sd_ExInitializeFastMutex(void *mutex);
void sd_ExAcquireFastMutexUnsafe(void *mutex);
void sd_ExReleaseFastMutexUnsafe(void *mutex);
long sd_fast_mutex_count(const void *mutex);
void *sd_fast_mutex_owner(const void *mutex);

/* IRQL: i386 through hal.dll (KeGetCurrentIrql, KfRaiseIrql, KfLowerIrql), x86_64 through the
 * ntoskrnl.exe exports, with their checks (the header's x64 versions are inline CR8 accesses,
 * tested in irql_cr8.c). */
unsigned char sd_KeGetCurrentIrql(void);
unsigned char sd_KfRaiseIrql(unsigned char irql);
unsigned char sd_KeRaiseIrqlToDpcLevel(void);
void sd_KeLowerIrql(unsigned char irql);

#endif
