/*
 * Interface between hal.c and its driver half (hal_driver.c, built against <ddk/ntddk.h> for
 * i386): the HAL routines as the i386 DDK headers reach them (KeAcquireSpinLock ->
 * hal.dll!KfAcquireSpinLock, KeRaiseIrql -> KfRaiseIrql, ...).
 */
#ifndef NTOSKRNL_TESTS_HAL_DRIVER_H
#define NTOSKRNL_TESTS_HAL_DRIVER_H

#include <stddef.h>
#include <stdint.h>

#define HD_PASSIVE_LEVEL 0
#define HD_APC_LEVEL 1
#define HD_DISPATCH_LEVEL 2

unsigned char hd_KeGetCurrentIrql(void);
unsigned char hd_KeRaiseIrql(unsigned char irql);          /* macro: KfRaiseIrql */
void hd_KeLowerIrql(unsigned char irql);                   /* macro: KfLowerIrql */
unsigned char hd_KeRaiseIrqlToDpcLevel(void);

unsigned char hd_KeAcquireSpinLock(uintptr_t *lock);                      /* macro: KfAcquireSpinLock */
void hd_KeReleaseSpinLock(uintptr_t *lock, unsigned char irql);           /* macro: KfReleaseSpinLock */
unsigned char hd_KeAcquireSpinLock_stdcall(uintptr_t *lock);              /* import: KeAcquireSpinLock */
void hd_KeReleaseSpinLock_stdcall(uintptr_t *lock, unsigned char irql);   /* import: KeReleaseSpinLock */

/* FAST_MUTEX (32 bytes), initialised as ExInitializeFastMutex does. */
void hd_ExInitializeFastMutex(void *mutex);
void hd_ExAcquireFastMutex(void *mutex);

/* KeQueryPerformanceCounter (frequency stored if not NULL). */
int64_t hd_KeQueryPerformanceCounter(int64_t *frequency);

/* The pool, from a driver: PagedPool (1) and NonPagedPool (0). */
void *hd_ExAllocatePoolWithTag(int paged, size_t bytes);
void hd_ExFreePool(void *p);

#endif
