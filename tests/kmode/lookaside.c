/*
 * Lookaside lists and SLists as drivers reach them (converted from tests/pe/lookaside.c and
 * lookaside_driver.c; tests/pe keeps the binding of the program's imports, and the pop that
 * resumes after a fault, which needs a vectored handler ahead of the module's). Every call is
 * the DDK's: the allocate/free paths are the header inlines (ExAllocateFromNPagedLookasideList &
 * co., which expand to InterlockedPop/PushEntrySList and a Depth read on XP+ builds, to
 * ExInterlockedPop/PushEntrySList with the list's obsolete lock and to the
 * ExAllocateFromPagedLookasideList / ExFreeToPagedLookasideList imports on i386
 * _WIN2K_COMPAT_SLIST_USAGE builds: windows-behavior.md 5.1, 7). On i386 this source is built
 * twice: group "lookaside" as an XP+ driver, group "lookaside_win2k" with _WIN2K_COMPAT_SLIST_USAGE
 * (tests/kmode/CMakeLists.txt). Expected behaviour: windows-behavior.md 3.5, 3.6, 3.9, 4.3, 8.5,
 * 8.6, 8.8; the depth-tuning and SystemLookasideInformation checks follow the project's decisions
 * where the reference leaves Windows' behaviour open (marked). Routines newer than the driver's
 * oldest Windows (the Ex lists: Vista; FirstEntrySList: XP; the x64 Windows 11 22H2 exports) are
 * resolved at run time.
 */
#include "kmode_test.h"

#if defined(_WIN2K_COMPAT_SLIST_USAGE) && defined(_X86_)
#define WIN2K_COMPAT 1
#define GROUP kmtest_group_lookaside_win2k
#else
#define WIN2K_COMPAT 0
#define GROUP kmtest_group_lookaside
#endif

#define TAG_LIST MEMTAG('L', 'k', 'T', 's')
#define STORAGE_TAG MEMTAG('T', 'L', 's', 'T')
#define MIN_BLOCK (sizeof(void *))   /* LOOKASIDE_MINIMUM_BLOCK_SIZE: 4 / 8 (3.5) */
#define X_POOL_NX_ALLOCATION 0x200u
#define HEADER_SIZE (2 * sizeof(void *))
#define GUARD_BYTES 64
#define SystemTimeOfDayInformation 3
#define SystemLookasideInformation 45

NTSYSAPI NTSTATUS NTAPI ZwQuerySystemInformation(ULONG SystemInformationClass, PVOID SystemInformation,
                                                 ULONG SystemInformationLength, PULONG ReturnLength);
NTKERNELAPI SIZE_T NTAPI ExQueryPoolBlockSize(PVOID PoolBlock, PBOOLEAN QuotaCharged);
#ifndef _WIN64
/* i386: the paged exports Win2000-compat builds import (declared by ntddk.h only in that mode). */
NTKERNELAPI PVOID NTAPI export_alloc_paged(PPAGED_LOOKASIDE_LIST) __asm__("ExAllocateFromPagedLookasideList@4");
NTKERNELAPI VOID NTAPI export_free_paged(PPAGED_LOOKASIDE_LIST, PVOID) __asm__("ExFreeToPagedLookasideList@8");
#endif

typedef NTSTATUS (NTAPI *init_ex_fn)(PLOOKASIDE_LIST_EX, PALLOCATE_FUNCTION_EX, PFREE_FUNCTION_EX, POOL_TYPE, ULONG,
                                     SIZE_T, ULONG, USHORT);
typedef VOID (NTAPI *list_ex_fn)(PLOOKASIDE_LIST_EX);
typedef PSLIST_ENTRY (NTAPI *first_fn)(PSLIST_HEADER);
typedef PVOID (NTAPI *export_alloc_fn)(PVOID);
typedef VOID (NTAPI *export_free_fn)(PVOID, PVOID);

enum kind { LD_NPAGED, LD_PAGED, LD_EX };

static init_ex_fn init_ex;
static list_ex_fn delete_ex, flush_ex;
static first_fn first_entry;

/* What the custom callbacks saw. */
static struct
{
    int allocs, frees;
    ULONG last_type, last_tag;
    SIZE_T last_size;
    void *last_list;        /* the list an Ex callback received (NULL for classic ones) */
} calls;

static const char *kind_name(enum kind k) { return k == LD_NPAGED ? "npaged" : k == LD_PAGED ? "paged" : "ex"; }

static PVOID NTAPI count_allocate(POOL_TYPE type, SIZE_T size, ULONG tag)
{
    calls.allocs++, calls.last_type = type, calls.last_size = size, calls.last_tag = tag, calls.last_list = NULL;
    return ExAllocatePoolWithTag(NonPagedPool, size, tag);
}

static VOID NTAPI count_free(PVOID block)
{
    calls.frees++, calls.last_list = NULL;
    ExFreePool(block);
}

static PVOID NTAPI count_allocate_ex(POOL_TYPE type, SIZE_T size, ULONG tag, PLOOKASIDE_LIST_EX list)
{
    PVOID p = count_allocate(type, size, tag);
    calls.last_list = list;
    return p;
}

static VOID NTAPI count_free_ex(PVOID block, PLOOKASIDE_LIST_EX list)
{
    count_free(block);
    calls.last_list = list;
}

static SIZE_T storage_size(enum kind kind)
{
    return kind == LD_NPAGED ? sizeof(NPAGED_LOOKASIDE_LIST) : kind == LD_PAGED ? sizeof(PAGED_LOOKASIDE_LIST)
                                                                                : sizeof(LOOKASIDE_LIST_EX);
}

static int guard_intact(void *list, enum kind kind)
{
    return kmtest_check_fill((UCHAR *)list + storage_size(kind), GUARD_BYTES, 0xA5);
}

/* A list in zeroed nonpaged storage of the DDK's size, GUARD_BYTES of 0xA5 after it (writes past
 * the structure show). NULL for an Ex list that failed (*status). */
static void *create(enum kind kind, int custom, ULONG flags_or_type, ULONG ex_flags, SIZE_T size, ULONG tag,
                    USHORT depth, NTSTATUS *status)
{
    UCHAR *list = ExAllocatePoolWithTag(NonPagedPool, storage_size(kind) + GUARD_BYTES, STORAGE_TAG);
    NTSTATUS st = STATUS_SUCCESS;
    if (!list) return NULL;
    kmtest_fill(list, storage_size(kind), 0);
    kmtest_fill(list + storage_size(kind), GUARD_BYTES, 0xA5);
    if (kind == LD_NPAGED)
        ExInitializeNPagedLookasideList((PNPAGED_LOOKASIDE_LIST)list, custom ? count_allocate : NULL,
                                        custom ? count_free : NULL, flags_or_type, size, tag, depth);
    else if (kind == LD_PAGED)
        ExInitializePagedLookasideList((PPAGED_LOOKASIDE_LIST)list, custom ? count_allocate : NULL,
                                       custom ? count_free : NULL, flags_or_type, size, tag, depth);
    else
        st = init_ex((PLOOKASIDE_LIST_EX)list, custom ? count_allocate_ex : NULL, custom ? count_free_ex : NULL,
                     (POOL_TYPE)flags_or_type, ex_flags, size, tag, depth);
    if (status) *status = st;
    if (!NT_SUCCESS(st))
    {
        ExFreePool(list);
        return NULL;
    }
    return list;
}

static void destroy(void *list, enum kind kind)
{
    if (kind == LD_NPAGED) ExDeleteNPagedLookasideList(list);
    else if (kind == LD_PAGED) ExDeletePagedLookasideList(list);
    else delete_ex(list);
}

static void *alloc(void *list, enum kind kind)
{
    if (kind == LD_NPAGED) return ExAllocateFromNPagedLookasideList(list);
    if (kind == LD_PAGED) return ExAllocateFromPagedLookasideList(list);
    return ExAllocateFromLookasideListEx(list);
}

static void release(void *list, enum kind kind, void *block)
{
    if (kind == LD_NPAGED) ExFreeToNPagedLookasideList(list, block);
    else if (kind == LD_PAGED) ExFreeToPagedLookasideList(list, block);
    else ExFreeToLookasideListEx(list, block);
}

/* The exported forms: i386 ExAllocateFromPagedLookasideList / ExFreeToPagedLookasideList; x64 the
 * Windows 11 22H2 exports of all three kinds (MSDN: "changed from inline to exported"). */
static export_alloc_fn export_alloc[3];
static export_free_fn export_free[3];

static void resolve_exports(void)
{
#ifdef _WIN64
    static const WCHAR *const allocs[] = {L"ExAllocateFromNPagedLookasideList", L"ExAllocateFromPagedLookasideList",
                                          L"ExAllocateFromLookasideListEx"};
    static const WCHAR *const frees[] = {L"ExFreeToNPagedLookasideList", L"ExFreeToPagedLookasideList",
                                         L"ExFreeToLookasideListEx"};
    unsigned k;
    for (k = 0; k < 3; k++)
    {
        export_alloc[k] = (export_alloc_fn)kmtest_routine(allocs[k]);
        export_free[k] = (export_free_fn)kmtest_routine(frees[k]);
    }
#else
    export_alloc[LD_PAGED] = (export_alloc_fn)export_alloc_paged;
    export_free[LD_PAGED] = (export_free_fn)export_free_paged;
#endif
}

static void *alloc_export(void *list, enum kind kind) { return export_alloc[kind](list); }
static void release_export(void *list, enum kind kind, void *block) { export_free[kind](list, block); }

/* GENERAL_LOOKASIDE is first in all three structures. */
static GENERAL_LOOKASIDE *fields(void *list) { return &((NPAGED_LOOKASIDE_LIST *)list)->L; }

/* The paged inlines of a Win2000-compat build are the exports, which Wine's builtin only stubs. */
static int kind_usable(enum kind kind)
{
    if (kind == LD_EX) return init_ex != NULL;
    if (kind == LD_PAGED && WIN2K_COMPAT) return !kmtest_builtin_stub("ExAllocateFromPagedLookasideList");
    return 1;
}

static void test_initial_values(void)
{
    static const USHORT depths[] = {0, 20};
    static const ULONG flag_values[] = {0, X_POOL_NX_ALLOCATION};
    /* NULL callbacks make the list hold the pool routines themselves [MSDN:ExInitializeNPagedLookasideList]:
     * the addresses the driver's own imports of them are bound to (the driver host binds them to
     * its tracking thunks, and gives a list those). */
    void *pool_allocate = (void *)ExAllocatePoolWithTag, *pool_free = (void *)ExFreePool;
    enum kind kind;
    unsigned d, f;
    for (kind = LD_NPAGED; kind <= LD_PAGED; kind++)
        for (d = 0; d < 2; d++)
            for (f = 0; f < 2; f++)
            {
                void *list = create(kind, 0, flag_values[f], 0, MIN_BLOCK, TAG_LIST, depths[d], NULL);
                GENERAL_LOOKASIDE *v;
                winetest_push_context("%s depth %u flags %#lx", kind_name(kind), depths[d], flag_values[f]);
                ok(list != NULL, "no list\n");
                if (!list) { winetest_pop_context(); continue; }
                v = fields(list);
                ok(v->Depth == 4, "Depth %u\n", v->Depth);
                ok(v->MaximumDepth == 256, "MaximumDepth %u\n", v->MaximumDepth);
                ok(!v->TotalAllocates && !v->AllocateMisses && !v->TotalFrees && !v->FreeMisses,
                   "counters %lu %lu %lu %lu\n", v->TotalAllocates, v->AllocateMisses, v->TotalFrees, v->FreeMisses);
                ok(!v->LastTotalAllocates && !v->LastAllocateMisses, "Last* %lu %lu\n", v->LastTotalAllocates,
                   v->LastAllocateMisses);
                ok(v->Type == ((kind == LD_PAGED ? 1u : 0u) | flag_values[f]), "Type %#x\n", v->Type);
                ok(v->Tag == TAG_LIST, "Tag %#lx\n", v->Tag);
                ok(v->Size == MIN_BLOCK, "Size %lu\n", v->Size);
                ok((void *)v->Allocate == pool_allocate, "Allocate %p, ExAllocatePoolWithTag is %p\n",
                   (void *)v->Allocate, pool_allocate);
                ok((void *)v->Free == pool_free, "Free %p, ExFreePool is %p\n", (void *)v->Free, pool_free);
                ok(ExQueryDepthSList(&v->ListHead) == 0, "list holds %u entries\n", ExQueryDepthSList(&v->ListHead));
                ok(guard_intact(list, kind), "wrote past the structure\n");
                destroy(list, kind);
                ExFreePool(list);
                winetest_pop_context();
            }
}

/* Default routines: blocks come from the pool with the list's tag (ExAllocatePoolWithTag) and go
 * back through ExFreePool. */
static void test_default_routines(void)
{
    int query = !kmtest_builtin_stub("ExQueryPoolBlockSize");
    enum kind kind;
    for (kind = LD_NPAGED; kind <= LD_EX; kind++)
    {
        void *list, *blocks[6];
        BOOLEAN quota;
        int i;
        if (!kind_usable(kind)) continue;
        list = create(kind, 0, kind == LD_PAGED ? 1 : 0, 0, 100, TAG_LIST, 0, NULL);
        winetest_push_context("%s", kind_name(kind));
        for (i = 0; i < 6; i++)
        {
            blocks[i] = alloc(list, kind);
            ok(blocks[i] != NULL, "allocation %d failed\n", i);
            if (!blocks[i]) continue;
            kmtest_fill(blocks[i], 100, 0x5A);
            if (query) ok(ExQueryPoolBlockSize(blocks[i], &quota) >= 100, "not a pool block of 100 bytes\n");
            todo_wine_if(kmtest_wine_builtin())
            ok(*(const ULONG *)((const UCHAR *)blocks[i] - HEADER_SIZE + 4) == TAG_LIST, "pool tag %#lx\n",
               *(const ULONG *)((const UCHAR *)blocks[i] - HEADER_SIZE + 4));
        }
        for (i = 0; i < 6; i++) if (blocks[i]) release(list, kind, blocks[i]);
        destroy(list, kind);
        ExFreePool(list);
        winetest_pop_context();
    }
}

/* Allocate / free / delete with counting callbacks (3.6). `exported`: through the exported forms. */
static void test_counters_and_callbacks(enum kind kind, int exported)
{
    void *blocks[6], *again, *list = create(kind, 1, 0, 0, 48, TAG_LIST, 0, NULL);
    void *(*get)(void *, enum kind) = exported ? alloc_export : alloc;
    void (*put)(void *, enum kind, void *) = exported ? release_export : release;
    GENERAL_LOOKASIDE *v;
    int i;
    winetest_push_context("%s%s", kind_name(kind), exported ? " export" : "");
    ok(list != NULL, "no list\n");
    if (!list) { winetest_pop_context(); return; }
    v = fields(list);
    RtlZeroMemory(&calls, sizeof(calls));
    blocks[0] = get(list, kind);
    ok(calls.allocs == 1, "Allocate called %d times\n", calls.allocs);
    ok(calls.last_type == (kind == LD_PAGED ? 1u : 0u), "Allocate got type %#lx\n", calls.last_type);
    ok(calls.last_size == 48 && calls.last_tag == TAG_LIST, "Allocate got size %u tag %#lx\n", (unsigned)calls.last_size,
       calls.last_tag);
    ok(calls.last_list == (kind == LD_EX ? list : NULL), "callback got list %p\n", calls.last_list);
    ok(v->TotalAllocates == 1 && v->AllocateMisses == 1, "after one allocation %lu/%lu\n", v->TotalAllocates,
       v->AllocateMisses);
    put(list, kind, blocks[0]);
    ok(calls.frees == 0, "Free called below Depth\n");
    ok(v->TotalFrees == 1 && v->FreeMisses == 0 && ExQueryDepthSList(&v->ListHead) == 1, "after one free %lu/%lu depth %u\n",
       v->TotalFrees, v->FreeMisses, ExQueryDepthSList(&v->ListHead));
    again = get(list, kind);
    ok(again == blocks[0], "hit returned %p, not the cached %p\n", again, blocks[0]);
    ok(calls.allocs == 1, "Allocate called on a hit\n");
    blocks[0] = again;
    for (i = 1; i < 6; i++) blocks[i] = get(list, kind);
    for (i = 0; i < 6; i++) put(list, kind, blocks[i]);
    /* Depth 4: two of the six frees miss (unless the tuner raised Depth meanwhile: 3.6 says not to
     * assume Depth stays 4 across a second; this runs well within one). */
    ok(ExQueryDepthSList(&v->ListHead) == 4, "cached %u\n", ExQueryDepthSList(&v->ListHead));
    ok(v->FreeMisses == 2 && calls.frees == 2, "free misses %lu, Free called %d times\n", v->FreeMisses, calls.frees);
    ok(calls.last_list == (kind == LD_EX ? list : NULL), "Free callback got list %p\n", calls.last_list);
    calls.frees = 0;
    destroy(list, kind);
    ok(calls.frees == 4, "delete freed %d cached blocks, expected 4\n", calls.frees);
    ok(guard_intact(list, kind), "wrote past the structure\n");
    ExFreePool(list);
    winetest_pop_context();
}

static void test_ex_init_and_flush(void)
{
    static const struct { ULONG type, flags; NTSTATUS status; } cases[] =
    {
        {0, 0, 0}, {1, 0, 0}, {0x200, 0, 0},
        {0, 1, 0}, {0, 2, 0},
        {0, 3, STATUS_INVALID_PARAMETER_5},   /* mutually exclusive (3.5, 8.6) */
        {0, 0x10, STATUS_INVALID_PARAMETER_5},
        {2, 0, STATUS_INVALID_PARAMETER_4},   /* project decision: MustSucceed is no lookaside pool */
        {0x7777, 0, STATUS_INVALID_PARAMETER_4},
    };
    GENERAL_LOOKASIDE *v;
    unsigned i;
    void *list, *a, *b;
    for (i = 0; i < KMTEST_ARRAY_SIZE(cases); i++)
    {
        NTSTATUS status = 0x1234;
        list = create(LD_EX, 1, cases[i].type, cases[i].flags, 32, TAG_LIST, 0, &status);
        ok(status == cases[i].status, "type %#lx flags %#lx: status %#lx\n", cases[i].type, cases[i].flags, status);
        if (!list) continue;
        v = fields(list);
        ok(v->Type == (cases[i].type | (cases[i].flags & 1 ? 0x10u : 0) | (cases[i].flags & 2 ? 0x8u : 0)),
           "type %#lx flags %#lx: Type %#x\n", cases[i].type, cases[i].flags, v->Type);
        ok(v->Depth == 4 && v->MaximumDepth == 256, "Depth %u/%u\n", v->Depth, v->MaximumDepth);
        delete_ex(list);
        ExFreePool(list);
    }

    list = create(LD_EX, 1, 0, 0, 32, TAG_LIST, 0, NULL);
    ok(list != NULL, "no list\n");
    if (!list) return;
    v = fields(list);
    RtlZeroMemory(&calls, sizeof(calls));
    a = alloc(list, LD_EX);
    b = alloc(list, LD_EX);
    release(list, LD_EX, a);
    release(list, LD_EX, b);
    flush_ex(list);
    ok(ExQueryDepthSList(&v->ListHead) == 0, "flush left %u entries\n", ExQueryDepthSList(&v->ListHead));
    ok(calls.frees == 2 && calls.last_list == list, "flush freed %d, last list %p\n", calls.frees, calls.last_list);
    a = alloc(list, LD_EX);   /* still usable */
    ok(a != NULL && calls.allocs == 3, "allocation after flush %p, %d allocations\n", a, calls.allocs);
    release(list, LD_EX, a);
    delete_ex(list);
    ok(calls.frees == 3, "delete freed %d in all\n", calls.frees);
    ExFreePool(list);
}

/* ZwQuerySystemInformation(SystemLookasideInformation): one 32-byte record per list; the list's
 * record shows its counters. Project decision: a short buffer gets STATUS_INFO_LENGTH_MISMATCH and
 * the length all records need. */
struct rec { USHORT depth, max; ULONG allocs, misses, frees, free_misses, type, tag, size; };
static struct rec recs[256];

static void test_system_information(void)
{
    const int builtin = kmtest_wine_builtin();
    ULONG tag = MEMTAG('L', 'k', 'Q', 'y'), len = 0, i;
    /* A paged list; a nonpaged one where the paged inlines are exports the builtin only stubs. */
    const enum kind kind = kind_usable(LD_PAGED) ? LD_PAGED : LD_NPAGED;
    void *list = create(kind, 1, 0, 0, 72, tag, 0, NULL), *b;
    NTSTATUS status;
    int found = 0;
    if (!list) { ok(0, "no list\n"); return; }
    b = alloc(list, kind);
    release(list, kind, b);
    status = ZwQuerySystemInformation(SystemLookasideInformation, recs, 0, &len);
    todo_wine_if(builtin) ok(status == STATUS_INFO_LENGTH_MISMATCH, "empty buffer: %#lx\n", status);
    todo_wine_if(builtin) ok(len >= sizeof(struct rec) && len % 32 == 0, "needed length %lu\n", len);
    status = ZwQuerySystemInformation(SystemLookasideInformation, recs, sizeof(recs), &len);
    todo_wine_if(builtin) ok(status == STATUS_SUCCESS, "status %#lx\n", status);
    for (i = 0; NT_SUCCESS(status) && i < len / 32; i++)
    {
        if (recs[i].tag != tag) continue;
        found = 1;
        ok(recs[i].type == (kind == LD_PAGED ? 1u : 0u) && recs[i].size == 72, "type %lu size %lu\n", recs[i].type, recs[i].size);
        ok(recs[i].allocs == 1 && recs[i].misses == 1 && recs[i].frees == 1 && recs[i].free_misses == 0,
           "counters %lu %lu %lu %lu\n", recs[i].allocs, recs[i].misses, recs[i].frees, recs[i].free_misses);
        ok(recs[i].max == 256 && recs[i].depth >= 4, "depth %u/%u\n", recs[i].depth, recs[i].max);
    }
    todo_wine_if(builtin) ok(found, "list not reported\n");
    destroy(list, kind);
    ExFreePool(list);
    status = ZwQuerySystemInformation(SystemLookasideInformation, recs, sizeof(recs), &len);
    for (i = 0; NT_SUCCESS(status) && i < len / 32; i++) ok(recs[i].tag != tag, "deleted list still reported\n");
}

/* The system time in 100 ns units (SystemTimeOfDayInformation's CurrentTime, after BootTime):
 * the x64 DDK's KeQuerySystemTime reads KUSER_SHARED_DATA at its kernel address, which a Wine
 * process may not map. */
static ULONG64 now(void)
{
    LONGLONG times[6];
    ULONG got = 0;
    if (!NT_SUCCESS(ZwQuerySystemInformation(SystemTimeOfDayInformation, times, sizeof(times), &got))) return 0;
    return (ULONG64)times[1];
}

static void yield(void)
{
    LARGE_INTEGER zero;
    zero.QuadPart = 0;
    KeDelayExecutionThread(KernelMode, FALSE, &zero);
}

/* Bursts of 64 allocations then 64 frees; the balance-set tuner raises Depth once a second
 * (3.6). Asserted: within 15 s some one-second window shows under 5 % misses, where Depth 4 gives
 * 94 %. The curve goes to the log. */
static void test_depth_tuning(void)
{
    static void *held[64];
    void *list = create(LD_NPAGED, 0, 0, 0, 64, MEMTAG('L', 'k', 'B', 'r'), 0, NULL);
    ULONG64 start = now(), window = start;
    /* Wine's builtin has no tuner (Depth stays 4 and every window misses 94 %): 4 s show that. */
    const ULONG64 limit = kmtest_wine_builtin() ? 40000000ull : 150000000ull;
    ULONG allocs0 = 0, misses0 = 0;
    GENERAL_LOOKASIDE *v;
    int settled = 0, seconds = 0, i;
    char curve[512] = "";
    unsigned n = 0;
    if (!list) { ok(0, "no list\n"); return; }
    ok(start != 0, "no system time\n");
    v = fields(list);
    while (!settled && now() - start < limit)
    {
        for (i = 0; i < 64; i++) held[i] = alloc(list, LD_NPAGED);
        for (i = 0; i < 64; i++) release(list, LD_NPAGED, held[i]);
        if (now() - window < 10000000ull) { yield(); continue; }
        if (v->TotalAllocates > allocs0)
        {
            /* In 32 bits (i386 drivers link no 64-bit division helper). */
            ULONG all = v->TotalAllocates - allocs0, missed = v->AllocateMisses - misses0, permille;
            while (all > 4000000) all >>= 1, missed >>= 1;
            permille = missed * 1000 / (all ? all : 1);
            if (n < sizeof(curve))
                n += (unsigned)kmtest_snprintf(curve + n, sizeof(curve) - n, "%s%u:%lu.%lu%%/d%u", n ? " " : "", ++seconds,
                                               permille / 10, permille % 10, v->Depth);
            settled = permille < 50 && seconds > 1;
        }
        allocs0 = v->TotalAllocates;
        misses0 = v->AllocateMisses;
        window = now();
    }
    trace("burst miss ratio per second (second:miss%%/depth): %s\n", curve);
    todo_wine_if(kmtest_wine_builtin()) ok(settled, "miss ratio did not settle under 5%%: %s\n", curve);
    todo_wine_if(kmtest_wine_builtin()) ok(v->Depth > 4 && v->Depth <= 256, "Depth %u\n", v->Depth);
    ExDeleteNPagedLookasideList(list);
    ExFreePool(list);
}

/* SLists (3.9): push returns the previous first entry and counts Depth (and Sequence, on i386,
 * asserted for the layout this module keeps); pop returns the first entry and leaves its Next;
 * flush returns the chain; empty pop/flush return NULL and leave the header. */
static SLIST_HEADER slist_header;
static KSPIN_LOCK slist_lock;   /* only Win2000-compat builds use it (the XP+ headers drop it, 1.5) */

static int first_is(PSLIST_HEADER h, void *entry) { return !first_entry || (void *)first_entry(h) == entry; }

static void test_slists(void)
{
    static void *entries[3][2] __attribute__((aligned(16)));   /* each entry 16 bytes, Next first */
    PSLIST_HEADER hdr = &slist_header;
    UCHAR *header = (UCHAR *)hdr, before[16];

    if (!first_entry) todo_wine_if(kmtest_wine_builtin()) win_skip("no FirstEntrySList: its checks left out\n");
    ok(sizeof(SLIST_HEADER) == (sizeof(void *) == 8 ? 16u : 8u), "sizeof(SLIST_HEADER) %u\n", (unsigned)sizeof(SLIST_HEADER));
    KeInitializeSpinLock(&slist_lock);
    kmtest_fill(hdr, sizeof(*hdr), 0xEE);
    InitializeSListHead(hdr);
    ok(ExQueryDepthSList(hdr) == 0 && first_is(hdr, NULL), "initialised list not empty\n");
    RtlCopyMemory(before, header, sizeof(*hdr));
    ok(InterlockedPopEntrySList(hdr) == NULL, "pop of an empty list\n");
    ok(InterlockedFlushSList(hdr) == NULL, "flush of an empty list\n");
    ok(RtlCompareMemory(before, header, sizeof(*hdr)) == sizeof(*hdr), "empty pop/flush changed the header\n");

    ok(InterlockedPushEntrySList(hdr, (PSLIST_ENTRY)entries[0]) == NULL, "first push\n");
    ok(InterlockedPushEntrySList(hdr, (PSLIST_ENTRY)entries[1]) == (PSLIST_ENTRY)entries[0], "second push\n");
    ok(entries[1][0] == entries[0], "entry Next %p\n", entries[1][0]);
    ok(ExQueryDepthSList(hdr) == 2 && first_is(hdr, entries[1]), "depth %u\n", ExQueryDepthSList(hdr));
    if (sizeof(void *) == 4)
        ok(*(USHORT *)(header + 6) == 2, "Sequence %u after two pushes\n", *(USHORT *)(header + 6));
    else
        ok(*(ULONG64 *)(header + 8) == (ULONG64)(ULONG_PTR)entries[1] && (*(ULONG64 *)header >> 16) == 2,
           "HeaderX64 %I64x %I64x\n", *(ULONG64 *)header, *(ULONG64 *)(header + 8));
    ok(InterlockedPopEntrySList(hdr) == (PSLIST_ENTRY)entries[1], "pop\n");
    ok(entries[1][0] == entries[0], "popped entry's Next changed\n");
    ok(ExQueryDepthSList(hdr) == 1, "depth %u\n", ExQueryDepthSList(hdr));
    /* Wine's builtin (ntdll's i386 RtlInterlockedPopEntrySList) counts pops in Sequence too. */
    if (sizeof(void *) == 4) todo_wine_if(kmtest_wine_builtin()) ok(*(USHORT *)(header + 6) == 2, "pop changed Sequence\n");
    ExInterlockedPushEntrySList(hdr, (PSLIST_ENTRY)entries[1], &slist_lock);
    InterlockedPushEntrySList(hdr, (PSLIST_ENTRY)entries[2]);
    ok(ExInterlockedPopEntrySList(hdr, &slist_lock) == (PSLIST_ENTRY)entries[2], "locked pop\n");
    ok(InterlockedFlushSList(hdr) == (PSLIST_ENTRY)entries[1], "flush returns the chain\n");
    ok(entries[1][0] == entries[0] && entries[0][0] == NULL, "chain broken\n");
    ok(ExQueryDepthSList(hdr) == 0 && first_is(hdr, NULL), "flushed list not empty\n");
}

/* The pop hazard (ex/slist.h): threads pop entries and release their memory at once, so a pop
 * that lost the race may read the Next of an entry that is gone (page-sized pool blocks: the
 * pool may give their pages back). Every entry must be popped exactly once and no pop may fault. */
#define HAZARD_ENTRIES 1500
static SLIST_HEADER hazard_header;
static LONG hazard_popped;

static void hazard_thread(void *ctx, unsigned index)
{
    PSLIST_ENTRY e;
    UNREFERENCED_PARAMETER(ctx);
    UNREFERENCED_PARAMETER(index);
    while ((e = InterlockedPopEntrySList(&hazard_header)))
    {
        InterlockedIncrement(&hazard_popped);
        ExFreePool(e);
    }
}

static void test_pop_hazard(void)
{
    unsigned i, missing = 0, started;
    InitializeSListHead(&hazard_header);
    hazard_popped = 0;
    for (i = 0; i < HAZARD_ENTRIES; i++)
    {
        void *page = ExAllocatePoolWithTag(NonPagedPool, PAGE_SIZE, MEMTAG('L', 'k', 'H', 'z'));
        if (page) InterlockedPushEntrySList(&hazard_header, page);
        else missing++;
    }
    ok(missing == 0, "%u of %u pages not allocated\n", missing, HAZARD_ENTRIES);
    started = kmtest_run_threads(3, hazard_thread, NULL);
    ok(started == 3, "%u of 3 threads started\n", started);
    hazard_thread(NULL, 0);   /* whatever no thread took */
    ok(hazard_popped == (LONG)(HAZARD_ENTRIES - missing), "popped %ld of %u\n", hazard_popped, HAZARD_ENTRIES - missing);
    ok(ExQueryDepthSList(&hazard_header) == 0, "depth %u\n", ExQueryDepthSList(&hazard_header));
}

void GROUP(void)
{
    enum kind kind;
    init_ex = (init_ex_fn)kmtest_routine(L"ExInitializeLookasideListEx");
    delete_ex = (list_ex_fn)kmtest_routine(L"ExDeleteLookasideListEx");
    flush_ex = (list_ex_fn)kmtest_routine(L"ExFlushLookasideListEx");
    first_entry = (first_fn)kmtest_routine(L"FirstEntrySList");
    if (!init_ex || !delete_ex || !flush_ex)
    {
        init_ex = NULL;
        todo_wine_if(kmtest_wine_builtin()) win_skip("no ExInitializeLookasideListEx (Windows before Vista)\n");
    }
    resolve_exports();
    trace("built %s _WIN2K_COMPAT_SLIST_USAGE\n", WIN2K_COMPAT ? "with" : "without");
    test_slists();
    test_pop_hazard();
    test_initial_values();
    test_default_routines();
    for (kind = LD_NPAGED; kind <= LD_EX; kind++)
    {
        if (!kind_usable(kind)) continue;
        test_counters_and_callbacks(kind, 0);
        if (!export_alloc[kind] || !export_free[kind])
        {
            /* x64: exports since Windows 11 22H2 (i386 has the paged ones since NT 4). */
            if (sizeof(void *) == 8)
                todo_wine_if(kmtest_wine_builtin())
                win_skip("no exported %s allocate/free (Windows before 11 22H2)\n", kind_name(kind));
            continue;
        }
        if (kind == LD_PAGED && kmtest_builtin_stub("ExAllocateFromPagedLookasideList")) continue;
        test_counters_and_callbacks(kind, 1);
    }
    if (init_ex) test_ex_init_and_flush();
    test_system_information();
    test_depth_tuning();
}
