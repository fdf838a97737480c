/*
 * Executive pool, the rest of tests/pe/pool.c (pool.c here has the block layout): the default
 * tags' bytes, zero-byte requests of every allocator, cache alignment through POOL_FLAG_CACHE_ALIGNED,
 * the protection of each pool type, session and cold types, ExAllocatePool2/3 and their POOL_FLAG
 * checks, priorities, ExQueryPoolBlockSize and every free routine over every allocator.
 * Expected behaviour: windows-behavior.md 3.1-3.4, 4.6 and 8, plus the project's decisions where
 * the reference leaves Windows' behaviour open (each marked "project decision" below).
 * ExAllocatePool2/3 and ExFreePool2 (Windows 10 2004+) are resolved at run time, so that the
 * driver loads on the Windows versions without them.
 */
#include "kmode_test.h"
#include "pool_layout.h"

/* A tag given by the bytes it shows in memory (tags are little-endian: 'Fred' reads "derF", 3.1). */
#define TAG_TEST MEMTAG('P', 'l', 'F', 'g')
/* ExAllocatePool and ExAllocatePoolWithQuota tag their blocks "None" (3.1: ReactOS TAG_NONE 'enoN';
 * project decision: the same on Windows). */
#define TAG_NONE MEMTAG('N', 'o', 'n', 'e')
#define HEADER_SIZE KMTEST_POOL_HEADER_SIZE
#define SMALL_MAX KMTEST_POOL_SMALL_MAX

/* Not in the MinGW-w64 DDK (windows-behavior.md 5.3): the values of 3.2 and MSDN. */
#define X_POOL_COLD_ALLOCATION 0x100u
#define X_POOL_NX_ALLOCATION 0x200u
#define X_NonPagedPoolSession 32u
#define X_PagedPoolSession 33u
#define X_NonPagedPoolCacheAlignedSession 36u
#define X_PagedPoolCacheAlignedSession 37u
#define X_NonPagedPoolSessionNx 544u
#define X_NonPagedPoolNxCacheAligned 516u
#define F_USE_QUOTA 0x1ull
#define F_UNINITIALIZED 0x2ull
#define F_CACHE_ALIGNED 0x8ull
#define F_RESERVED1 0x10ull
#define F_NON_PAGED 0x40ull
#define F_NON_PAGED_EXECUTE 0x80ull
#define F_PAGED 0x100ull
#define F_REQUIRED_END 0x80000000ull
#define F_SPECIAL_POOL 0x100000000ull
#define F_OPTIONAL_END 0x8000000000000000ull
#define X_NormalPoolPrioritySpecialPoolOverrun 24u
#define X_NormalPoolPrioritySpecialPoolUnderrun 25u
#define X_PoolExtendedParameterPriority 1u

/* MSDN:POOL_EXTENDED_PARAMETER; 16 bytes, Type bits 0-7, Optional bit 8 of the first quadword. */
typedef struct
{
    ULONG64 Type : 8;
    ULONG64 Optional : 1;
    ULONG64 Reserved : 55;
    ULONG64 Value;    /* Reserved2 / Priority / ... */
} ext_param;
_Static_assert(sizeof(ext_param) == 16, "POOL_EXTENDED_PARAMETER is 16 bytes");

typedef PVOID (NTAPI *pool2_fn)(ULONG64, SIZE_T, ULONG);
typedef PVOID (NTAPI *pool3_fn)(ULONG64, SIZE_T, ULONG, const ext_param *, ULONG);
typedef VOID (NTAPI *free2_fn)(PVOID, ULONG, const ext_param *, ULONG);
/* ntifs.h's; not in ntddk.h. */
NTKERNELAPI SIZE_T NTAPI ExQueryPoolBlockSize(PVOID PoolBlock, PBOOLEAN QuotaCharged);

typedef struct
{
    PVOID BaseAddress, AllocationBase;
    ULONG AllocationProtect;
    SIZE_T RegionSize;
    ULONG State, Protect, Type;
} basic_info;   /* MEMORY_BASIC_INFORMATION */
typedef NTSTATUS (NTAPI *query_vm_fn)(HANDLE, PVOID, ULONG, PVOID, SIZE_T, PSIZE_T);

static pool2_fn pool2;
static pool3_fn pool3;
static free2_fn free2;

/* What the pool has of Windows' layout (kmtest_pool_layout), probed when the group starts. */
static unsigned layout;

static int is_small(SIZE_T n) { return n <= SMALL_MAX; }

static int all_zero(const void *p, SIZE_T n) { return kmtest_check_fill(p, n, 0); }

static void test_default_tags(void)
{
    UCHAR *p = ExAllocatePool(NonPagedPool, 40);
    ok(p != NULL, "ExAllocatePool: NULL\n");
    if (p && (layout & KMTEST_POOL_HEADER))
        ok(RtlCompareMemory(p - HEADER_SIZE + 4, "None", 4) == 4, "ExAllocatePool tag does not read \"None\"\n");
    if (p) ExFreePool(p);
    if (!pool2) return;
    p = pool2(F_PAGED, 40, TAG_TEST);
    ok(p != NULL, "ExAllocatePool2: NULL\n");
    if (!p) return;
    winetest_push_context("ExAllocatePool2");
    kmtest_pool_check_small(layout, p, 40, TAG_TEST);
    winetest_pop_context();
    ExFreePool(p);
}

/* Project decision (3.1: ReactOS "based on NT's similar behavior"): without the verifier a
 * zero-byte request is a one-byte request. The reference leaves Windows open, hence broken(). */
static void test_zero_bytes(void)
{
    UCHAR *p = ExAllocatePool(PagedPool, 0);
    ok(p != NULL || broken(p == NULL), "ExAllocatePool(0): NULL\n");
    if (p)
    {
        p[0] = 0x42;
        ExFreePool(p);
    }
    if (!pool2) return;
    /* ExAllocatePool2 documents a non-zero size; what Windows does with 0 is open (3.1): served as
     * a one-byte request here, zeroed like any ExAllocatePool2 block. */
    p = pool2(F_NON_PAGED, 0, TAG_TEST);
    ok(p != NULL || broken(p == NULL), "ExAllocatePool2(0): NULL\n");
    if (p)
    {
        kmtest_pool_check_small(layout, p, 1, TAG_TEST);
        ok(p[0] == 0, "ExAllocatePool2(0) did not zero its byte\n");
        free2(p, TAG_TEST, NULL, 0);
    }
}

/* Cache-aligned types and POOL_FLAG_CACHE_ALIGNED (3.1: "aligned on processor cache boundaries";
 * project decision: 64 bytes); pool.c has the plain cache-aligned types one block at a time. */
static void test_cache_aligned(void)
{
    static const SIZE_T sizes[] = {1, 8, 63, 64, 100, 1000, 3000, SMALL_MAX, 5000};
    void *p[KMTEST_ARRAY_SIZE(sizes)];
    unsigned i, t;
    for (t = 0; t < 2; t++)
    {
        if (t == 1 && !pool2) break;
        for (i = 0; i < KMTEST_ARRAY_SIZE(sizes); i++)
        {
            p[i] = t == 0 ? ExAllocatePoolWithTag((POOL_TYPE)(NonPagedPoolCacheAligned | X_POOL_NX_ALLOCATION), sizes[i], TAG_TEST)
                          : pool2(F_NON_PAGED | F_CACHE_ALIGNED, sizes[i], TAG_TEST);
            ok(p[i] != NULL, "case %u, %Iu bytes: NULL\n", t, sizes[i]);
            if (layout & KMTEST_POOL_ALIGNED)
                ok(((ULONG_PTR)p[i] & 63) == 0, "case %u, %Iu bytes: %p not 64-byte aligned\n", t, sizes[i], p[i]);
            if (p[i]) kmtest_fill_pattern(p[i], sizes[i], (UCHAR)i);
        }
        for (i = 0; i < KMTEST_ARRAY_SIZE(sizes); i++)
        {
            if (!p[i]) continue;
            ok(kmtest_check_pattern(p[i], sizes[i], (UCHAR)i), "case %u, %Iu bytes: contents lost\n", t, sizes[i]);
            ExFreePoolWithTag(p[i], TAG_TEST);
        }
    }
}

/* Nonpaged pool is executable, NX types are not (3.2); paged pool is executable on x86 only
 * (3.2, POOL_FLAG_PAGED). Project decision: the page protection is exactly PAGE_EXECUTE_READWRITE
 * or PAGE_READWRITE. The protection is read with ZwQueryVirtualMemory where the kernel's pool is
 * in the current process' view (under Wine); Windows answers no query for system addresses. */
static void test_protection(void)
{
    const ULONG paged = sizeof(void *) == 4 ? PAGE_EXECUTE_READWRITE : PAGE_READWRITE;
    static const UCHAR code[] = {0xB8, 0x78, 0x56, 0x34, 0x12, 0xC3}; /* mov eax, 0x12345678; ret */
    static const SIZE_T sizes[] = {64, 3 * PAGE_SIZE};
    query_vm_fn query = (query_vm_fn)kmtest_routine(L"ZwQueryVirtualMemory");
    struct { int pool2; ULONG64 type; ULONG protect; } cases[] =
    {
        {0, NonPagedPool, PAGE_EXECUTE_READWRITE},
        {0, NonPagedPoolCacheAligned, PAGE_EXECUTE_READWRITE},
        {0, NonPagedPool | X_POOL_COLD_ALLOCATION, PAGE_EXECUTE_READWRITE},
        {0, NonPagedPoolNx, PAGE_READWRITE},
        {0, X_NonPagedPoolNxCacheAligned, PAGE_READWRITE},
        {0, NonPagedPool | X_POOL_NX_ALLOCATION, PAGE_READWRITE},
        {0, X_NonPagedPoolSessionNx, PAGE_READWRITE},
        {0, PagedPool, paged},
        {1, F_NON_PAGED_EXECUTE, PAGE_EXECUTE_READWRITE},
        {1, F_NON_PAGED, PAGE_READWRITE},
        {1, F_PAGED, paged},
    };
    unsigned i, s, queried = 0;
    for (i = 0; i < KMTEST_ARRAY_SIZE(cases); i++)
        for (s = 0; s < 2; s++)
        {
            basic_info mbi;
            SIZE_T got = 0;
            UCHAR *p;
            if (cases[i].pool2 && !pool2) continue;
            p = cases[i].pool2 ? pool2(cases[i].type, sizes[s], TAG_TEST)
                               : ExAllocatePoolWithTag((POOL_TYPE)(ULONG)cases[i].type, sizes[s], TAG_TEST);
            winetest_push_context("%s %#I64x, %Iu bytes", cases[i].pool2 ? "flags" : "type", cases[i].type, sizes[s]);
            ok(p != NULL, "NULL\n");
            if (p && query && NT_SUCCESS(query(NtCurrentProcess(), p, 0 /* MemoryBasicInformation */, &mbi, sizeof(mbi), &got)))
            {
                queried++;
                /* Wine's builtin takes every pool block from one executable heap. */
                todo_wine_if(kmtest_wine_builtin() && cases[i].protect != PAGE_EXECUTE_READWRITE)
                ok(mbi.Protect == cases[i].protect, "protection %#lx, expected %#lx\n", mbi.Protect, cases[i].protect);
            }
            if (p && cases[i].protect == PAGE_EXECUTE_READWRITE)
            {
                int (*fn)(void) = (int (*)(void))(void *)p;
                RtlCopyMemory(p, code, sizeof(code));
                ok(fn() == 0x12345678, "code in the block did not run\n");
            }
            if (p) ExFreePoolWithTag(p, TAG_TEST);
            winetest_pop_context();
        }
    if (!queried) skip("ZwQueryVirtualMemory answers for no pool block: protections not read\n");
}

/* Session types map onto ordinary pools; POOL_COLD_ALLOCATION is only a hint (3.2). */
static void test_other_types(void)
{
    static const ULONG types[] = {X_NonPagedPoolSession, X_PagedPoolSession, X_NonPagedPoolCacheAlignedSession,
                                  X_PagedPoolCacheAlignedSession, X_NonPagedPoolSessionNx,
                                  PagedPool | X_POOL_COLD_ALLOCATION, NonPagedPoolNx | X_POOL_COLD_ALLOCATION};
    unsigned i;
    for (i = 0; i < KMTEST_ARRAY_SIZE(types); i++)
    {
        UCHAR *p = ExAllocatePoolWithTag((POOL_TYPE)types[i], 200, TAG_TEST), *q;
        ok(p != NULL, "type %#lx: NULL\n", types[i]);
        q = ExAllocatePoolWithTag((POOL_TYPE)types[i], 2 * PAGE_SIZE, TAG_TEST);
        ok(q != NULL && (!(layout & KMTEST_POOL_ALIGNED) || kmtest_page_offset(q) == 0), "type %#lx: big block %p\n",
           types[i], q);
        if (p && (layout & KMTEST_POOL_ALIGNED) && (types[i] == X_NonPagedPoolCacheAlignedSession || types[i] == X_PagedPoolCacheAlignedSession))
            ok(((ULONG_PTR)p & 63) == 0, "type %#lx: %p not 64-byte aligned\n", types[i], p);
        if (p)
        {
            kmtest_fill_pattern(p, 200, 9);
            ok(kmtest_check_pattern(p, 200, 9), "type %#lx: contents lost\n", types[i]);
            ExFreePoolWithTag(p, TAG_TEST);
        }
        if (q) ExFreePoolWithTag(q, TAG_TEST);
    }
}

/* ExAllocatePool2/3 (3.1, 3.2, 8.3): zeroed unless POOL_FLAG_UNINITIALIZED; tag 0, unknown required
 * bits and a pool-type choice other than exactly one of NON_PAGED / NON_PAGED_EXECUTE / PAGED
 * (project decision: the reference's "safe implementation") give NULL; unknown optional bits are
 * ignored. */
static void test_pool2(void)
{
    static const SIZE_T sizes[] = {1, 24, 200, SMALL_MAX, PAGE_SIZE, 3 * PAGE_SIZE + 100};
    static const ULONG64 bad_flags[] = {0, F_CACHE_ALIGNED, F_NON_PAGED | 0x800, F_NON_PAGED | F_RESERVED1,
        F_PAGED | F_REQUIRED_END, F_NON_PAGED | F_NON_PAGED_EXECUTE, F_NON_PAGED | F_PAGED, F_NON_PAGED_EXECUTE | F_PAGED,
        F_NON_PAGED | F_NON_PAGED_EXECUTE | F_PAGED};
    static const ULONG64 good_flags[] = {F_NON_PAGED | (1ull << 40), F_PAGED | F_SPECIAL_POOL,
        F_NON_PAGED_EXECUTE | F_OPTIONAL_END, F_PAGED | F_USE_QUOTA, F_NON_PAGED | F_CACHE_ALIGNED | F_UNINITIALIZED};
    static void *dirty[16];
    unsigned i, j;
    for (i = 0; i < KMTEST_ARRAY_SIZE(sizes); i++)
    {
        UCHAR *p;
        /* Leave garbage behind in freed blocks of this size, then ask for a zeroed one. */
        for (j = 0; j < 16; j++)
        {
            dirty[j] = pool2(F_NON_PAGED | F_UNINITIALIZED, sizes[i], TAG_TEST);
            ok(dirty[j] != NULL, "UNINITIALIZED, %Iu bytes: NULL\n", sizes[i]);
            if (dirty[j]) kmtest_fill(dirty[j], sizes[i], 0xCC);
        }
        for (j = 0; j < 16; j++) if (dirty[j]) free2(dirty[j], TAG_TEST, NULL, 0);
        p = pool2(F_NON_PAGED, sizes[i], TAG_TEST);
        ok(p != NULL, "%Iu bytes: NULL\n", sizes[i]);
        if (!p) continue;
        ok(all_zero(p, sizes[i]), "%Iu bytes: not zeroed\n", sizes[i]);
        if (is_small(sizes[i])) kmtest_pool_check_small(layout, p, sizes[i], TAG_TEST);
        else ok(kmtest_page_offset(p) == 0, "%Iu bytes: %p not page aligned\n", sizes[i], p);
        free2(p, TAG_TEST, NULL, 0);
    }
    ok(!pool2(F_NON_PAGED, 64, 0), "tag 0 accepted\n");
    for (i = 0; i < KMTEST_ARRAY_SIZE(bad_flags); i++)
    {
        void *p = pool2(bad_flags[i], 64, TAG_TEST);
        ok(p == NULL, "flags %#I64x accepted\n", bad_flags[i]);
        if (p) free2(p, TAG_TEST, NULL, 0);
    }
    for (i = 0; i < KMTEST_ARRAY_SIZE(good_flags); i++)
    {
        UCHAR *p = pool2(good_flags[i], 64, TAG_TEST);
        ok(p != NULL, "flags %#I64x refused\n", good_flags[i]);
        if (!p) continue;
        if (!(good_flags[i] & F_UNINITIALIZED)) ok(all_zero(p, 64), "flags %#I64x: not zeroed\n", good_flags[i]);
        kmtest_fill_pattern(p, 64, 1);
        free2(p, TAG_TEST, NULL, 0);
    }
}

static void test_pool3(void)
{
    ext_param priority = {X_PoolExtendedParameterPriority, 0, 0, HighPoolPriority};
    ext_param unknown = {0x55, 0, 0, 0}, unknown_optional = {0x55, 1, 0, 0};
    ext_param both[2] = {{X_PoolExtendedParameterPriority, 0, 0, LowPoolPriority}, {0x55, 1, 0, 0}};
    UCHAR *p;
    if (!pool3)
    {
        todo_wine_if(kmtest_wine_builtin()) win_skip("no ExAllocatePool3 (Windows before 10 20H1)\n");
        return;
    }
    p = pool3(F_NON_PAGED, 300, TAG_TEST, NULL, 0);
    ok(p && all_zero(p, 300), "no parameters: %p\n", p);
    if (p) { kmtest_pool_check_small(layout, p, 300, TAG_TEST); free2(p, TAG_TEST, NULL, 0); }
    p = pool3(F_PAGED, 300, TAG_TEST, &priority, 1);
    ok(p && all_zero(p, 300), "priority parameter: %p\n", p);
    if (p) free2(p, TAG_TEST, NULL, 0);
    p = pool3(F_NON_PAGED, 300, TAG_TEST, &unknown, 1);
    ok(!p, "unknown required parameter type accepted\n");
    if (p) free2(p, TAG_TEST, NULL, 0);
    p = pool3(F_NON_PAGED, 300, TAG_TEST, &unknown_optional, 1);
    ok(p != NULL, "unknown optional parameter type refused\n");
    if (p) free2(p, TAG_TEST, NULL, 0);
    p = pool3(F_NON_PAGED, 5000, TAG_TEST, both, 2);
    ok(p && kmtest_page_offset(p) == 0 && all_zero(p, 5000), "priority + unknown optional: %p\n", p);
    if (p) free2(p, TAG_TEST, NULL, 0);
    p = pool3(F_NON_PAGED, 300, 0, NULL, 0);
    ok(!p, "tag 0 accepted\n");
    /* A parameter count without parameters is refused (nothing to read them from). */
    p = pool3(F_NON_PAGED, 300, TAG_TEST, NULL, 1);
    ok(!p, "a count of 1 with no parameters accepted\n");
    if (p) free2(p, TAG_TEST, NULL, 0);
}

static void test_priority(void)
{
    static const ULONG priorities[] = {LowPoolPriority, NormalPoolPriority, HighPoolPriority,
        X_NormalPoolPrioritySpecialPoolOverrun, X_NormalPoolPrioritySpecialPoolUnderrun};
    unsigned i;
    if (kmtest_builtin_stub("ExAllocatePoolWithTagPriority")) return;
    for (i = 0; i < KMTEST_ARRAY_SIZE(priorities); i++)
    {
        void *p = ExAllocatePoolWithTagPriority(NonPagedPool, 100, TAG_TEST, (EX_POOL_PRIORITY)priorities[i]);
        void *q = ExAllocatePoolWithTagPriority(PagedPool, 3 * PAGE_SIZE, TAG_TEST, (EX_POOL_PRIORITY)priorities[i]);
        ok(p != NULL && q != NULL, "priority %lu: %p %p\n", priorities[i], p, q);
        if (p) { kmtest_fill_pattern(p, 100, 4); ExFreePoolWithTag(p, TAG_TEST); }
        if (q) { kmtest_fill_pattern(q, 3 * PAGE_SIZE, 4); ExFreePoolWithTag(q, TAG_TEST); }
    }
}

/* ExQueryPoolBlockSize (3.4; kmtest expectations taken as project decisions). DriverEntry runs in
 * the System process, whose quota allocations Windows does not charge (ReactOS's
 * ExAllocatePoolWithQuotaTag leaves PsInitialSystemProcess out): hence broken() for those; under
 * Wine the driver runs in winedevice.exe, an ordinary process. */
static void test_query_block_size(void)
{
    static const struct { int how; ULONG type; SIZE_T size, expect; BOOLEAN quota; } cases[] =
    {
        {0, NonPagedPool, 8, 0, FALSE},
        {1, PagedPool, 100, 0, TRUE},           /* ExAllocatePoolWithQuotaTag */
        {2, NonPagedPool, 50, 0, TRUE},         /* ExAllocatePoolWithQuota */
        {3, 0, 70, 0, TRUE},                    /* POOL_FLAG_PAGED | POOL_FLAG_USE_QUOTA */
        {0, PagedPool, PAGE_SIZE, PAGE_SIZE, FALSE},
        {0, NonPagedPool, PAGE_SIZE + 1, 2 * PAGE_SIZE, FALSE},
        /* Page-sized quota requests are not charged (3.1: ReactOS's kmtest, run on Windows, finds
         * they take no process reference). */
        {1, PagedPool, 2 * PAGE_SIZE, 2 * PAGE_SIZE, FALSE},
    };
    unsigned i;
    if (kmtest_builtin_stub("ExQueryPoolBlockSize")) return;
    for (i = 0; i < KMTEST_ARRAY_SIZE(cases); i++)
    {
        BOOLEAN quota = 0xCC;   /* anything but TRUE/FALSE, so an unwritten flag shows */
        SIZE_T size = 0;
        void *p;
        if (cases[i].how == 3 && !pool2) continue;
        p = cases[i].how == 0 ? ExAllocatePoolWithTag((POOL_TYPE)cases[i].type, cases[i].size, TAG_TEST)
          : cases[i].how == 1 ? ExAllocatePoolWithQuotaTag((POOL_TYPE)cases[i].type, cases[i].size, TAG_TEST)
          : cases[i].how == 2 ? ExAllocatePoolWithQuota((POOL_TYPE)cases[i].type, cases[i].size)
          : pool2(F_PAGED | F_USE_QUOTA, cases[i].size, TAG_TEST);
        if (p) size = ExQueryPoolBlockSize(p, &quota);
        ok((cases[i].expect ? size == cases[i].expect : size >= cases[i].size) &&
           (quota == cases[i].quota || broken(cases[i].quota && quota == FALSE)),
           "case %u, %Iu bytes: size %Iu, quota %u\n", i, cases[i].size, size, quota);
        if (p) ExFreePool(p);
    }
}

/* Every free routine frees blocks of every allocator (3.3); a freed block's memory is reused. */
static void test_frees(void)
{
    unsigned i;
    for (i = 0; i < 20000; i++)
    {
        SIZE_T n = (i % 5 == 4) ? PAGE_SIZE + i % 3000 : 1 + i % 700;
        void *p;
        switch (i % 4)
        {
        case 0: p = ExAllocatePoolWithTag(NonPagedPool, n, TAG_TEST); break;
        case 1: p = pool2 ? pool2(F_PAGED, n, TAG_TEST) : ExAllocatePoolWithTag(PagedPool, n, TAG_TEST); break;
        case 2: p = ExAllocatePoolWithQuotaTag(NonPagedPoolNx, n, TAG_TEST); break;
        default: p = ExAllocatePool(PagedPool, n); break;
        }
        if (!p) break;
        kmtest_fill(p, n, 0xEE);
        switch (i % 3)
        {
        case 0: ExFreePool(p); break;
        case 1: ExFreePoolWithTag(p, i % 4 == 3 ? 0 : TAG_TEST); break;
        default:
            if (free2) free2(p, i % 4 == 3 ? TAG_NONE : TAG_TEST, NULL, 0);
            else ExFreePoolWithTag(p, i % 4 == 3 ? TAG_NONE : TAG_TEST);
            break;
        }
    }
    ok(i == 20000, "allocation %u of 20000 failed\n", i);
}

void kmtest_group_pool_flags(void)
{
    layout = kmtest_pool_layout();
    pool2 = (pool2_fn)kmtest_routine(L"ExAllocatePool2");
    pool3 = (pool3_fn)kmtest_routine(L"ExAllocatePool3");
    free2 = (free2_fn)kmtest_routine(L"ExFreePool2");
    if (!pool2 || !free2)
    {
        pool2 = NULL;
        todo_wine_if(kmtest_wine_builtin()) win_skip("no ExAllocatePool2/ExFreePool2 (Windows before 10 2004)\n");
    }
    test_default_tags();
    test_zero_bytes();
    test_cache_aligned();
    test_protection();
    test_other_types();
    if (pool2) test_pool2();
    test_pool3();
    test_priority();
    test_query_block_size();
    test_frees();
}
