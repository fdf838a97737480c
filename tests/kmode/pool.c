/*
 * Executive pool (converted from tests/pe/pool.c; expected behaviour windows-behavior.md 3.1-3.4,
 * 4.6 and 8; "project decision" where the reference leaves Windows open): every small size at
 * once (placement in the page, the tag and BlockSize in the POOL_HEADER, no overlap), page-aligned
 * big blocks, the default "None" tag, zero-byte requests, cache alignment, ExQueryPoolBlockSize,
 * ExAllocatePool2 where the kernel has it.
 */
#include "kmode_test.h"
#include "pool_layout.h"

#define TAG_TEST MEMTAG('P', 'l', 'T', 's')
#define TAG_NONE MEMTAG('N', 'o', 'n', 'e')
#define HEADER_SIZE KMTEST_POOL_HEADER_SIZE
#define SMALL_MAX KMTEST_POOL_SMALL_MAX
#define POOL_FLAG_NON_PAGED 0x40ull
#define POOL_FLAG_PAGED 0x100ull

/* ntifs.h's; not in ntddk.h. */
NTKERNELAPI SIZE_T NTAPI ExQueryPoolBlockSize(PVOID PoolBlock, PBOOLEAN QuotaCharged);

typedef PVOID (NTAPI *ExAllocatePool2_fn)(ULONG64, SIZE_T, ULONG);

/* What the pool has of Windows' layout (kmtest_pool_layout), probed when the group starts. */
static unsigned layout;

static void *blocks[PAGE_SIZE];

static void test_small_blocks(void)
{
    static const ULONG types[] = {NonPagedPool, PagedPool, NonPagedPoolNx, NonPagedPool | 0x200 /* POOL_NX_ALLOCATION */};
    static const SIZE_T sizes[] = {1, 7, 8, 13, 16, 17, 100, 256, 257, 1000, 2048, SMALL_MAX - 1, SMALL_MAX};
    SIZE_T n, bad = 0, missing = 0;
    unsigned t, i;

    for (n = 1; n <= SMALL_MAX; n++)
    {
        blocks[n] = ExAllocatePoolWithTag(NonPagedPool, n, TAG_TEST);
        if (!blocks[n]) { missing++; continue; }
        if (n % 97 == 1 || n > SMALL_MAX - 40) kmtest_pool_check_small(layout, blocks[n], n, TAG_TEST);
        else if (!((ULONG_PTR)blocks[n] % HEADER_SIZE == 0 &&
                   (!(layout & KMTEST_POOL_HEADER) || (kmtest_page_offset(blocks[n]) >= HEADER_SIZE &&
                                                        kmtest_page_offset(blocks[n]) + n <= PAGE_SIZE &&
                                                        kmtest_pool_header_tag(blocks[n]) == TAG_TEST))))
            bad++;
        kmtest_fill_pattern(blocks[n], n, (UCHAR)n);
    }
    ok(missing == 0, "%Iu of %Iu small allocations failed\n", missing, (SIZE_T)SMALL_MAX);
    ok(bad == 0, "%Iu small blocks misplaced or without their tag\n", bad);
    for (n = 1, bad = 0; n <= SMALL_MAX; n++)
    {
        if (!blocks[n]) continue;
        if (!kmtest_check_pattern(blocks[n], n, (UCHAR)n) ||
            ((layout & KMTEST_POOL_HEADER) && kmtest_pool_header_tag(blocks[n]) != TAG_TEST))
            bad++;
        ExFreePoolWithTag(blocks[n], TAG_TEST);
    }
    ok(bad == 0, "%Iu small blocks overwritten by their neighbours\n", bad);

    for (t = 0; t < KMTEST_ARRAY_SIZE(types); t++)
    {
        winetest_push_context("type %#lx", types[t]);
        for (i = 0; i < KMTEST_ARRAY_SIZE(sizes); i++)
        {
            void *p = ExAllocatePoolWithTag((POOL_TYPE)types[t], sizes[i], TAG_TEST);
            ok(p != NULL, "%Iu bytes: NULL\n", sizes[i]);
            if (!p) continue;
            kmtest_pool_check_small(layout, p, sizes[i], TAG_TEST);
            kmtest_fill_pattern(p, sizes[i], 0x5A);
            ok(kmtest_check_pattern(p, sizes[i], 0x5A), "%Iu bytes: contents lost\n", sizes[i]);
            ExFreePoolWithTag(p, TAG_TEST);
        }
        winetest_pop_context();
    }
}

/* One byte above the small limit, and anything of a page or more, is page aligned (3.1, 8.2). */
static void test_big_blocks(void)
{
    static const SIZE_T sizes[] = {SMALL_MAX + 1, PAGE_SIZE - 3 * sizeof(void *), PAGE_SIZE - 1, PAGE_SIZE, PAGE_SIZE + 1,
                                   3 * PAGE_SIZE + 5, 65536, 1 << 20};
    static const ULONG types[] = {NonPagedPool, PagedPool, NonPagedPoolNx};
    unsigned i, t;
    for (t = 0; t < KMTEST_ARRAY_SIZE(types); t++)
        for (i = 0; i < KMTEST_ARRAY_SIZE(sizes); i++)
        {
            UCHAR *p = ExAllocatePoolWithTag((POOL_TYPE)types[t], sizes[i], TAG_TEST);
            ok(p != NULL, "type %#lx, %Iu bytes: NULL\n", types[t], sizes[i]);
            if (!p) continue;
            if (layout & KMTEST_POOL_ALIGNED)
                ok(kmtest_page_offset(p) == 0, "type %#lx, %Iu bytes: %p not page aligned\n", types[t], sizes[i], p);
            kmtest_fill_pattern(p, sizes[i], 3);
            ok(kmtest_check_pattern(p, sizes[i], 3), "type %#lx, %Iu bytes: contents lost\n", types[t], sizes[i]);
            ExFreePoolWithTag(p, TAG_TEST);
        }
    /* Freed big blocks go back: 300 x 16 MB would exhaust a 32-bit address space if they leaked. */
    for (i = 0; i < 300; i++)
    {
        UCHAR *p = ExAllocatePoolWithTag(PagedPool, 16 << 20, TAG_TEST);
        if (!p) break;
        p[(16 << 20) - 1] = 1;
        ExFreePool(p);
    }
    ok(i == 300, "16 MB allocation %u of 300 failed\n", i);
}

/* ExAllocatePool and ExAllocatePoolWithQuota tag their blocks "None" (3.1). */
static void check_tagged(const char *what, void *p, ULONG tag)
{
    ok(p != NULL, "%s: NULL\n", what);
    if (!p) return;
    winetest_push_context("%s", what);
    kmtest_pool_check_small(layout, p, 40, tag);
    winetest_pop_context();
    ExFreePool(p);
}

static void test_default_tags(void)
{
    check_tagged("ExAllocatePool", ExAllocatePool(NonPagedPool, 40), TAG_NONE);
    check_tagged("ExAllocatePoolWithQuota", ExAllocatePoolWithQuota(PagedPool, 40), TAG_NONE);
    check_tagged("ExAllocatePoolWithQuotaTag", ExAllocatePoolWithQuotaTag(NonPagedPool, 40, TAG_TEST), TAG_TEST);
    if (!kmtest_builtin_stub("ExAllocatePoolWithTagPriority"))
    check_tagged("ExAllocatePoolWithTagPriority",
                 ExAllocatePoolWithTagPriority(PagedPool, 40, TAG_TEST, NormalPoolPriority), TAG_TEST);
}

/* Project decision (3.1): without the verifier a zero-byte request is a one-byte request. */
static void test_zero_bytes(void)
{
    UCHAR *p = ExAllocatePoolWithTag(NonPagedPool, 0, TAG_TEST);
    ok(p != NULL || broken(p == NULL), "ExAllocatePoolWithTag(0): NULL\n");
    if (p)
    {
        kmtest_pool_check_small(layout, p, 1, TAG_TEST);
        p[0] = 0x42;
        ExFreePoolWithTag(p, TAG_TEST);
    }
}

/* Cache-aligned types (3.1; project decision: 64 bytes). */
static void test_cache_aligned(void)
{
    static const SIZE_T sizes[] = {1, 8, 63, 64, 100, 1000, 3000, SMALL_MAX, 5000};
    static const ULONG types[] = {NonPagedPoolCacheAligned, PagedPoolCacheAligned, NonPagedPoolNxCacheAligned};
    unsigned i, t;
    for (t = 0; t < KMTEST_ARRAY_SIZE(types); t++)
        for (i = 0; i < KMTEST_ARRAY_SIZE(sizes); i++)
        {
            void *p = ExAllocatePoolWithTag((POOL_TYPE)types[t], sizes[i], TAG_TEST);
            ok(p != NULL, "type %#lx, %Iu bytes: NULL\n", types[t], sizes[i]);
            if (!p) continue;
            if (layout & KMTEST_POOL_ALIGNED)
                ok(((ULONG_PTR)p & 63) == 0, "type %#lx, %Iu bytes: %p not 64-byte aligned\n", types[t], sizes[i], p);
            ExFreePoolWithTag(p, TAG_TEST);
        }
}

/* ExQueryPoolBlockSize: at least the requested size, a small block's size within its page; the
 * quota flag set for a quota block only (3.4). */
static void test_query_block_size(void)
{
    static const SIZE_T sizes[] = {1, 40, 1000, SMALL_MAX};
    unsigned i;
    if (kmtest_builtin_stub("ExQueryPoolBlockSize")) return;
    for (i = 0; i < KMTEST_ARRAY_SIZE(sizes); i++)
    {
        BOOLEAN charged = 0xCC;
        void *p = ExAllocatePoolWithTag(NonPagedPool, sizes[i], TAG_TEST);
        SIZE_T size;
        if (!p) { ok(0, "%Iu bytes: NULL\n", sizes[i]); continue; }
        size = ExQueryPoolBlockSize(p, &charged);
        ok(size >= sizes[i] && kmtest_page_offset(p) + size <= PAGE_SIZE, "%Iu bytes: block size %Iu\n", sizes[i], size);
        ok(charged == FALSE, "%Iu bytes: quota flag %u\n", sizes[i], charged);
        ExFreePoolWithTag(p, TAG_TEST);
    }
}

/* ExAllocatePool2 (Windows 10 2004+; 3.1, 3.2): zeroed blocks, the tag in the header, NULL for a
 * zero tag. Resolved at run time: the driver must load on the Windows versions without it. */
static void test_pool2(void)
{
    ExAllocatePool2_fn pool2 = (ExAllocatePool2_fn)kmtest_routine(L"ExAllocatePool2");
    UCHAR *p;
    if (!pool2)
    {
        todo_wine_if(kmtest_wine_builtin()) win_skip("no ExAllocatePool2 (Windows before 10 2004)\n");
        return;
    }
    p = pool2(POOL_FLAG_PAGED, 200, TAG_TEST);
    ok(p != NULL, "ExAllocatePool2: NULL\n");
    if (p)
    {
        SIZE_T i, nonzero = 0;
        for (i = 0; i < 200; i++) nonzero += p[i] != 0;
        ok(nonzero == 0, "%Iu bytes not zeroed\n", nonzero);
        kmtest_pool_check_small(layout, p, 200, TAG_TEST);
        ExFreePoolWithTag(p, TAG_TEST);
    }
    p = pool2(POOL_FLAG_NON_PAGED, 64, 0);
    ok(p == NULL, "tag 0 accepted: %p\n", p);
    if (p) ExFreePool(p);
}

void kmtest_group_pool(void)
{
    layout = kmtest_pool_layout();
    test_small_blocks();
    test_big_blocks();
    test_default_tags();
    test_zero_bytes();
    test_cache_aligned();
    test_query_block_size();
    test_pool2();
}

/* At DISPATCH_LEVEL (the runner raised): nonpaged requests are served there (3.3). */
void kmtest_group_pool_dispatch(void)
{
    static const SIZE_T sizes[] = {16, 1000, SMALL_MAX, 2 * PAGE_SIZE};
    unsigned i;
    todo_wine_if(kmtest_wine_builtin()) ok(KeGetCurrentIrql() == DISPATCH_LEVEL, "IRQL %u\n", KeGetCurrentIrql());
    for (i = 0; i < KMTEST_ARRAY_SIZE(sizes); i++)
    {
        UCHAR *p = ExAllocatePoolWithTag(NonPagedPoolNx, sizes[i], TAG_TEST);
        ok(p != NULL, "%Iu bytes at DISPATCH_LEVEL: NULL\n", sizes[i]);
        if (!p) continue;
        kmtest_fill_pattern(p, sizes[i], 1);
        ok(kmtest_check_pattern(p, sizes[i], 1), "%Iu bytes: contents lost\n", sizes[i]);
        ExFreePoolWithTag(p, TAG_TEST);
    }
}
