/*
 * Interface between hal.c and its driver half (hal_driver.c, built against <ddk/ntddk.h> for
 * i386): the HAL routines as the i386 DDK headers reach them (KeAcquireSpinLock ->
 * hal.dll!KfAcquireSpinLock, KeRaiseIrql -> KfRaiseIrql, ...) and, by name, the stdcall forms
 * older binaries import (hal.dll!KeAcquireSpinLock, KeRaiseIrql, KeLowerIrql).
 */
#ifndef NTOSKRNL_TESTS_HAL_DRIVER_H
#define NTOSKRNL_TESTS_HAL_DRIVER_H

#include <stddef.h>
#include <stdint.h>

#define HD_PASSIVE_LEVEL 0
#define HD_APC_LEVEL 1
#define HD_DISPATCH_LEVEL 2
#define HD_SYNCH_LEVEL 27 /* i386 multiprocessor: IPI_LEVEL (29) - 2 */
#define HD_HIGH_LEVEL 31

unsigned char hd_KeGetCurrentIrql(void);
unsigned char hd_KeRaiseIrql(unsigned char irql);          /* macro: KfRaiseIrql */
void hd_KeLowerIrql(unsigned char irql);                   /* macro: KfLowerIrql */
unsigned char hd_KeRaiseIrql_stdcall(unsigned char irql);  /* hal.dll!KeRaiseIrql by name */
void hd_KeLowerIrql_stdcall(unsigned char irql);           /* hal.dll!KeLowerIrql by name */
unsigned char hd_KeRaiseIrqlToDpcLevel(void);
unsigned char hd_KeRaiseIrqlToSynchLevel(void);

unsigned char hd_KeAcquireSpinLock(uintptr_t *lock);                      /* macro: KfAcquireSpinLock */
void hd_KeReleaseSpinLock(uintptr_t *lock, unsigned char irql);           /* macro: KfReleaseSpinLock */
unsigned char hd_KeAcquireSpinLock_stdcall(uintptr_t *lock);              /* hal.dll!KeAcquireSpinLock */
void hd_KeReleaseSpinLock_stdcall(uintptr_t *lock, unsigned char irql);   /* hal.dll!KeReleaseSpinLock */
unsigned char hd_KeAcquireSpinLockRaiseToSynch(uintptr_t *lock);
void hd_KeAcquireSpinLockAtDpcLevel(uintptr_t *lock);                     /* ntoskrnl.exe (Kef*) */
void hd_KeReleaseSpinLockFromDpcLevel(uintptr_t *lock);
/* In-stack queued locks; handle is 12 bytes on i386; returns handle->OldIrql. */
unsigned char hd_KeAcquireInStackQueuedSpinLock(uintptr_t *lock, void *handle);
unsigned char hd_KeAcquireInStackQueuedSpinLockRaiseToSynch(uintptr_t *lock, void *handle);
void hd_KeReleaseInStackQueuedSpinLock(void *handle);
void *hd_lock_queue_handle_lock(const void *handle);

/* FAST_MUTEX (32 bytes), initialised as ExInitializeFastMutex does. */
void hd_ExInitializeFastMutex(void *mutex);
void hd_ExAcquireFastMutex(void *mutex);
void hd_ExReleaseFastMutex(void *mutex);
int hd_ExTryToAcquireFastMutex(void *mutex);
long hd_fast_mutex_count(const void *mutex);
unsigned long hd_fast_mutex_old_irql(const void *mutex);

/* Timing: KeQueryPerformanceCounter (frequency stored if not NULL), KeStallExecutionProcessor. */
int64_t hd_KeQueryPerformanceCounter(int64_t *frequency);
void hd_KeStallExecutionProcessor(unsigned long microseconds);

/* The pool, from a driver: PagedPool (1) and NonPagedPool (0). */
void *hd_ExAllocatePoolWithTag(int paged, size_t bytes);
void hd_ExFreePool(void *p);

#endif
