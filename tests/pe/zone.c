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
 *   macros never get one block twice and lose none.
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

static void test_interlocked_stress(void)
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
    static const char *const imports[] = {"ExInitializeZone", "ExExtendZone", "ExInterlockedExtendZone",
#ifdef _WIN64
        "ExInterlockedPopEntryList", "ExInterlockedPushEntryList",
#else
        "ExfInterlockedPopEntryList", "ExfInterlockedPushEntryList", "ExInterlockedPopEntryList",
        "ExInterlockedPushEntryList",
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
    test_interlocked_stress();
}
