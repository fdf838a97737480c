/*
 * The pool layout probe of the pool groups (pool.c, pool_flags.c). Windows puts a POOL_HEADER
 * before every small block (tag at offset 4; windows-behavior.md 3.1, 4.6), gives blocks of more
 * than a small block's room whole pages, and cache-aligned types 64 bytes (project decision, 3.1).
 * Wine's builtin takes pool blocks from its process heap: whatever precedes a block is the heap's
 * own bookkeeping and its alignment is the heap's, so a detailed check of these properties holds
 * there for some blocks by chance. Instead, each property is probed here on enough blocks that
 * chance cannot pass it, as one check (todo under the builtin), and the groups run their detailed
 * checks only where the probe passed.
 */
#include <ntddk.h>

#include "kmode_test.h"
#include "pool_layout.h"

#define PROBE_TAG MEMTAG('P', 'l', 'P', 'r')
#define HEADER_SIZE (2 * sizeof(void *))
#define SMALL_MAX (PAGE_SIZE - 4 * sizeof(void *))

static ULONG tag_before(const void *p) { return *(const ULONG *)((const UCHAR *)p - HEADER_SIZE + 4); }

unsigned kmtest_pool_layout(void)
{
    enum { COUNT = 32 };
    void *blocks[COUNT];
    unsigned i, untagged = 0, unaligned_big = 0, unaligned_cache = 0, failed = 0, have = 0;

    for (i = 0; i < COUNT; i++)
    {
        blocks[i] = ExAllocatePoolWithTag(i & 1 ? PagedPool : NonPagedPool, 8 + i * 61, PROBE_TAG);
        if (!blocks[i]) failed++;
        else if (tag_before(blocks[i]) != PROBE_TAG || ((ULONG_PTR)blocks[i] & (PAGE_SIZE - 1)) < HEADER_SIZE ||
                 ((ULONG_PTR)blocks[i] & (PAGE_SIZE - 1)) + 8 + i * 61 > PAGE_SIZE)
            untagged++;
    }
    for (i = 0; i < COUNT; i++) if (blocks[i]) ExFreePoolWithTag(blocks[i], PROBE_TAG);
    for (i = 0; i < COUNT; i++)
    {
        SIZE_T big = i < COUNT / 2 ? SMALL_MAX + 1 + i * 97 : PAGE_SIZE * (1 + i % 4) + i;
        blocks[i] = ExAllocatePoolWithTag(i & 1 ? PagedPool : NonPagedPool, big, PROBE_TAG);
        if (!blocks[i]) failed++;
        else if ((ULONG_PTR)blocks[i] & (PAGE_SIZE - 1)) unaligned_big++;
    }
    for (i = 0; i < COUNT; i++) if (blocks[i]) ExFreePoolWithTag(blocks[i], PROBE_TAG);
    for (i = 0; i < COUNT; i++)
    {
        blocks[i] = ExAllocatePoolWithTag(i & 1 ? PagedPoolCacheAligned : NonPagedPoolCacheAligned, 1 + i * 37, PROBE_TAG);
        if (!blocks[i]) failed++;
        else if ((ULONG_PTR)blocks[i] & 63) unaligned_cache++;
    }
    for (i = 0; i < COUNT; i++) if (blocks[i]) ExFreePoolWithTag(blocks[i], PROBE_TAG);

    ok(failed == 0, "%u of %u probe allocations failed\n", failed, 3 * COUNT);
    todo_wine_if(kmtest_wine_builtin())
    ok(untagged == 0, "%u of %u small blocks not in one page after a POOL_HEADER with their tag: header checks left out\n",
       untagged, COUNT);
    todo_wine_if(kmtest_wine_builtin())
    ok(unaligned_big == 0 && unaligned_cache == 0,
       "%u of %u big blocks not page aligned, %u of %u cache-aligned blocks not 64-byte aligned: alignment checks left out\n",
       unaligned_big, COUNT, unaligned_cache, COUNT);
    if (!untagged) have |= KMTEST_POOL_HEADER;
    if (!unaligned_big && !unaligned_cache) have |= KMTEST_POOL_ALIGNED;
    return have;
}
