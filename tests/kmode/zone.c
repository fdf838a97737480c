/*
 * Zones and spin-lock-guarded lists (converted from tests/pe/zone.c; windows-behavior.md 1.3,
 * 1.5, 3.7, 3.9, 4.5), through the DDK's own zone inlines and macros: ExInitializeZone /
 * ExExtendZone / ExInterlockedExtendZone build what the macros read (segment header first,
 * blocks handed out highest address first, TotalSegmentSize = header + n * BlockSize, the newest
 * segment at the head of SegmentList); misaligned segments, unaligned or oversized BlockSize fail
 * with STATUS_UNSUCCESSFUL (Microsoft's NT 4.0 and Windows 2000 DDK pages);
 * ExInterlockedPush/PopEntryList and ExInterlockedInsertHead/InsertTail/RemoveHeadList.
 * Wine's builtin does not implement ExInitializeZone (STATUS_NOT_IMPLEMENTED).
 */
#include "kmode_test.h"

#define SEGMENT 1000   /* not a multiple of the block sizes used: the tail stays unused */
#define TAG_ZONE 'noZK'

static ULONG blocks_in(ULONG segment_size, ULONG block) { return (segment_size - sizeof(ZONE_SEGMENT_HEADER)) / block; }

static void *alloc(SIZE_T n) { return ExAllocatePoolWithTag(NonPagedPool, n, TAG_ZONE); }

static void test_initialize(void)
{
    const ULONG block = 48, n = blocks_in(SEGMENT, block);
    const SIZE_T hdr = sizeof(ZONE_SEGMENT_HEADER);
    ZONE_HEADER *zone = alloc(sizeof(ZONE_HEADER));
    UCHAR *segment = alloc(SEGMENT);
    void *p, *prev = NULL;
    NTSTATUS status;
    ULONG i;

    if (!zone || !segment) { ok(0, "no pool for the zone\n"); goto done; }
    ok(hdr == sizeof(void *) * 2, "ZONE_SEGMENT_HEADER is %Iu bytes\n", hdr);
    status = ExInitializeZone(zone, block, segment, SEGMENT);
    todo_wine_if(kmtest_wine_builtin()) ok(status == STATUS_SUCCESS, "ExInitializeZone: %#lx\n", status);
    if (status != STATUS_SUCCESS) goto done;
    ok(zone->BlockSize == block, "BlockSize %lu\n", zone->BlockSize);
    ok(zone->TotalSegmentSize == hdr + n * block, "TotalSegmentSize %lu, expected %lu\n", zone->TotalSegmentSize,
       (ULONG)(hdr + n * block));
    ok((void *)zone->SegmentList.Next == segment, "SegmentList.Next %p, segment %p\n", zone->SegmentList.Next, segment);
    ok(((void **)segment)[0] == NULL, "segment header link %p\n", ((void **)segment)[0]);
    ok((void *)zone->FreeList.Next == segment + hdr + (n - 1) * block, "FreeList.Next %p, highest block %p\n",
       zone->FreeList.Next, segment + hdr + (n - 1) * block);
    ok(!ExIsFullZone(zone), "new zone is full\n");
    for (i = n; i-- > 0;)
    {
        p = ExAllocateFromZone(zone);
        ok(p == segment + hdr + i * block, "allocation %lu: %p, expected %p\n", n - 1 - i, p, segment + hdr + i * block);
        ok(ExIsObjectInFirstZoneSegment(zone, p), "%p not in the first segment\n", p);
    }
    ok(ExIsFullZone(zone), "zone not full after %lu allocations\n", n);
    ok(ExAllocateFromZone(zone) == NULL, "allocation from a full zone\n");
    ok(!ExIsObjectInFirstZoneSegment(zone, segment + zone->TotalSegmentSize), "end of the segment counted in it\n");
    /* ExFreeToZone returns the previous first free block; frees come back last in, first out. */
    for (i = 0; i < 3; i++)
    {
        p = segment + hdr + i * block;
        ok(ExFreeToZone(zone, p) == prev, "free %lu returned the wrong previous block\n", i);
        prev = p;
    }
    ok(ExAllocateFromZone(zone) == segment + hdr + 2 * block, "not last in, first out\n");
done:
    if (segment) ExFreePool(segment);
    if (zone) ExFreePool(zone);
}

static void test_failures(void)
{
    ZONE_HEADER *zone = alloc(sizeof(ZONE_HEADER));
    UCHAR *segment = alloc(2 * SEGMENT), *second = segment + SEGMENT;
    ULONG total_before;
    NTSTATUS status;

    if (!zone || !segment) { ok(0, "no pool for the zone\n"); goto done; }
    status = ExInitializeZone(zone, 64, segment + 4, 512);
    todo_wine_if(kmtest_wine_builtin()) ok(status == STATUS_UNSUCCESSFUL, "misaligned segment: %#lx\n", status);
    status = ExInitializeZone(zone, 60, segment, 512);
    todo_wine_if(kmtest_wine_builtin()) ok(status == STATUS_UNSUCCESSFUL, "BlockSize 60: %#lx\n", status);
    status = ExInitializeZone(zone, 520, segment, 512);
    todo_wine_if(kmtest_wine_builtin()) ok(status == STATUS_UNSUCCESSFUL, "BlockSize above the segment size: %#lx\n", status);
    status = ExInitializeZone(zone, 64, segment, 512);
    todo_wine_if(kmtest_wine_builtin()) ok(status == STATUS_SUCCESS, "ExInitializeZone: %#lx\n", status);
    if (status != STATUS_SUCCESS) goto done;
    total_before = zone->TotalSegmentSize;
    status = ExExtendZone(zone, second + 4, 256);
    ok(status == STATUS_UNSUCCESSFUL, "ExExtendZone, misaligned segment: %#lx\n", status);
    status = ExExtendZone(zone, second, 32);
    ok(status == STATUS_UNSUCCESSFUL, "ExExtendZone, segment below BlockSize: %#lx\n", status);
    ok(zone->TotalSegmentSize == total_before && (void *)zone->SegmentList.Next == segment,
       "a failed extension changed the zone\n");
done:
    if (segment) ExFreePool(segment);
    if (zone) ExFreePool(zone);
}

static void test_extend(int interlocked)
{
    const SIZE_T hdr = sizeof(ZONE_SEGMENT_HEADER);
    ZONE_HEADER *zone = alloc(sizeof(ZONE_HEADER));
    UCHAR *first = alloc(256), *second = alloc(512);
    KSPIN_LOCK lock = 0;
    NTSTATUS status;
    void *p;

    winetest_push_context(interlocked ? "ExInterlockedExtendZone" : "ExExtendZone");
    if (!zone || !first || !second) { ok(0, "no pool for the zone\n"); goto done; }
    status = ExInitializeZone(zone, 32, first, 256);
    todo_wine_if(kmtest_wine_builtin()) ok(status == STATUS_SUCCESS, "ExInitializeZone: %#lx\n", status);
    if (status != STATUS_SUCCESS) goto done;
    status = interlocked ? ExInterlockedExtendZone(zone, second, 512, &lock) : ExExtendZone(zone, second, 512);
    ok(status == STATUS_SUCCESS, "status %#lx\n", status);
    ok(lock == 0, "lock word %#Ix afterwards\n", lock);
    ok(zone->TotalSegmentSize == 2 * hdr + (blocks_in(256, 32) + blocks_in(512, 32)) * 32, "TotalSegmentSize %lu\n",
       zone->TotalSegmentSize);
    ok((void *)zone->SegmentList.Next == second, "SegmentList.Next %p, new segment %p\n", zone->SegmentList.Next, second);
    ok(*(void **)second == first, "new segment's link %p, first segment %p\n", *(void **)second, first);
    p = ExAllocateFromZone(zone);
    ok(p == second + hdr + (blocks_in(512, 32) - 1) * 32, "first block after extension %p\n", p);
done:
    winetest_pop_context();
    if (second) ExFreePool(second);
    if (first) ExFreePool(first);
    if (zone) ExFreePool(zone);
}

/* Push returns the previous first entry, pop the first or NULL; the lock is free afterwards. */
static void test_lists(void)
{
    SINGLE_LIST_ENTRY head = {NULL}, a, b;
    LIST_ENTRY dhead, x, y, z;
    KSPIN_LOCK lock;
#ifdef _X86_
    if (kmtest_builtin_stub("ExfInterlockedPushEntryList")) return;
#else
    if (kmtest_builtin_stub("ExInterlockedPushEntryList")) return;
#endif
    KeInitializeSpinLock(&lock);
    ok(ExInterlockedPushEntryList(&head, &a, &lock) == NULL, "first push returned non-NULL\n");
    ok(ExInterlockedPushEntryList(&head, &b, &lock) == &a, "second push did not return the first entry\n");
    ok(ExInterlockedPopEntryList(&head, &lock) == &b, "pop did not return the last pushed entry\n");
    ok(ExInterlockedPopEntryList(&head, &lock) == &a, "second pop\n");
    ok(ExInterlockedPopEntryList(&head, &lock) == NULL, "pop of an empty list\n");
    ok(lock == 0, "lock word %#Ix afterwards\n", lock);

    InitializeListHead(&dhead);
    ok(ExInterlockedInsertHeadList(&dhead, &x, &lock) == NULL, "insert into an empty list returned non-NULL\n");
    ok(ExInterlockedInsertTailList(&dhead, &y, &lock) == &x, "tail insert did not return the last entry\n");
    ok(ExInterlockedInsertHeadList(&dhead, &z, &lock) == &x, "head insert did not return the first entry\n");
    ok(dhead.Flink == &z && z.Flink == &x && x.Flink == &y && y.Flink == &dhead, "forward links wrong\n");
    ok(dhead.Blink == &y && y.Blink == &x && x.Blink == &z && z.Blink == &dhead, "backward links wrong\n");
    ok(ExInterlockedRemoveHeadList(&dhead, &lock) == &z, "remove head\n");
    ok(ExInterlockedRemoveHeadList(&dhead, &lock) == &x, "remove head (2)\n");
    ok(ExInterlockedRemoveHeadList(&dhead, &lock) == &y, "remove head (3)\n");
    ok(ExInterlockedRemoveHeadList(&dhead, &lock) == NULL, "remove from an empty list\n");
    ok(lock == 0, "lock word %#Ix afterwards\n", lock);
}

void kmtest_group_zone(void)
{
    test_initialize();
    test_failures();
    test_extend(0);
    test_extend(1);
    test_lists();
}
