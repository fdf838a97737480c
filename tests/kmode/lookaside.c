/*
 * Lookaside lists (converted from tests/pe/lookaside.c; windows-behavior.md 3.5, 4.3, 8.5),
 * through the DDK's inlines: Windows' initial values (Depth 4, MaximumDepth 256 whatever Depth is
 * passed, Type = pool type, counters 0, Size, Tag, ExAllocatePoolWithTag / ExFreePool as the
 * default routines), blocks cached up to Depth and counted (TotalAllocates, AllocateMisses,
 * TotalFrees, FreeMisses), custom callbacks called with the list's type, size and tag.
 */
#include "kmode_test.h"

#define TAG_LIST 'sTkL'

static int allocs, frees;
static POOL_TYPE last_type;
static SIZE_T last_size;
static ULONG last_tag;

static PVOID NTAPI count_alloc(POOL_TYPE type, SIZE_T size, ULONG tag)
{
    allocs++, last_type = type, last_size = size, last_tag = tag;
    return ExAllocatePoolWithTag(type, size, tag);
}

static VOID NTAPI count_free(PVOID block)
{
    frees++;
    ExFreePool(block);
}

static void check_initial(PGENERAL_LOOKASIDE l, ULONG type, SIZE_T size)
{
    ok(l->Depth == 4, "Depth %u\n", l->Depth);
    ok(l->MaximumDepth == 256, "MaximumDepth %u\n", l->MaximumDepth);
    ok(!l->TotalAllocates && !l->AllocateMisses && !l->TotalFrees && !l->FreeMisses, "counters %lu %lu %lu %lu\n",
       l->TotalAllocates, l->AllocateMisses, l->TotalFrees, l->FreeMisses);
    ok(l->Type == type, "Type %#x\n", l->Type);
    ok(l->Tag == TAG_LIST, "Tag %#lx\n", l->Tag);
    ok(l->Size == size, "Size %lu\n", l->Size);
    ok(ExQueryDepthSList(&l->ListHead) == 0, "list holds %u entries\n", ExQueryDepthSList(&l->ListHead));
}

static void test_initial_values(void)
{
    static const USHORT depths[] = {0, 20};
    /* NULL callbacks make the list hold the pool routines themselves [MSDN:ExInitializeNPagedLookasideList]:
     * the addresses the driver's own imports of them are bound to (the driver host binds them to
     * its tracking thunks, and gives a list those). */
    void *pool_allocate = (void *)ExAllocatePoolWithTag, *pool_free = (void *)ExFreePool;
    unsigned d;
    for (d = 0; d < KMTEST_ARRAY_SIZE(depths); d++)
    {
        NPAGED_LOOKASIDE_LIST npaged;
        PAGED_LOOKASIDE_LIST paged;
        winetest_push_context("depth %u", depths[d]);
        ExInitializeNPagedLookasideList(&npaged, NULL, NULL, 0, 64, TAG_LIST, depths[d]);
        check_initial((PGENERAL_LOOKASIDE)&npaged.L, NonPagedPool, 64);
        ok((void *)npaged.L.Allocate == pool_allocate, "Allocate %p, ExAllocatePoolWithTag is %p\n",
           (void *)npaged.L.Allocate, pool_allocate);
        ok((void *)npaged.L.Free == pool_free, "Free %p, ExFreePool is %p\n", (void *)npaged.L.Free, pool_free);
        ExDeleteNPagedLookasideList(&npaged);
        ExInitializePagedLookasideList(&paged, NULL, NULL, 0, 64, TAG_LIST, depths[d]);
        check_initial((PGENERAL_LOOKASIDE)&paged.L, PagedPool, 64);
        ExDeletePagedLookasideList(&paged);
        winetest_pop_context();
    }
}

/* Depth 4: six blocks out are six misses; five back, four cached and one freed (a free miss);
 * the next four come from the cache. */
static void test_counters_and_callbacks(void)
{
    NPAGED_LOOKASIDE_LIST list;
    void *blocks[6];
    int i;
    allocs = frees = 0;
    ExInitializeNPagedLookasideList(&list, count_alloc, count_free, 0, 100, TAG_LIST, 0);
    for (i = 0; i < 6; i++)
    {
        blocks[i] = ExAllocateFromNPagedLookasideList(&list);
        ok(blocks[i] != NULL, "allocation %d: NULL\n", i);
    }
    ok(allocs == 6, "Allocate called %d times\n", allocs);
    ok(last_type == NonPagedPool && last_size == 100 && last_tag == TAG_LIST, "Allocate got type %d size %Iu tag %#lx\n",
       last_type, last_size, last_tag);
    ok(list.L.TotalAllocates == 6 && list.L.AllocateMisses == 6, "allocates %lu, misses %lu\n", list.L.TotalAllocates,
       list.L.AllocateMisses);
    for (i = 0; i < 5; i++) if (blocks[i]) ExFreeToNPagedLookasideList(&list, blocks[i]);
    ok(frees == 1, "Free called %d times\n", frees);
    ok(list.L.TotalFrees == 5 && list.L.FreeMisses == 1, "frees %lu, misses %lu\n", list.L.TotalFrees, list.L.FreeMisses);
    ok(ExQueryDepthSList(&list.L.ListHead) == 4, "%u cached\n", ExQueryDepthSList(&list.L.ListHead));
    for (i = 0; i < 4; i++) blocks[i] = ExAllocateFromNPagedLookasideList(&list);
    ok(allocs == 6, "Allocate called %d times for cached blocks\n", allocs);
    ok(list.L.TotalAllocates == 10 && list.L.AllocateMisses == 6, "allocates %lu, misses %lu\n", list.L.TotalAllocates,
       list.L.AllocateMisses);
    for (i = 0; i < 4; i++) if (blocks[i]) ExFreeToNPagedLookasideList(&list, blocks[i]);
    if (blocks[5]) ExFreeToNPagedLookasideList(&list, blocks[5]);
    frees = 0;
    ExDeleteNPagedLookasideList(&list);
    ok(frees == 4, "delete handed %d cached blocks to Free, expected 4\n", frees);
}

void kmtest_group_lookaside(void)
{
    test_initial_values();
    test_counters_and_callbacks();
}
