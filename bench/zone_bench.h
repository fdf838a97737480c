/* Interface between zone_bench.c (windows.h) and zone_driver.c (DDK headers): plain C types only. */
#ifndef NTOSKRNL_BENCH_ZONE_BENCH_H
#define NTOSKRNL_BENCH_ZONE_BENCH_H

#include <stdint.h>

long zb_init(void *segment, unsigned long size);   /* ExInitializeZone, 64-byte blocks */
void zb_plain_pairs(uint64_t n);                   /* ExAllocateFromZone + ExFreeToZone */
void zb_interlocked_pairs(uint64_t n);             /* ExInterlockedAllocateFromZone + ExInterlockedFreeToZone */
void zb_spin_lock_pairs(uint64_t n);               /* KeAcquireSpinLock + KeReleaseSpinLock */

#endif
