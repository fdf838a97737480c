/*
 * Executive pool: ExAllocatePool, ExAllocatePoolWithQuota, ExAllocatePoolWithTag,
 * ExAllocatePoolWithQuotaTag, ExAllocatePoolWithTagPriority, ExAllocatePool2, ExAllocatePool3,
 * ExFreePool, ExFreePoolWithTag, ExFreePool2 and ExQueryPoolBlockSize, called the way a driver
 * calls them (pool_driver.c, built against <ddk/ntddk.h>). Whatever ends the process (allocations
 * that raise, misuse that ends in a bug check) is in pool_misuse.c; many threads at once in the
 * conformance driver's pool_threads group (tests/kmode/pool_threads.c).
 *
 * Expected behaviour: windows-behavior.md 3.1-3.4, 4.6 and 8, plus the project's decisions where
 * the reference leaves Windows' behaviour open (each marked "project decision" below).
 */
#include <windows.h>
#include <stdint.h>

#include "pe_imports.h"
#include "pool_driver.h"
#include "pool_checks.h"
#include "wine_test.h"

/* A tag given by the bytes it shows in memory (tags are little-endian: 'Fred' reads "derF", 3.1). */
#define MEMTAG(a, b, c, d) ((ULONG)(BYTE)(a) | (ULONG)(BYTE)(b) << 8 | (ULONG)(BYTE)(c) << 16 | (ULONG)(BYTE)(d) << 24)
#define TAG_TEST MEMTAG('P', 'l', 'T', 's')
/* ExAllocatePool and ExAllocatePoolWithQuota tag their blocks "None" (3.1: ReactOS TAG_NONE 'enoN';
 * project decision: the same on Windows). */
#define TAG_NONE MEMTAG('N', 'o', 'n', 'e')
#define BLOCK_UNIT PD_HEADER_SIZE     /* allocation unit = sizeof(POOL_HEADER) (3.1) */

/* POOL_HEADER fields (4.6): i386 Ulong1 bits 16-24 BlockSize, 25-31 PoolType; x64 byte 2 BlockSize,
 * byte 3 PoolType (header_word and header_tag: pool_checks.h). */
static unsigned header_block_size(const void *p)
{
    return sizeof(void *) == 8 ? (header_word(p) >> 16) & 0xFF : (header_word(p) >> 16) & 0x1FF;
}
static unsigned header_pool_type(const void *p)
{
    return sizeof(void *) == 8 ? header_word(p) >> 24 : header_word(p) >> 25;
}

static ULONG_PTR page_offset(const void *p) { return (ULONG_PTR)p & (PD_PAGE_SIZE - 1); }


/* Checks shared by every small block (3.1, 4.6, 8.1): 8/16-byte aligned, not page aligned, the
 * header and block inside one page, the tag in the header, BlockSize (in units, header included)
 * large enough and within the page, PoolType non-zero while allocated. */
static void check_small(const void *p, SIZE_T n, ULONG tag)
{
    unsigned units = header_block_size(p), need = (unsigned)((n + PD_HEADER_SIZE + BLOCK_UNIT - 1) / BLOCK_UNIT);

    ok(((ULONG_PTR)p & (BLOCK_UNIT - 1)) == 0, "%p (%Iu bytes) not %u-byte aligned\n", p, n, (unsigned)BLOCK_UNIT);
    ok(page_offset(p) >= PD_HEADER_SIZE, "%p (%Iu bytes): no room for a header in its page\n", p, n);
    ok(page_offset(p) + (n ? n : 1) <= PD_PAGE_SIZE, "%p (%Iu bytes) crosses a page\n", p, n);
    ok(header_tag(p) == tag, "%p (%Iu bytes): header tag %#lx, expected %#lx\n", p, n, header_tag(p), tag);
    ok(units >= need, "%p (%Iu bytes): BlockSize %u units, expected at least %u\n", p, n, units, need);
    ok(page_offset(p) - PD_HEADER_SIZE + units * BLOCK_UNIT <= PD_PAGE_SIZE,
       "%p (%Iu bytes): BlockSize %u reaches past the page\n", p, n, units);
    ok(header_pool_type(p) != 0, "%p (%Iu bytes): PoolType 0 in an allocated block\n", p, n);
}

static void test_binding(void)
{
    static const char *const imports[] = {"ExAllocatePool", "ExAllocatePoolWithQuota", "ExAllocatePoolWithTag",
        "ExAllocatePoolWithQuotaTag", "ExAllocatePoolWithTagPriority", "ExAllocatePool2", "ExAllocatePool3",
        "ExFreePool", "ExFreePoolWithTag", "ExFreePool2", "ExQueryPoolBlockSize"};
    HMODULE exe = GetModuleHandleA(NULL), kernel = GetModuleHandleA("ntoskrnl.exe");
    unsigned i;

    ok(kernel != NULL, "ntoskrnl.exe is not loaded\n");
    if (!kernel) return;
    ok(!pe_is_wine_builtin(kernel), "the loaded ntoskrnl.exe is Wine's builtin module\n");
    for (i = 0; i < sizeof(imports) / sizeof(imports[0]); i++)
    {
        void *bound = pe_bound_import(exe, "ntoskrnl.exe", imports[i]);
        ok(bound != NULL && pe_contains(kernel, bound), "%s bound to %p, outside ntoskrnl.exe at %p\n",
           imports[i], bound, kernel);
    }
}

/* Every size from 0 to the small limit at once, so blocks share pages: each one checked, filled,
 * and finally checked again (no block or header overlaps another). */
static void test_small_blocks(void)
{
    static void *blocks[4096];
    static const ULONG types[] = {PD_NonPagedPool, PD_PagedPool, PD_NonPagedPoolNx, PD_NonPagedPool | PD_POOL_NX_ALLOCATION};
    SIZE_T n, bad = 0;
    unsigned t;

    for (n = 1; n <= PD_SMALL_MAX; n++)
    {
        blocks[n] = pd_ExAllocatePoolWithTag(PD_NonPagedPool, n, TAG_TEST);
        ok(blocks[n] != NULL, "%Iu bytes: NULL\n", n);
        if (!blocks[n]) continue;
        if (n % 97 == 1 || n > PD_SMALL_MAX - 40) check_small(blocks[n], n, TAG_TEST);
        else if (!((ULONG_PTR)blocks[n] % BLOCK_UNIT == 0 && page_offset(blocks[n]) >= PD_HEADER_SIZE &&
                   page_offset(blocks[n]) + n <= PD_PAGE_SIZE && header_tag(blocks[n]) == TAG_TEST))
            bad++;
        fill(blocks[n], n, (BYTE)n);
    }
    ok(bad == 0, "%Iu small blocks misplaced or without their tag\n", bad);
    for (n = 1, bad = 0; n <= PD_SMALL_MAX; n++)
    {
        if (!blocks[n]) continue;
        if (!check_fill(blocks[n], n, (BYTE)n) || header_tag(blocks[n]) != TAG_TEST) bad++;
        pd_ExFreePoolWithTag(blocks[n], TAG_TEST);
    }
    ok(bad == 0, "%Iu small blocks overwritten by their neighbours\n", bad);

    for (t = 0; t < sizeof(types) / sizeof(types[0]); t++)
    {
        static const SIZE_T sizes[] = {1, 7, 8, 13, 16, 17, 100, 256, 257, 1000, 2048, PD_SMALL_MAX - 1, PD_SMALL_MAX};
        unsigned i;
        winetest_push_context("type %#lx", types[t]);
        for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
        {
            void *p = pd_ExAllocatePoolWithTag(types[t], sizes[i], TAG_TEST);
            ok(p != NULL, "%Iu bytes: NULL\n", sizes[i]);
            if (!p) continue;
            check_small(p, sizes[i], TAG_TEST);
            fill(p, sizes[i], 0x5A);
            ok(check_fill(p, sizes[i], 0x5A), "%Iu bytes: contents lost\n", sizes[i]);
            pd_ExFreePoolWithTag(p, TAG_TEST);
        }
        winetest_pop_context();
    }
}

/* One byte above the small limit, and anything of a page or more, is page aligned (3.1, 8.2). */
static void test_big_blocks(void)
{
    static const SIZE_T sizes[] = {PD_SMALL_MAX + 1, PD_PAGE_SIZE - 3 * sizeof(void *), PD_PAGE_SIZE - 1,
                                   PD_PAGE_SIZE, PD_PAGE_SIZE + 1, 3 * PD_PAGE_SIZE + 5, 65536, 1 << 20};
    static const ULONG types[] = {PD_NonPagedPool, PD_PagedPool, PD_NonPagedPoolNx};
    unsigned i, t;

    for (t = 0; t < sizeof(types) / sizeof(types[0]); t++)
        for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
        {
            BYTE *p = pd_ExAllocatePoolWithTag(types[t], sizes[i], TAG_TEST);
            ok(p != NULL, "type %#lx, %Iu bytes: NULL\n", types[t], sizes[i]);
            if (!p) continue;
            ok(page_offset(p) == 0, "type %#lx, %Iu bytes: %p not page aligned\n", types[t], sizes[i], p);
            fill(p, sizes[i], 3);
            ok(check_fill(p, sizes[i], 3), "type %#lx, %Iu bytes: contents lost\n", types[t], sizes[i]);
            pd_ExFreePoolWithTag(p, TAG_TEST);
        }

    /* Freed big blocks go back: 300 x 16 MB would exhaust a 32-bit address space if they leaked. */
    for (i = 0; i < 300; i++)
    {
        void *p = pd_ExAllocatePoolWithTag(PD_PagedPool, 16 << 20, TAG_TEST);
        if (!p) break;
        ((BYTE *)p)[(16 << 20) - 1] = 1;
        pd_ExFreePool(p);
    }
    ok(i == 300, "16 MB allocation %u of 300 failed\n", i);
}

static void check_tagged(const char *what, void *p, ULONG tag)
{
    ok(p != NULL, "%s: NULL\n", what);
    if (!p) return;
    winetest_push_context("%s", what);
    check_small(p, 40, tag);
    winetest_pop_context();
    pd_ExFreePool(p);
}

static void test_default_tags(void)
{
    void *p = pd_ExAllocatePool(PD_NonPagedPool, 40);
    ok(p && !memcmp((BYTE *)p - PD_HEADER_SIZE + 4, "None", 4), "ExAllocatePool tag does not read \"None\"\n");
    check_tagged("ExAllocatePool", p, TAG_NONE);
    check_tagged("ExAllocatePoolWithQuota", pd_ExAllocatePoolWithQuota(PD_PagedPool, 40), TAG_NONE);
    check_tagged("ExAllocatePoolWithQuotaTag", pd_ExAllocatePoolWithQuotaTag(PD_NonPagedPool, 40, TAG_TEST), TAG_TEST);
    check_tagged("ExAllocatePoolWithTagPriority",
                 pd_ExAllocatePoolWithTagPriority(PD_PagedPool, 40, TAG_TEST, PD_NormalPoolPriority), TAG_TEST);
    check_tagged("ExAllocatePool2", pd_ExAllocatePool2(PD_POOL_FLAG_PAGED, 40, TAG_TEST), TAG_TEST);
}

/* Project decision (3.1: ReactOS "based on NT's similar behavior"): without the verifier a
 * zero-byte request is a one-byte request. The reference leaves Windows open, hence broken(). */
static void test_zero_bytes(void)
{
    BYTE *p = pd_ExAllocatePoolWithTag(PD_NonPagedPool, 0, TAG_TEST);
    ok(p != NULL || broken(p == NULL), "ExAllocatePoolWithTag(0): NULL\n");
    if (p)
    {
        check_small(p, 1, TAG_TEST);
        p[0] = 0x42;
        pd_ExFreePoolWithTag(p, TAG_TEST);
    }
    p = pd_ExAllocatePool(PD_PagedPool, 0);
    ok(p != NULL || broken(p == NULL), "ExAllocatePool(0): NULL\n");
    if (p)
    {
        p[0] = 0x42;
        pd_ExFreePool(p);
    }
    /* ExAllocatePool2 documents a non-zero size; what Windows does with 0 is open (3.1): served as
     * a one-byte request here, zeroed like any ExAllocatePool2 block. */
    p = pd_ExAllocatePool2(PD_POOL_FLAG_NON_PAGED, 0, TAG_TEST);
    ok(p != NULL || broken(p == NULL), "ExAllocatePool2(0): NULL\n");
    if (p)
    {
        check_small(p, 1, TAG_TEST);
        ok(p[0] == 0, "ExAllocatePool2(0) did not zero its byte\n");
        pd_ExFreePool2(p, TAG_TEST);
    }
}

/* Cache-aligned types and POOL_FLAG_CACHE_ALIGNED (3.1: "aligned on processor cache boundaries";
 * project decision: 64 bytes). */
static void test_cache_aligned(void)
{
    static const SIZE_T sizes[] = {1, 8, 63, 64, 100, 1000, 3000, PD_SMALL_MAX, 5000};
    static const ULONG types[] = {PD_NonPagedPoolCacheAligned, PD_PagedPoolCacheAligned, PD_NonPagedPoolNxCacheAligned,
                                  PD_NonPagedPoolCacheAligned | PD_POOL_NX_ALLOCATION};
    void *p[sizeof(sizes) / sizeof(sizes[0])];
    unsigned i, t;

    for (t = 0; t <= sizeof(types) / sizeof(types[0]); t++)
    {
        for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
        {
            p[i] = t < sizeof(types) / sizeof(types[0])
                 ? pd_ExAllocatePoolWithTag(types[t], sizes[i], TAG_TEST)
                 : pd_ExAllocatePool2(PD_POOL_FLAG_NON_PAGED | PD_POOL_FLAG_CACHE_ALIGNED, sizes[i], TAG_TEST);
            ok(p[i] != NULL, "case %u, %Iu bytes: NULL\n", t, sizes[i]);
            ok(((ULONG_PTR)p[i] & 63) == 0, "case %u, %Iu bytes: %p not 64-byte aligned\n", t, sizes[i], p[i]);
            if (p[i]) fill(p[i], sizes[i], (BYTE)i);
        }
        for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
        {
            if (!p[i]) continue;
            ok(check_fill(p[i], sizes[i], (BYTE)i), "case %u, %Iu bytes: contents lost\n", t, sizes[i]);
            pd_ExFreePoolWithTag(p[i], TAG_TEST);
        }
    }
}

/* Nonpaged pool is executable, NX types are not (3.2); paged pool is executable on x86 only
 * (3.2, POOL_FLAG_PAGED). Project decision: VirtualQuery shows exactly PAGE_EXECUTE_READWRITE
 * or PAGE_READWRITE. */
static void test_protection(void)
{
    const DWORD paged = sizeof(void *) == 4 ? PAGE_EXECUTE_READWRITE : PAGE_READWRITE;
    static const BYTE code[] = {0xB8, 0x78, 0x56, 0x34, 0x12, 0xC3}; /* mov eax, 0x12345678; ret */
    static const SIZE_T sizes[] = {64, 3 * PD_PAGE_SIZE};
    struct { int pool2; ULONG64 type; DWORD protect; } cases[] =
    {
        {0, PD_NonPagedPool, PAGE_EXECUTE_READWRITE},
        {0, PD_NonPagedPoolCacheAligned, PAGE_EXECUTE_READWRITE},
        {0, PD_NonPagedPool | PD_POOL_COLD_ALLOCATION, PAGE_EXECUTE_READWRITE},
        {0, PD_NonPagedPoolNx, PAGE_READWRITE},
        {0, PD_NonPagedPoolNxCacheAligned, PAGE_READWRITE},
        {0, PD_NonPagedPool | PD_POOL_NX_ALLOCATION, PAGE_READWRITE},
        {0, PD_NonPagedPoolSessionNx, PAGE_READWRITE},
        {0, PD_PagedPool, paged},
        {1, PD_POOL_FLAG_NON_PAGED_EXECUTE, PAGE_EXECUTE_READWRITE},
        {1, PD_POOL_FLAG_NON_PAGED, PAGE_READWRITE},
        {1, PD_POOL_FLAG_PAGED, paged},
    };
    unsigned i, s;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        for (s = 0; s < 2; s++)
        {
            MEMORY_BASIC_INFORMATION mbi;
            BYTE *p = cases[i].pool2 ? pd_ExAllocatePool2(cases[i].type, sizes[s], TAG_TEST)
                                     : pd_ExAllocatePoolWithTag((ULONG)cases[i].type, sizes[s], TAG_TEST);
            winetest_push_context("%s %#I64x, %Iu bytes", cases[i].pool2 ? "flags" : "type", cases[i].type, sizes[s]);
            ok(p != NULL, "NULL\n");
            if (p && VirtualQuery(p, &mbi, sizeof(mbi)))
            {
                ok(mbi.Protect == cases[i].protect, "protection %#lx, expected %#lx\n", mbi.Protect, cases[i].protect);
                if (cases[i].protect == PAGE_EXECUTE_READWRITE)
                {
                    int (*fn)(void) = (int (*)(void))(void *)p;
                    memcpy(p, code, sizeof(code));
                    FlushInstructionCache(GetCurrentProcess(), p, sizeof(code));
                    ok(fn() == 0x12345678, "code in the block did not run\n");
                }
            }
            if (p) pd_ExFreePoolWithTag(p, TAG_TEST);
            winetest_pop_context();
        }
}

/* Session types map onto ordinary pools; POOL_COLD_ALLOCATION is only a hint (3.2). */
static void test_other_types(void)
{
    static const ULONG types[] = {PD_NonPagedPoolSession, PD_PagedPoolSession, PD_NonPagedPoolCacheAlignedSession,
                                  PD_PagedPoolCacheAlignedSession, PD_NonPagedPoolSessionNx,
                                  PD_PagedPool | PD_POOL_COLD_ALLOCATION, PD_NonPagedPoolNx | PD_POOL_COLD_ALLOCATION};
    unsigned i;

    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
    {
        BYTE *p = pd_ExAllocatePoolWithTag(types[i], 200, TAG_TEST), *q;
        ok(p != NULL, "type %#lx: NULL\n", types[i]);
        q = pd_ExAllocatePoolWithTag(types[i], 2 * PD_PAGE_SIZE, TAG_TEST);
        ok(q != NULL && page_offset(q) == 0, "type %#lx: big block %p\n", types[i], q);
        if (p && (types[i] == PD_NonPagedPoolCacheAlignedSession || types[i] == PD_PagedPoolCacheAlignedSession))
            ok(((ULONG_PTR)p & 63) == 0, "type %#lx: %p not 64-byte aligned\n", types[i], p);
        if (p)
        {
            fill(p, 200, 9);
            ok(check_fill(p, 200, 9), "type %#lx: contents lost\n", types[i]);
            pd_ExFreePoolWithTag(p, TAG_TEST);
        }
        if (q) pd_ExFreePoolWithTag(q, TAG_TEST);
    }
}

/* ExAllocatePool2/3 (3.1, 3.2, 8.3): zeroed unless POOL_FLAG_UNINITIALIZED; tag 0, unknown required
 * bits and a pool-type choice other than exactly one of NON_PAGED / NON_PAGED_EXECUTE / PAGED
 * (project decision: the reference's "safe implementation") give NULL; unknown optional bits are
 * ignored. */
static void test_pool2(void)
{
    static const SIZE_T sizes[] = {1, 24, 200, PD_SMALL_MAX, PD_PAGE_SIZE, 3 * PD_PAGE_SIZE + 100};
    static const ULONG64 bad_flags[] = {0, PD_POOL_FLAG_CACHE_ALIGNED, PD_POOL_FLAG_NON_PAGED | 0x800,
        PD_POOL_FLAG_NON_PAGED | PD_POOL_FLAG_RESERVED1, PD_POOL_FLAG_PAGED | PD_POOL_FLAG_REQUIRED_END,
        PD_POOL_FLAG_NON_PAGED | PD_POOL_FLAG_NON_PAGED_EXECUTE, PD_POOL_FLAG_NON_PAGED | PD_POOL_FLAG_PAGED,
        PD_POOL_FLAG_NON_PAGED_EXECUTE | PD_POOL_FLAG_PAGED,
        PD_POOL_FLAG_NON_PAGED | PD_POOL_FLAG_NON_PAGED_EXECUTE | PD_POOL_FLAG_PAGED};
    static const ULONG64 good_flags[] = {PD_POOL_FLAG_NON_PAGED | (1ull << 40), PD_POOL_FLAG_PAGED | PD_POOL_FLAG_SPECIAL_POOL,
        PD_POOL_FLAG_NON_PAGED_EXECUTE | PD_POOL_FLAG_OPTIONAL_END, PD_POOL_FLAG_PAGED | PD_POOL_FLAG_USE_QUOTA,
        PD_POOL_FLAG_NON_PAGED | PD_POOL_FLAG_CACHE_ALIGNED | PD_POOL_FLAG_UNINITIALIZED};
    void *dirty[16];
    unsigned i, j;

    for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
    {
        BYTE *p;
        /* Leave garbage behind in freed blocks of this size, then ask for a zeroed one. */
        for (j = 0; j < 16; j++)
        {
            dirty[j] = pd_ExAllocatePool2(PD_POOL_FLAG_NON_PAGED | PD_POOL_FLAG_UNINITIALIZED, sizes[i], TAG_TEST);
            ok(dirty[j] != NULL, "UNINITIALIZED, %Iu bytes: NULL\n", sizes[i]);
            if (dirty[j]) memset(dirty[j], 0xCC, sizes[i]);
        }
        for (j = 0; j < 16; j++) if (dirty[j]) pd_ExFreePool2(dirty[j], TAG_TEST);
        p = pd_ExAllocatePool2(PD_POOL_FLAG_NON_PAGED, sizes[i], TAG_TEST);
        ok(p != NULL, "%Iu bytes: NULL\n", sizes[i]);
        if (!p) continue;
        ok(all_zero(p, sizes[i]), "%Iu bytes: not zeroed\n", sizes[i]);
        if (is_small(sizes[i])) check_small(p, sizes[i], TAG_TEST);
        else ok(page_offset(p) == 0, "%Iu bytes: %p not page aligned\n", sizes[i], p);
        pd_ExFreePool2(p, TAG_TEST);
    }

    ok(!pd_ExAllocatePool2(PD_POOL_FLAG_NON_PAGED, 64, 0), "tag 0 accepted\n");
    for (i = 0; i < sizeof(bad_flags) / sizeof(bad_flags[0]); i++)
    {
        void *p = pd_ExAllocatePool2(bad_flags[i], 64, TAG_TEST);
        ok(p == NULL, "flags %#I64x accepted\n", bad_flags[i]);
        if (p) pd_ExFreePool2(p, TAG_TEST);
    }
    for (i = 0; i < sizeof(good_flags) / sizeof(good_flags[0]); i++)
    {
        BYTE *p = pd_ExAllocatePool2(good_flags[i], 64, TAG_TEST);
        ok(p != NULL, "flags %#I64x refused\n", good_flags[i]);
        if (!p) continue;
        if (!(good_flags[i] & PD_POOL_FLAG_UNINITIALIZED)) ok(all_zero(p, 64), "flags %#I64x: not zeroed\n", good_flags[i]);
        fill(p, 64, 1);
        pd_ExFreePool2(p, TAG_TEST);
    }
}

static void test_pool3(void)
{
    struct pd_ext_param priority = {PD_PoolExtendedParameterPriority, 0, PD_HighPoolPriority};
    struct pd_ext_param unknown = {0x55, 0, 0}, unknown_optional = {0x55, 1, 0};
    struct pd_ext_param both[2] = {{PD_PoolExtendedParameterPriority, 0, PD_LowPoolPriority}, {0x55, 1, 0}};
    BYTE *p;

    p = pd_ExAllocatePool3(PD_POOL_FLAG_NON_PAGED, 300, TAG_TEST, NULL, 0);
    ok(p && all_zero(p, 300), "no parameters: %p\n", p);
    if (p) { check_small(p, 300, TAG_TEST); pd_ExFreePool2(p, TAG_TEST); }
    p = pd_ExAllocatePool3(PD_POOL_FLAG_PAGED, 300, TAG_TEST, &priority, 1);
    ok(p && all_zero(p, 300), "priority parameter: %p\n", p);
    if (p) pd_ExFreePool2(p, TAG_TEST);
    p = pd_ExAllocatePool3(PD_POOL_FLAG_NON_PAGED, 300, TAG_TEST, &unknown, 1);
    ok(!p, "unknown required parameter type accepted\n");
    if (p) pd_ExFreePool2(p, TAG_TEST);
    p = pd_ExAllocatePool3(PD_POOL_FLAG_NON_PAGED, 300, TAG_TEST, &unknown_optional, 1);
    ok(p != NULL, "unknown optional parameter type refused\n");
    if (p) pd_ExFreePool2(p, TAG_TEST);
    p = pd_ExAllocatePool3(PD_POOL_FLAG_NON_PAGED, 5000, TAG_TEST, both, 2);
    ok(p && page_offset(p) == 0 && all_zero(p, 5000), "priority + unknown optional: %p\n", p);
    if (p) pd_ExFreePool2(p, TAG_TEST);
    p = pd_ExAllocatePool3(PD_POOL_FLAG_NON_PAGED, 300, 0, NULL, 0);
    ok(!p, "tag 0 accepted\n");
    /* A parameter count without parameters is refused (nothing to read them from). */
    p = pd_ExAllocatePool3(PD_POOL_FLAG_NON_PAGED, 300, TAG_TEST, NULL, 1);
    ok(!p, "a count of 1 with no parameters accepted\n");
    if (p) pd_ExFreePool2(p, TAG_TEST);
}

static void test_priority(void)
{
    static const ULONG priorities[] = {PD_LowPoolPriority, PD_NormalPoolPriority, PD_HighPoolPriority,
        PD_NormalPoolPrioritySpecialPoolOverrun, PD_NormalPoolPrioritySpecialPoolUnderrun};
    unsigned i;

    for (i = 0; i < sizeof(priorities) / sizeof(priorities[0]); i++)
    {
        void *p = pd_ExAllocatePoolWithTagPriority(PD_NonPagedPool, 100, TAG_TEST, priorities[i]);
        void *q = pd_ExAllocatePoolWithTagPriority(PD_PagedPool, 3 * PD_PAGE_SIZE, TAG_TEST, priorities[i]);
        ok(p != NULL && q != NULL, "priority %lu: %p %p\n", priorities[i], p, q);
        if (p) { fill(p, 100, 4); pd_ExFreePoolWithTag(p, TAG_TEST); }
        if (q) { fill(q, 3 * PD_PAGE_SIZE, 4); pd_ExFreePoolWithTag(q, TAG_TEST); }
    }
}

/* ExQueryPoolBlockSize (3.4; kmtest expectations taken as project decisions). */
static void test_query_block_size(void)
{
    void *p;
    SIZE_T size;
    int quota;

    p = pd_ExAllocatePoolWithTag(PD_NonPagedPool, 8, TAG_TEST);
    size = p ? pd_ExQueryPoolBlockSize(p, &quota) : 0;
    ok(size >= 8 && quota == FALSE, "8 bytes: size %Iu, quota %d\n", size, quota);
    if (p) pd_ExFreePool(p);
    p = pd_ExAllocatePoolWithQuotaTag(PD_PagedPool, 100, TAG_TEST);
    size = p ? pd_ExQueryPoolBlockSize(p, &quota) : 0;
    ok(size >= 100 && quota == TRUE, "quota, 100 bytes: size %Iu, quota %d\n", size, quota);
    if (p) pd_ExFreePool(p);
    p = pd_ExAllocatePoolWithQuota(PD_NonPagedPool, 50);
    size = p ? pd_ExQueryPoolBlockSize(p, &quota) : 0;
    ok(size >= 50 && quota == TRUE, "ExAllocatePoolWithQuota, 50 bytes: size %Iu, quota %d\n", size, quota);
    if (p) pd_ExFreePool(p);
    p = pd_ExAllocatePool2(PD_POOL_FLAG_PAGED | PD_POOL_FLAG_USE_QUOTA, 70, TAG_TEST);
    size = p ? pd_ExQueryPoolBlockSize(p, &quota) : 0;
    ok(size >= 70 && quota == TRUE, "POOL_FLAG_USE_QUOTA, 70 bytes: size %Iu, quota %d\n", size, quota);
    if (p) pd_ExFreePool(p);
    p = pd_ExAllocatePoolWithTag(PD_PagedPool, PD_PAGE_SIZE, TAG_TEST);
    size = p ? pd_ExQueryPoolBlockSize(p, &quota) : 0;
    ok(size == PD_PAGE_SIZE && quota == FALSE, "PAGE_SIZE: size %Iu, quota %d\n", size, quota);
    if (p) pd_ExFreePool(p);
    p = pd_ExAllocatePoolWithTag(PD_NonPagedPool, PD_PAGE_SIZE + 1, TAG_TEST);
    size = p ? pd_ExQueryPoolBlockSize(p, &quota) : 0;
    ok(size == 2 * PD_PAGE_SIZE && quota == FALSE, "PAGE_SIZE + 1: size %Iu, quota %d\n", size, quota);
    if (p) pd_ExFreePool(p);
    /* Page-sized quota requests are not charged (3.1: ReactOS's kmtest, run on Windows, finds they
     * take no process reference). */
    p = pd_ExAllocatePoolWithQuotaTag(PD_PagedPool, 2 * PD_PAGE_SIZE, TAG_TEST);
    size = p ? pd_ExQueryPoolBlockSize(p, &quota) : 0;
    ok(size == 2 * PD_PAGE_SIZE && quota == FALSE, "quota, 2 pages: size %Iu, quota %d\n", size, quota);
    if (p) pd_ExFreePool(p);
}

/* Every free routine frees blocks of every allocator (3.3); a freed block's memory is reused. */
static void test_frees(void)
{
    unsigned i;
    for (i = 0; i < 20000; i++)
    {
        SIZE_T n = (i % 5 == 4) ? PD_PAGE_SIZE + i % 3000 : 1 + i % 700;
        void *p;
        switch (i % 4)
        {
        case 0: p = pd_ExAllocatePoolWithTag(PD_NonPagedPool, n, TAG_TEST); break;
        case 1: p = pd_ExAllocatePool2(PD_POOL_FLAG_PAGED, n, TAG_TEST); break;
        case 2: p = pd_ExAllocatePoolWithQuotaTag(PD_NonPagedPoolNx, n, TAG_TEST); break;
        default: p = pd_ExAllocatePool(PD_PagedPool, n); break;
        }
        if (!p) break;
        memset(p, 0xEE, n);
        switch (i % 3)
        {
        case 0: pd_ExFreePool(p); break;
        case 1: pd_ExFreePoolWithTag(p, i % 4 == 3 ? 0 : TAG_TEST); break;
        default: pd_ExFreePool2(p, i % 4 == 3 ? TAG_NONE : TAG_TEST); break;
        }
    }
    ok(i == 20000, "allocation %u of 20000 failed\n", i);
}

START_TEST(pool)
{
    test_binding();
    test_small_blocks();
    test_big_blocks();
    test_default_tags();
    test_zero_bytes();
    test_cache_aligned();
    test_protection();
    test_other_types();
    test_pool2();
    test_pool3();
    test_priority();
    test_query_block_size();
    test_frees();
}
