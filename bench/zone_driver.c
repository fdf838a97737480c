/*
 * Driver half of zone_bench.exe: compiled against <ddk/ntddk.h> so the measured loops are the
 * DDK's own zone macros and spin lock macros, importing what a driver imports.
 */
#include <ntddk.h>

#include "zone_bench.h"

static ZONE_HEADER bench_zone;
static KSPIN_LOCK bench_lock;

long zb_init(void *segment, unsigned long size)
{
    KeInitializeSpinLock(&bench_lock);
    return ExInitializeZone(&bench_zone, 64, segment, size);
}

void zb_plain_pairs(uint64_t n)
{
    PZONE_HEADER zone = &bench_zone;
    for (uint64_t i = 0; i < n; i++)
    {
        void *b = ExAllocateFromZone(zone);
        *(volatile char *)((char *)b + sizeof(void *)) = 1;
        ExFreeToZone(zone, b);
    }
}

void zb_interlocked_pairs(uint64_t n)
{
    PZONE_HEADER zone = &bench_zone;   /* mingw-w64's ExInterlockedAllocateFromZone needs a pointer variable */
    for (uint64_t i = 0; i < n; i++)
    {
        void *b = ExInterlockedAllocateFromZone(zone, &bench_lock);
        *(volatile char *)((char *)b + sizeof(void *)) = 1;
        ExInterlockedFreeToZone(zone, b, &bench_lock);
    }
}

void zb_spin_lock_pairs(uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
    {
        KIRQL irql;
        KeAcquireSpinLock(&bench_lock, &irql);
        KeReleaseSpinLock(&bench_lock, irql);
    }
}
