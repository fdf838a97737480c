/*
 * Zones and spin-lock-guarded singly linked lists (windows-behavior.md 1.3, 1.5, 3.7, 3.9, 4.5),
 * driven through the DDK's own inlines and macros (zone_driver.c) against the project's module:
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
 *   (Tail.Overlay.ListEntry) stays first in, first out and loses nothing between threads;
 * - the interlocked integers: the value before (Add*, Exchange, CompareExchange, ExchangeAdd) or
 *   after (Increment, Decrement), carries, the full 64-bit compare; exact totals from several
 *   threads.
 */
#include <windows.h>
#include <stdint.h>

#include "pe_imports.h"
#include "wine_test.h"
#include "zone_driver.h"

#define SEGMENT 1000   /* not a multiple of the block sizes used: the tail stays unused */

static uint32_t blocks_in(uint32_t segment_size, uint32_t block)
{
    return (uint32_t)((segment_size - zd_segment_header_size()) / block);
}

static void test_initialize(void)
{
    const uint32_t block = 48, n = blocks_in(SEGMENT, block);
    const size_t hdr = zd_segment_header_size();
    void *zone = zd_ExAllocatePool_nonpaged(zd_zone_header_size());
    BYTE *segment = zd_ExAllocatePool_nonpaged(SEGMENT);
    void *free_next, *segment_next, *p, *prev = NULL;
    uint32_t block_size, total, i;
    long status;

    ok(hdr == sizeof(void *) * 2, "ZONE_SEGMENT_HEADER is %Iu bytes\n", hdr);
    status = zd_ExInitializeZone(zone, block, segment, SEGMENT);
    ok(status == ZD_STATUS_SUCCESS, "ExInitializeZone: %#lx\n", status);
    zd_zone_fields(zone, &free_next, &segment_next, &block_size, &total);
    ok(block_size == block, "BlockSize %u\n", block_size);
    ok(total == hdr + n * block, "TotalSegmentSize %u, expected %u\n", total, (uint32_t)(hdr + n * block));
    ok(segment_next == segment, "SegmentList.Next %p, segment %p\n", segment_next, segment);
    ok(((void **)segment)[0] == NULL, "segment header link %p\n", ((void **)segment)[0]);
    ok(free_next == segment + hdr + (n - 1) * block, "FreeList.Next %p, highest block %p\n", free_next,
       segment + hdr + (n - 1) * block);
    ok(!zd_ExIsFullZone(zone), "new zone is full\n");

    for (i = n; i-- > 0;)
    {
        p = zd_ExAllocateFromZone(zone);
        ok(p == segment + hdr + i * block, "allocation %u: %p, expected %p\n", n - 1 - i, p, segment + hdr + i * block);
        ok(zd_ExIsObjectInFirstZoneSegment(zone, p), "%p not in the first segment\n", p);
    }
    ok(zd_ExIsFullZone(zone), "zone not full after %u allocations\n", n);
    ok(zd_ExAllocateFromZone(zone) == NULL, "allocation from a full zone\n");
    ok(!zd_ExIsObjectInFirstZoneSegment(zone, segment + total), "end of the segment counted in it\n");
    ok(!zd_ExIsObjectInFirstZoneSegment(zone, zone), "the zone header counted in the segment\n");

    /* ExFreeToZone returns the previous first free block; frees come back last in, first out. */
    for (i = 0; i < 3; i++)
    {
        p = segment + hdr + i * block;
        ok(zd_ExFreeToZone(zone, p) == prev, "free %u returned the wrong previous block\n", i);
        prev = p;
    }
    ok(zd_ExAllocateFromZone(zone) == segment + hdr + 2 * block, "not last in, first out\n");
    zd_ExFreePool(segment);
    zd_ExFreePool(zone);
}

static void test_failures(void)
{
    void *zone = zd_ExAllocatePool_nonpaged(zd_zone_header_size());
    BYTE *segment = zd_ExAllocatePool_nonpaged(2 * SEGMENT), *second = segment + SEGMENT;
    void *free_next, *segment_next;
    uint32_t block_size, total, total_before;
    long status;

    status = zd_ExInitializeZone(zone, 64, segment + 4, 512);
    ok(status == ZD_STATUS_UNSUCCESSFUL, "misaligned segment: %#lx\n", status);
    status = zd_ExInitializeZone(zone, 60, segment, 512);
    ok(status == ZD_STATUS_UNSUCCESSFUL, "BlockSize 60: %#lx\n", status);
    status = zd_ExInitializeZone(zone, 520, segment, 512);
    ok(status == ZD_STATUS_UNSUCCESSFUL, "BlockSize above the segment size: %#lx\n", status);

    status = zd_ExInitializeZone(zone, 64, segment, 512);
    ok(status == ZD_STATUS_SUCCESS, "ExInitializeZone: %#lx\n", status);
    zd_zone_fields(zone, &free_next, &segment_next, &block_size, &total_before);
    status = zd_ExExtendZone(zone, second + 4, 256);
    ok(status == ZD_STATUS_UNSUCCESSFUL, "ExExtendZone, misaligned segment: %#lx\n", status);
    status = zd_ExExtendZone(zone, second, 32);
    ok(status == ZD_STATUS_UNSUCCESSFUL, "ExExtendZone, segment below BlockSize: %#lx\n", status);
    zd_zone_fields(zone, &free_next, &segment_next, &block_size, &total);
    ok(total == total_before && segment_next == segment, "a failed extension changed the zone\n");
    zd_ExFreePool(segment);
    zd_ExFreePool(zone);
}

static void test_extend(int interlocked)
{
    const size_t hdr = zd_segment_header_size();
    void *zone = zd_ExAllocatePool_nonpaged(zd_zone_header_size());
    BYTE *first = zd_ExAllocatePool_nonpaged(256), *second = zd_ExAllocatePool_nonpaged(512);
    uintptr_t lock = 0;
    void *free_next, *segment_next, *p;
    uint32_t block_size, total;
    long status;

    winetest_push_context(interlocked ? "ExInterlockedExtendZone" : "ExExtendZone");
    ok(zd_ExInitializeZone(zone, 32, first, 256) == ZD_STATUS_SUCCESS, "ExInitializeZone failed\n");
    status = interlocked ? zd_ExInterlockedExtendZone(zone, second, 512, &lock) : zd_ExExtendZone(zone, second, 512);
    ok(status == ZD_STATUS_SUCCESS, "status %#lx\n", status);
    ok(lock == 0, "lock word %#Ix afterwards\n", lock);
    zd_zone_fields(zone, &free_next, &segment_next, &block_size, &total);
    ok(total == 2 * hdr + (blocks_in(256, 32) + blocks_in(512, 32)) * 32, "TotalSegmentSize %u\n", total);
    ok(segment_next == second, "SegmentList.Next %p, new segment %p\n", segment_next, second);
    ok(*(void **)second == first, "new segment's link %p, first segment %p\n", *(void **)second, first);
    p = zd_ExAllocateFromZone(zone);
    ok(p == second + hdr + (blocks_in(512, 32) - 1) * 32, "first block after extension %p\n", p);
    winetest_pop_context();
    zd_ExFreePool(second);
    zd_ExFreePool(first);
    zd_ExFreePool(zone);
}

static void test_lists(int stdcall_exports)
{
    void *head = NULL, *entries[3][2] = {{0}};
    uintptr_t lock = 0;
    void *(*pop)(void *, uintptr_t *) = stdcall_exports ? zd_ExInterlockedPopEntryList_stdcall : zd_ExInterlockedPopEntryList;
    void *(*push)(void *, void *, uintptr_t *) =
        stdcall_exports ? zd_ExInterlockedPushEntryList_stdcall : zd_ExInterlockedPushEntryList;

    winetest_push_context(stdcall_exports ? "stdcall Ex*" : "header names");
    ok(pop(&head, &lock) == NULL, "pop from an empty list\n");
    ok(push(&head, entries[0], &lock) == NULL, "first push returned non-NULL\n");
    ok(push(&head, entries[1], &lock) == entries[0], "push did not return the previous first entry\n");
    ok(push(&head, entries[2], &lock) == entries[1], "push did not return the previous first entry\n");
    ok(entries[2][0] == entries[1], "pushed entry's Next %p\n", entries[2][0]);
    ok(pop(&head, &lock) == entries[2], "pop did not return the first entry\n");
    ok(entries[2][0] == entries[1], "popped entry's Next changed to %p\n", entries[2][0]);
    ok(pop(&head, &lock) == entries[1] && pop(&head, &lock) == entries[0], "pops out of order\n");
    ok(head == NULL && pop(&head, &lock) == NULL, "list not empty\n");
    ok(lock == 0, "lock word %#Ix afterwards\n", lock);
    winetest_pop_context();
}

static void test_double_lists(int stdcall_exports)
{
    void *head[2], *entries[3][2];
    uintptr_t lock = 0;
    void *(*insert_head)(void *, void *, uintptr_t *) =
        stdcall_exports ? zd_ExInterlockedInsertHeadList_stdcall : zd_ExInterlockedInsertHeadList;
    void *(*insert_tail)(void *, void *, uintptr_t *) =
        stdcall_exports ? zd_ExInterlockedInsertTailList_stdcall : zd_ExInterlockedInsertTailList;
    void *(*remove_head)(void *, uintptr_t *) =
        stdcall_exports ? zd_ExInterlockedRemoveHeadList_stdcall : zd_ExInterlockedRemoveHeadList;

    winetest_push_context(stdcall_exports ? "stdcall Ex*" : "header names");
    memset(entries, 0x55, sizeof(entries));
    zd_InitializeListHead(head);
    ok(remove_head(head, &lock) == NULL, "remove from an empty list\n");
    ok(head[0] == head && head[1] == head, "empty head changed to %p %p\n", head[0], head[1]);

    ok(insert_tail(head, entries[0], &lock) == NULL, "first insert returned non-NULL\n");
    ok(head[0] == entries[0] && head[1] == entries[0], "head %p %p\n", head[0], head[1]);
    ok(entries[0][0] == head && entries[0][1] == head, "entry links %p %p\n", entries[0][0], entries[0][1]);
    ok(remove_head(head, &lock) == entries[0], "remove did not return the only entry\n");
    ok(head[0] == head && head[1] == head, "head not empty: %p %p\n", head[0], head[1]);
    ok(entries[0][0] == head && entries[0][1] == head, "removed entry's links changed to %p %p\n", entries[0][0],
       entries[0][1]);

    ok(insert_head(head, entries[0], &lock) == NULL, "insert into an empty list returned non-NULL\n");
    ok(insert_head(head, entries[1], &lock) == entries[0], "insert-head did not return the previous first\n");
    ok(head[0] == entries[1] && head[1] == entries[0], "head %p %p\n", head[0], head[1]);
    ok(entries[1][0] == entries[0] && entries[1][1] == head && entries[0][1] == entries[1], "links after insert-head\n");
    ok(insert_tail(head, entries[2], &lock) == entries[0], "insert-tail did not return the previous last\n");
    ok(head[1] == entries[2] && entries[0][0] == entries[2] && entries[2][0] == head && entries[2][1] == entries[0],
       "links after insert-tail\n");
    ok(remove_head(head, &lock) == entries[1], "remove did not return the first entry\n");
    ok(remove_head(head, &lock) == entries[0] && remove_head(head, &lock) == entries[2], "removes out of order\n");
    ok(remove_head(head, &lock) == NULL && head[0] == head && head[1] == head, "list not empty\n");
    ok(lock == 0, "lock word %#Ix afterwards\n", lock);
    winetest_pop_context();
}

static void test_irp_queue(void)
{
    void *queue = zd_irp_queue_create(), *irps[4], *irp;
    unsigned i;

    ok(queue != NULL, "no queue\n");
    if (!queue) return;
    for (i = 0; i < 4; i++) irps[i] = zd_irp_allocate(i);
    ok(zd_irp_queue_remove(queue) == NULL, "IRP from an empty queue\n");
    ok(zd_irp_queue_insert(queue, irps[0]) == NULL, "first insert returned an IRP\n");
    ok(zd_irp_queue_insert(queue, irps[1]) == irps[0], "insert did not return the previous last IRP\n");
    ok(zd_irp_queue_insert(queue, irps[2]) == irps[1], "insert did not return the previous last IRP\n");
    /* A StartIo that cannot start an IRP puts it back in front. */
    ok(zd_irp_queue_requeue_front(queue, irps[3]) == irps[0], "requeue did not return the previous first IRP\n");
    for (i = 0; i < 4; i++)
    {
        irp = zd_irp_queue_remove(queue);
        ok(irp == irps[(i + 3) % 4], "removal %u: IRP tag %Iu\n", i, irp ? zd_irp_tag(irp) : (uintptr_t)-1);
    }
    ok(zd_irp_queue_remove(queue) == NULL, "queue not empty\n");
    ok(zd_irp_queue_lock_word(queue) == 0, "lock word %#Ix afterwards\n", zd_irp_queue_lock_word(queue));
    for (i = 0; i < 4; i++) zd_irp_free(irps[i]);
    zd_irp_queue_free(queue);
}

/* Producers queue IRPs tagged (producer, sequence) at the tail while consumers take them from the
 * head: every IRP is taken exactly once, and each consumer sees a producer's IRPs in order. */
#define QUEUE_PRODUCERS 2
#define QUEUE_CONSUMERS 2
#define QUEUE_IRPS 2000
static void *queue_under_stress;
static void *queue_irps[QUEUE_PRODUCERS][QUEUE_IRPS];
static volatile LONG queue_taken[QUEUE_PRODUCERS][QUEUE_IRPS];
static volatile LONG queue_consumed, queue_violations;

static DWORD WINAPI queue_producer(void *arg)
{
    const unsigned me = (unsigned)(uintptr_t)arg;
    unsigned i;
    for (i = 0; i < QUEUE_IRPS; i++) zd_irp_queue_insert(queue_under_stress, queue_irps[me][i]);
    return 0;
}

static DWORD WINAPI queue_consumer(void *arg)
{
    long last[QUEUE_PRODUCERS];
    unsigned p;
    (void)arg;
    for (p = 0; p < QUEUE_PRODUCERS; p++) last[p] = -1;
    while (queue_consumed < QUEUE_PRODUCERS * QUEUE_IRPS)
    {
        void *irp = zd_irp_queue_remove(queue_under_stress);
        uintptr_t tag;
        if (!irp)
        {
            SwitchToThread();
            continue;
        }
        tag = zd_irp_tag(irp);
        p = (unsigned)(tag >> 16);
        if ((long)(tag & 0xFFFF) <= last[p]) InterlockedIncrement(&queue_violations);
        last[p] = (long)(tag & 0xFFFF);
        if (InterlockedIncrement(&queue_taken[p][tag & 0xFFFF]) != 1) InterlockedIncrement(&queue_violations);
        InterlockedIncrement(&queue_consumed);
    }
    return 0;
}

static void test_irp_queue_stress(void)
{
    HANDLE threads[QUEUE_PRODUCERS + QUEUE_CONSUMERS];
    unsigned p, i, missing = 0;

    queue_under_stress = zd_irp_queue_create();
    for (p = 0; p < QUEUE_PRODUCERS; p++)
        for (i = 0; i < QUEUE_IRPS; i++) queue_irps[p][i] = zd_irp_allocate((uintptr_t)p << 16 | i);
    for (i = 0; i < QUEUE_CONSUMERS; i++) threads[i] = CreateThread(NULL, 0, queue_consumer, NULL, 0, NULL);
    for (p = 0; p < QUEUE_PRODUCERS; p++)
        threads[QUEUE_CONSUMERS + p] = CreateThread(NULL, 0, queue_producer, (void *)(uintptr_t)p, 0, NULL);
    WaitForMultipleObjects(QUEUE_PRODUCERS + QUEUE_CONSUMERS, threads, TRUE, INFINITE);
    for (i = 0; i < QUEUE_PRODUCERS + QUEUE_CONSUMERS; i++) CloseHandle(threads[i]);
    ok(queue_violations == 0, "%ld IRPs taken twice or out of order\n", queue_violations);
    for (p = 0; p < QUEUE_PRODUCERS; p++)
        for (i = 0; i < QUEUE_IRPS; i++) missing += queue_taken[p][i] != 1;
    ok(missing == 0, "%u IRPs not taken exactly once\n", missing);
    ok(zd_irp_queue_remove(queue_under_stress) == NULL, "queue not empty\n");
    ok(zd_irp_queue_lock_word(queue_under_stress) == 0, "lock word %#Ix afterwards\n",
       zd_irp_queue_lock_word(queue_under_stress));
    for (p = 0; p < QUEUE_PRODUCERS; p++)
        for (i = 0; i < QUEUE_IRPS; i++) zd_irp_free(queue_irps[p][i]);
    zd_irp_queue_free(queue_under_stress);
}

static void test_interlocked_integers(int exports)
{
    uintptr_t lock = 0;
    uint32_t (*add_ulong)(uint32_t *, uint32_t, uintptr_t *) =
        exports ? zd_ExInterlockedAddUlong_stdcall : zd_ExInterlockedAddUlong;
    int64_t (*compare_exchange64)(int64_t *, int64_t *, int64_t *, uintptr_t *) =
        exports ? zd_ExInterlockedCompareExchange64_export : zd_ExInterlockedCompareExchange64;
    uint32_t small = 239;
    int64_t large = 23, exchange = 20, comparand = 4;
    int32_t value = 2341;

    winetest_push_context(exports ? "exports the i386 macros bypass" : "header names");
    ok(add_ulong(&small, 44, &lock) == 239 && small == 283, "ExInterlockedAddUlong: %u\n", small);
    small = 0xFFFFFFF0u;
    ok(add_ulong(&small, 0x20, &lock) == 0xFFFFFFF0u && small == 0x10, "ExInterlockedAddUlong wrap: %#x\n", small);
    ok(zd_ExInterlockedAddLargeInteger(&large, 7, &lock) == 23 && large == 30, "AddLargeInteger: %I64d\n", large);
    large = 0xFFFFFFFFLL;
    ok(zd_ExInterlockedAddLargeInteger(&large, 1, &lock) == 0xFFFFFFFFLL && large == 0x100000000LL,
       "AddLargeInteger carry: %#I64x\n", large);
    ok(zd_ExInterlockedAddLargeInteger(&large, -0x100000001LL, &lock) == 0x100000000LL && large == -1,
       "AddLargeInteger negative: %I64d\n", large);
    ok(lock == 0, "lock word %#Ix after the locked adds\n", lock);

    large = 15;
    zd_ExInterlockedAddLargeStatistic(&large, 17);
    ok(large == 32, "AddLargeStatistic: %I64d\n", large);
    large = 0xFFFFFFFFLL;
    zd_ExInterlockedAddLargeStatistic(&large, 0xFFFFFFFFu);   /* unsigned, carried into HighPart */
    ok(large == 0x1FFFFFFFELL, "AddLargeStatistic carry: %#I64x\n", large);

    large = 17;
    ok(compare_exchange64(&large, &exchange, &comparand, NULL) == 17 && large == 17, "CompareExchange64 unequal\n");
    exchange = 21;
    comparand = 17;
    ok(compare_exchange64(&large, &exchange, &comparand, NULL) == 17 && large == 21, "CompareExchange64 equal\n");
    large = 0x100000005LL;
    comparand = 5;
    ok(compare_exchange64(&large, &exchange, &comparand, NULL) == 0x100000005LL && large == 0x100000005LL,
       "CompareExchange64 compared only the low half\n");
    ok(exchange == 21 && comparand == 5, "CompareExchange64 changed its operands\n");
    winetest_pop_context();

    if (exports) return;   /* the Interlocked* have one form */
    ok(zd_InterlockedIncrement(&value) == 2342 && value == 2342, "InterlockedIncrement: %d\n", value);
    value = 0x7FFFFFFF;
    ok(zd_InterlockedIncrement(&value) == (int32_t)0x80000000, "InterlockedIncrement wrap: %d\n", value);
    ok(zd_InterlockedDecrement(&value) == 0x7FFFFFFF, "InterlockedDecrement wrap: %d\n", value);
    value = 0;
    ok(zd_InterlockedDecrement(&value) == -1, "InterlockedDecrement: %d\n", value);
    value = 5;
    ok(zd_InterlockedExchange(&value, 8) == 5 && value == 8, "InterlockedExchange: %d\n", value);
    ok(zd_InterlockedCompareExchange(&value, 9, 6) == 8 && value == 8, "InterlockedCompareExchange unequal\n");
    ok(zd_InterlockedCompareExchange(&value, 9, 8) == 8 && value == 9, "InterlockedCompareExchange equal\n");
    value = 312;
    ok(zd_InterlockedExchangeAdd(&value, 7) == 312 && value == 319, "InterlockedExchangeAdd: %d\n", value);
    ok(zd_InterlockedExchangeAdd(&value, -320) == 319 && value == -1, "InterlockedExchangeAdd negative\n");
}

/* Every routine from several threads on shared counters: the totals must come out exact. */
#define COUNTER_THREADS 4
#define COUNTER_ROUNDS 5000
static uintptr_t counter_lock;
static uint32_t counter_small;
static int64_t counter_large, counter_statistic, counter_swapped;
static int32_t counter_incremented, counter_added;

static DWORD WINAPI counter_thread(void *arg)
{
    int r;
    (void)arg;
    for (r = 0; r < COUNTER_ROUNDS; r++)
    {
        int64_t seen = counter_swapped, next, original;
        zd_ExInterlockedAddUlong(&counter_small, 1, &counter_lock);
        zd_ExInterlockedAddLargeInteger(&counter_large, 0x100000000LL, &counter_lock);
        zd_ExInterlockedAddLargeStatistic(&counter_statistic, 0x80000000u);
        zd_InterlockedIncrement(&counter_incremented);
        zd_InterlockedExchangeAdd(&counter_added, 3);
        for (;; seen = original)   /* an increment through compare-exchange */
        {
            next = seen + 1;
            original = zd_ExInterlockedCompareExchange64(&counter_swapped, &next, &seen, NULL);
            if (original == seen) break;
        }
    }
    return 0;
}

static void test_interlocked_stress(void)
{
    const int64_t total = (int64_t)COUNTER_THREADS * COUNTER_ROUNDS;
    HANDLE threads[COUNTER_THREADS];
    unsigned i;

    for (i = 0; i < COUNTER_THREADS; i++) threads[i] = CreateThread(NULL, 0, counter_thread, NULL, 0, NULL);
    WaitForMultipleObjects(COUNTER_THREADS, threads, TRUE, INFINITE);
    for (i = 0; i < COUNTER_THREADS; i++) CloseHandle(threads[i]);
    ok(counter_small == total, "ExInterlockedAddUlong total %u\n", counter_small);
    ok(counter_large == total << 32, "ExInterlockedAddLargeInteger total %#I64x\n", counter_large);
    ok(counter_statistic == total * 0x80000000LL, "AddLargeStatistic total %#I64x\n", counter_statistic);
    ok(counter_incremented == total && counter_added == 3 * total, "Interlocked totals %d, %d\n", counter_incremented,
       counter_added);
    ok(counter_swapped == total, "CompareExchange64 total %I64d\n", counter_swapped);
    ok(counter_lock == 0, "lock word %#Ix afterwards\n", counter_lock);
}

/* ---- Several threads on one zone through the interlocked macros ---- */
#define THREADS 4
#define ROUNDS 3000
static void *stress_zone;
static uintptr_t stress_lock;
static volatile LONG stress_violations;

static DWORD WINAPI stress_thread(void *arg)
{
    const LONG_PTR me = (LONG_PTR)arg + 1;
    void *held[8];
    int n = 0, r;

    for (r = 0; r < ROUNDS; r++)
    {
        if (n < 8 && (n == 0 || (r + me) % 3))
        {
            void **b = zd_ExInterlockedAllocateFromZone(stress_zone, &stress_lock);
            if (!b) continue;
            if (InterlockedExchangePointer(&b[1], (void *)me) != NULL) InterlockedIncrement(&stress_violations);
            held[n++] = b;
        }
        else
        {
            void **b = held[--n];
            if (InterlockedExchangePointer(&b[1], NULL) != (void *)me) InterlockedIncrement(&stress_violations);
            zd_ExInterlockedFreeToZone(stress_zone, b, &stress_lock);
        }
    }
    while (n)
    {
        void **b = held[--n];
        InterlockedExchangePointer(&b[1], NULL);
        zd_ExInterlockedFreeToZone(stress_zone, b, &stress_lock);
    }
    return 0;
}

static void test_zone_stress(void)
{
    const uint32_t size = 4096, block = 16 * sizeof(void *) / 4;
    BYTE *segment = zd_ExAllocatePool_nonpaged(size);
    HANDLE threads[THREADS];
    uint32_t n = 0, i;
    void *p;

    stress_zone = zd_ExAllocatePool_nonpaged(zd_zone_header_size());
    memset(segment, 0, size);
    ok(zd_ExInitializeZone(stress_zone, block, segment, size) == ZD_STATUS_SUCCESS, "ExInitializeZone failed\n");
    for (i = 0; i < THREADS; i++) threads[i] = CreateThread(NULL, 0, stress_thread, (void *)(LONG_PTR)i, 0, NULL);
    WaitForMultipleObjects(THREADS, threads, TRUE, INFINITE);
    for (i = 0; i < THREADS; i++) CloseHandle(threads[i]);
    ok(stress_violations == 0, "%ld blocks owned twice\n", stress_violations);
    ok(stress_lock == 0, "lock word %#Ix afterwards\n", stress_lock);
    while ((p = zd_ExAllocateFromZone(stress_zone)))
    {
        ok(((void **)p)[1] == NULL, "free block %p still marked\n", p);
        ((void **)p)[1] = (void *)1;   /* a block seen twice is caught by this mark */
        n++;
    }
    ok(n == blocks_in(size, block), "%u blocks came back, %u carved\n", n, blocks_in(size, block));
    zd_ExFreePool(segment);
    zd_ExFreePool(stress_zone);
}

static void test_binding(void)
{
    /* What the driver halves import (their undefined symbols, checked with nm when written):
     * the header's names, plus on i386 the exports called through their import symbols. */
    static const char *const imports[] = {"ExInitializeZone", "ExExtendZone", "ExInterlockedExtendZone",
        "ExInterlockedAddLargeInteger",
#ifdef _WIN64
        "ExInterlockedPopEntryList", "ExInterlockedPushEntryList", "ExInterlockedInsertHeadList",
        "ExInterlockedInsertTailList", "ExInterlockedRemoveHeadList", "ExInterlockedAddUlong",
#else
        "ExfInterlockedPopEntryList", "ExfInterlockedPushEntryList", "ExInterlockedPopEntryList",
        "ExInterlockedPushEntryList", "ExfInterlockedInsertHeadList", "ExfInterlockedInsertTailList",
        "ExfInterlockedRemoveHeadList", "ExInterlockedInsertHeadList", "ExInterlockedInsertTailList",
        "ExInterlockedRemoveHeadList", "ExfInterlockedAddUlong", "ExInterlockedAddUlong",
        "ExInterlockedAddLargeStatistic", "ExfInterlockedCompareExchange64", "ExInterlockedCompareExchange64",
        "InterlockedIncrement", "InterlockedDecrement", "InterlockedExchange", "InterlockedCompareExchange",
        "InterlockedExchangeAdd",
#endif
    };
    HMODULE exe = GetModuleHandleA(NULL), kernel = GetModuleHandleA("ntoskrnl.exe");
    unsigned i;

    ok(kernel && !pe_is_wine_builtin(kernel), "the project's ntoskrnl.exe is not loaded\n");
    if (!kernel) return;
    for (i = 0; i < sizeof(imports) / sizeof(imports[0]); i++)
    {
        void *bound = pe_bound_import(exe, "ntoskrnl.exe", imports[i]);
        ok(bound && pe_contains(kernel, bound), "%s bound to %p\n", imports[i], bound);
    }
}

START_TEST(zone)
{
    test_binding();
    test_initialize();
    test_failures();
    test_extend(0);
    test_extend(1);
    test_lists(0);
    test_lists(1);
    test_zone_stress();
    test_double_lists(0);
    test_double_lists(1);
    test_irp_queue();
    test_irp_queue_stress();
    test_interlocked_integers(0);
    test_interlocked_integers(1);
    test_interlocked_stress();
}
