/*
 * The driver half of lookaside_bench: the lookaside hit path and the burst workload exactly as a
 * driver built against the MinGW-w64 DDK runs them (the header inlines
 * ExAllocateFromNPagedLookasideList / ExFreeToNPagedLookasideList over the imported SList
 * routines: @InterlockedPopEntrySList@4 / @InterlockedPushEntrySList@8 on i386,
 * ExpInterlockedPopEntrySList / ExpInterlockedPushEntrySList / ExQueryDepthSList on x64). Only
 * routines Wine 8's builtin ntoskrnl.exe also exports are imported, so the same program runs
 * against both.
 */
#include <ddk/ntddk.h>

#include "lookaside_bench.h"

static NPAGED_LOOKASIDE_LIST list;

void lb_create(size_t size, unsigned long tag)
{
    ExInitializeNPagedLookasideList(&list, NULL, NULL, 0, size, tag, 0);
}

void lb_delete(void) { ExDeleteNPagedLookasideList(&list); }

/* n allocate/free pairs on a warm list: every allocation is a hit. */
void lb_hit_pairs(unsigned long n)
{
    unsigned long i;
    for (i = 0; i < n; i++)
    {
        volatile char *p = ExAllocateFromNPagedLookasideList(&list);
        p[sizeof(void *)] = 1;
        ExFreeToNPagedLookasideList(&list, (void *)p);
    }
}

/* n bursts of 64 allocations then 64 frees. */
void lb_bursts(unsigned long n)
{
    void *held[64];
    unsigned long r;
    int i;
    for (r = 0; r < n; r++)
    {
        for (i = 0; i < 64; i++)
        {
            held[i] = ExAllocateFromNPagedLookasideList(&list);
            ((volatile char *)held[i])[sizeof(void *)] = 1;
        }
        for (i = 0; i < 64; i++) ExFreeToNPagedLookasideList(&list, held[i]);
    }
}

void lb_stats(unsigned long *allocs, unsigned long *misses, unsigned *depth)
{
    *allocs = list.L.TotalAllocates;
    *misses = list.L.AllocateMisses;
    *depth = list.L.Depth;
}
