/*
 * Zones and spin-lock-guarded lists (moved from tests/pe/zone.c, which keeps only the program's
 * import bindings; windows-behavior.md 1.3, 1.5, 3.7, 3.9, 4.5), through the DDK's own zone
 * inlines and macros and the list names the headers give (wdm.h: ExInterlockedPopEntryList ->
 * ExfInterlockedPopEntryList, ExInterlockedInsertTailList -> ExfInterlockedInsertTailList on
 * i386; x64 imports the Ex* names):
 * - ExInitializeZone / ExExtendZone / ExInterlockedExtendZone build the structures the macros
 *   read: segment header first, blocks handed out highest address first, TotalSegmentSize =
 *   header + n * BlockSize per segment, the newest segment at the head of SegmentList;
 * - misaligned segments, unaligned or oversized BlockSize fail with STATUS_UNSUCCESSFUL, the
 *   status Microsoft's NT 4.0 and Windows 2000 DDK pages give (ReactOS: STATUS_INVALID_PARAMETER;
 *   see ntoskrnl/ex/zone.cpp);
 * - ExIsObjectInFirstZoneSegment is checked only before any extension (its answer after one is
 *   unconfirmed for Windows, reference 3.7);
 * - Ex(f)InterlockedPop/PushEntryList: push returns the previous first entry, pop the first or
 *   NULL, the lock word is free again afterwards; several threads through the interlocked zone
 *   macros never get one block twice and lose none;
 * - Ex(f)InterlockedInsertHeadList / InsertTailList / RemoveHeadList: the entry first (head) or
 *   last (tail) before the insertion, the removed entry, NULL for an empty list (Microsoft's wdm.h
 *   pages), links as ReactOS's kmtest ExDoubleList expects; an NT 4-style queue of real IRPs
 *   (Tail.Overlay.ListEntry) stays first in, first out and loses nothing between threads
 *   (zone_irp.c).
 * Wine's builtin does not implement ExInitializeZone (STATUS_NOT_IMPLEMENTED) and only stubs the
 * interlocked list routines but Ex(f)InterlockedRemoveHeadList (kmtest_builtin_stub).
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
    ok(!ExIsObjectInFirstZoneSegment(zone, zone), "the zone header counted in the segment\n");
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

/* The routines the headers name (i386: the fastcall Exf* exports; x64: the Ex* ones). */
static PSINGLE_LIST_ENTRY pop_header(PSINGLE_LIST_ENTRY head, PKSPIN_LOCK lock)
{
    return ExInterlockedPopEntryList(head, lock);
}

static PSINGLE_LIST_ENTRY push_header(PSINGLE_LIST_ENTRY head, PSINGLE_LIST_ENTRY entry, PKSPIN_LOCK lock)
{
    return ExInterlockedPushEntryList(head, entry, lock);
}

static PLIST_ENTRY insert_head_header(PLIST_ENTRY head, PLIST_ENTRY entry, PKSPIN_LOCK lock)
{
    return ExInterlockedInsertHeadList(head, entry, lock);
}

static PLIST_ENTRY insert_tail_header(PLIST_ENTRY head, PLIST_ENTRY entry, PKSPIN_LOCK lock)
{
    return ExInterlockedInsertTailList(head, entry, lock);
}

static PLIST_ENTRY remove_head_header(PLIST_ENTRY head, PKSPIN_LOCK lock)
{
    return ExInterlockedRemoveHeadList(head, lock);
}

#ifdef _X86_
/* The stdcall exports under their own names, which the i386 headers rename to the Exf* forms, as
 * binaries built against headers without that mapping import them (_ExInterlockedPopEntryList@8...). */
extern PSINGLE_LIST_ENTRY (NTAPI *imp_ExInterlockedPopEntryList)(PSINGLE_LIST_ENTRY, PKSPIN_LOCK)
    __asm__("__imp__ExInterlockedPopEntryList@8");
extern PSINGLE_LIST_ENTRY (NTAPI *imp_ExInterlockedPushEntryList)(PSINGLE_LIST_ENTRY, PSINGLE_LIST_ENTRY, PKSPIN_LOCK)
    __asm__("__imp__ExInterlockedPushEntryList@12");
extern PLIST_ENTRY (NTAPI *imp_ExInterlockedInsertHeadList)(PLIST_ENTRY, PLIST_ENTRY, PKSPIN_LOCK)
    __asm__("__imp__ExInterlockedInsertHeadList@12");
extern PLIST_ENTRY (NTAPI *imp_ExInterlockedInsertTailList)(PLIST_ENTRY, PLIST_ENTRY, PKSPIN_LOCK)
    __asm__("__imp__ExInterlockedInsertTailList@12");
extern PLIST_ENTRY (NTAPI *imp_ExInterlockedRemoveHeadList)(PLIST_ENTRY, PKSPIN_LOCK)
    __asm__("__imp__ExInterlockedRemoveHeadList@8");
#define pop_stdcall(h, l) imp_ExInterlockedPopEntryList(h, l)
#define push_stdcall(h, e, l) imp_ExInterlockedPushEntryList(h, e, l)
#define insert_head_stdcall(h, e, l) imp_ExInterlockedInsertHeadList(h, e, l)
#define insert_tail_stdcall(h, e, l) imp_ExInterlockedInsertTailList(h, e, l)
#define remove_head_stdcall(h, l) imp_ExInterlockedRemoveHeadList(h, l)
#define HEADER_PUSH "ExfInterlockedPushEntryList"
#define HEADER_INSERT "ExfInterlockedInsertHeadList"
#else
#define pop_stdcall pop_header
#define push_stdcall push_header
#define insert_head_stdcall insert_head_header
#define insert_tail_stdcall insert_tail_header
#define remove_head_stdcall remove_head_header
#define HEADER_PUSH "ExInterlockedPushEntryList"
#define HEADER_INSERT "ExInterlockedInsertHeadList"
#endif

static PSINGLE_LIST_ENTRY pop_of(int stdcall_exports, PSINGLE_LIST_ENTRY head, PKSPIN_LOCK lock)
{
    return stdcall_exports ? pop_stdcall(head, lock) : pop_header(head, lock);
}

static PSINGLE_LIST_ENTRY push_of(int stdcall_exports, PSINGLE_LIST_ENTRY head, void *entry, PKSPIN_LOCK lock)
{
    return stdcall_exports ? push_stdcall(head, entry, lock) : push_header(head, entry, lock);
}

static void test_lists(int stdcall_exports)
{
    SINGLE_LIST_ENTRY head = {NULL};
    void *entries[3][2] = {{0}};
    KSPIN_LOCK lock = 0;

    winetest_push_context(stdcall_exports ? "stdcall Ex*" : "header names");
    if (kmtest_builtin_stub(stdcall_exports ? "ExInterlockedPushEntryList" : HEADER_PUSH)) goto done;
    ok(pop_of(stdcall_exports, &head, &lock) == NULL, "pop from an empty list\n");
    ok(push_of(stdcall_exports, &head, entries[0], &lock) == NULL, "first push returned non-NULL\n");
    ok(push_of(stdcall_exports, &head, entries[1], &lock) == (void *)entries[0],
       "push did not return the previous first entry\n");
    ok(push_of(stdcall_exports, &head, entries[2], &lock) == (void *)entries[1],
       "push did not return the previous first entry\n");
    ok(entries[2][0] == entries[1], "pushed entry's Next %p\n", entries[2][0]);
    ok(pop_of(stdcall_exports, &head, &lock) == (void *)entries[2], "pop did not return the first entry\n");
    ok(entries[2][0] == entries[1], "popped entry's Next changed to %p\n", entries[2][0]);
    ok(pop_of(stdcall_exports, &head, &lock) == (void *)entries[1] &&
       pop_of(stdcall_exports, &head, &lock) == (void *)entries[0], "pops out of order\n");
    ok(head.Next == NULL && pop_of(stdcall_exports, &head, &lock) == NULL, "list not empty\n");
    ok(lock == 0, "lock word %#Ix afterwards\n", lock);
done:
    winetest_pop_context();
}

static void test_double_lists(int stdcall_exports)
{
    LIST_ENTRY head;
    void *entries[3][2], *h = &head;
    KSPIN_LOCK lock = 0;
#define insert_head(e) (stdcall_exports ? insert_head_stdcall(&head, (PLIST_ENTRY)(e), &lock) \
                                        : insert_head_header(&head, (PLIST_ENTRY)(e), &lock))
#define insert_tail(e) (stdcall_exports ? insert_tail_stdcall(&head, (PLIST_ENTRY)(e), &lock) \
                                        : insert_tail_header(&head, (PLIST_ENTRY)(e), &lock))
#define remove_head() (void *)(stdcall_exports ? remove_head_stdcall(&head, &lock) : remove_head_header(&head, &lock))

    winetest_push_context(stdcall_exports ? "stdcall Ex*" : "header names");
    if (kmtest_builtin_stub(stdcall_exports ? "ExInterlockedInsertHeadList" : HEADER_INSERT)) goto done;
    kmtest_fill(entries, sizeof(entries), 0x55);
    InitializeListHead(&head);
    ok(remove_head() == NULL, "remove from an empty list\n");
    ok(head.Flink == h && head.Blink == h, "empty head changed to %p %p\n", head.Flink, head.Blink);

    ok(insert_tail(entries[0]) == NULL, "first insert returned non-NULL\n");
    ok((void *)head.Flink == entries[0] && (void *)head.Blink == entries[0], "head %p %p\n", head.Flink, head.Blink);
    ok(entries[0][0] == h && entries[0][1] == h, "entry links %p %p\n", entries[0][0], entries[0][1]);
    ok(remove_head() == entries[0], "remove did not return the only entry\n");
    ok(head.Flink == h && head.Blink == h, "head not empty: %p %p\n", head.Flink, head.Blink);
    ok(entries[0][0] == h && entries[0][1] == h, "removed entry's links changed to %p %p\n", entries[0][0],
       entries[0][1]);

    ok(insert_head(entries[0]) == NULL, "insert into an empty list returned non-NULL\n");
    ok((void *)insert_head(entries[1]) == entries[0], "insert-head did not return the previous first\n");
    ok((void *)head.Flink == entries[1] && (void *)head.Blink == entries[0], "head %p %p\n", head.Flink, head.Blink);
    ok(entries[1][0] == entries[0] && entries[1][1] == h && entries[0][1] == entries[1], "links after insert-head\n");
    ok((void *)insert_tail(entries[2]) == entries[0], "insert-tail did not return the previous last\n");
    ok((void *)head.Blink == entries[2] && entries[0][0] == entries[2] && entries[2][0] == h &&
       entries[2][1] == entries[0], "links after insert-tail\n");
    ok(remove_head() == entries[1], "remove did not return the first entry\n");
    ok(remove_head() == entries[0] && remove_head() == entries[2], "removes out of order\n");
    ok(remove_head() == NULL && head.Flink == h && head.Blink == h, "list not empty\n");
    ok(lock == 0, "lock word %#Ix afterwards\n", lock);
#undef insert_head
#undef insert_tail
#undef remove_head
done:
    winetest_pop_context();
}

/* ---- Several threads on one zone through the interlocked macros ---- */
#define THREADS 4
#define ROUNDS 3000
static PZONE_HEADER stress_zone;
static KSPIN_LOCK stress_lock;
static volatile LONG stress_violations;

/* mingw-w64's ExInterlockedAllocateFromZone expands to &Zone->FreeList without parenthesising
 * Zone (windows-behavior.md 1.3), so ExInterlockedAllocateFromZone(&zone, lock) does not compile:
 * like a real driver built with these headers, pass a PZONE_HEADER variable. */
static void stress_thread(void *ctx, unsigned index)
{
    const LONG_PTR me = (LONG_PTR)index + 1;
    PZONE_HEADER zone = stress_zone;
    void *held[8];
    int n = 0, r;
    (void)ctx;

    for (r = 0; r < ROUNDS; r++)
    {
        if (n < 8 && (n == 0 || (r + me) % 3))
        {
            void **b = ExInterlockedAllocateFromZone(zone, &stress_lock);
            if (!b) continue;
            if (InterlockedExchangePointer(&b[1], (void *)me) != NULL) InterlockedIncrement(&stress_violations);
            held[n++] = b;
        }
        else
        {
            void **b = held[--n];
            if (InterlockedExchangePointer(&b[1], NULL) != (void *)me) InterlockedIncrement(&stress_violations);
            ExInterlockedFreeToZone(zone, b, &stress_lock);
        }
    }
    while (n)
    {
        void **b = held[--n];
        (void)InterlockedExchangePointer(&b[1], NULL);
        ExInterlockedFreeToZone(zone, b, &stress_lock);
    }
}

static void test_zone_stress(void)
{
    const ULONG size = 4096, block = 16 * sizeof(void *) / 4;
    UCHAR *segment = alloc(size);
    NTSTATUS status;
    ULONG n = 0;
    void *p;

    stress_zone = alloc(sizeof(ZONE_HEADER));
    if (!segment || !stress_zone) { ok(0, "no pool for the zone\n"); goto done; }
    kmtest_fill(segment, size, 0);
    status = ExInitializeZone(stress_zone, block, segment, size);
    todo_wine_if(kmtest_wine_builtin()) ok(status == STATUS_SUCCESS, "ExInitializeZone: %#lx\n", status);
    if (status != STATUS_SUCCESS) goto done;
    ok(kmtest_run_threads(THREADS, stress_thread, NULL) == THREADS, "not every thread started\n");
    ok(stress_violations == 0, "%ld blocks owned twice\n", stress_violations);
    ok(stress_lock == 0, "lock word %#Ix afterwards\n", stress_lock);
    while ((p = ExAllocateFromZone(stress_zone)))
    {
        ok(((void **)p)[1] == NULL, "free block %p still marked\n", p);
        ((void **)p)[1] = (void *)1;   /* a block seen twice is caught by this mark */
        n++;
    }
    ok(n == blocks_in(size, block), "%lu blocks came back, %lu carved\n", n, blocks_in(size, block));
done:
    if (segment) ExFreePool(segment);
    if (stress_zone) ExFreePool(stress_zone);
}

void kmtest_group_zone_irp(void);

void kmtest_group_zone(void)
{
    test_initialize();
    test_failures();
    test_extend(0);
    test_extend(1);
    test_lists(0);
    test_lists(1);
    test_zone_stress();
    test_double_lists(0);
    test_double_lists(1);
    kmtest_group_zone_irp();
}
