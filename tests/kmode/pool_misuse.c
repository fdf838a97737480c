/*
 * Pool misuse (converted from tests/pe/pool_misuse.c): what Windows answers with a bug check
 * (double frees, frees of addresses that are not the start of a pool block, PROTECTED_POOL tag
 * mismatches, headers and slack overwritten, MustSucceed requests), one bug-check case each
 * (KMTEST_BUGCHECK_CASE: the launcher runs the driver once per case and compares the bug check
 * the place recorded), and the misuse a free build lets pass (group pool_misuse).
 *
 * Codes and parameters: windows-behavior.md 3.1 [BC:0xC2], [BC:0x19], [DDKXP:ExFreePoolWithTag],
 * [assarbad]; where the bug-check page leaves a parameter "reserved" or the reference leaves the
 * case open, the project's decision is followed and the parameter is not checked. Wine's builtin
 * makes none of these checks (its heaps have no POOL_HEADER): todo there.
 */
#include "kmode_test.h"

#define TAG_TEST MEMTAG('P', 'l', 'M', 's')
#define TAG_OTHER MEMTAG('P', 'l', 'O', 't')
#define TAG_PROTECTED (MEMTAG('1', 't', 's', 'T') | PROTECTED_POOL)   /* 'Tst1' | PROTECTED_POOL */
#define HEADER_SIZE (2 * sizeof(void *))
#define POOL_FLAG_NON_PAGED 0x40ull
#define ALL (KMTEST_P1 | KMTEST_P2 | KMTEST_P3 | KMTEST_P4)

typedef PVOID (NTAPI *ExAllocatePool2_fn)(ULONG64, SIZE_T, ULONG);
typedef VOID (NTAPI *ExFreePool2_fn)(PVOID, ULONG, PVOID, ULONG);

static int static_variable;

#define expect(code, checked, p1, p2, p3, p4) \
    todo_wine_if(kmtest_wine_builtin()) kmtest_expect_bugcheck(code, checked, (ULONG64)(ULONG_PTR)(p1), \
                                        (ULONG64)(ULONG_PTR)(p2), (ULONG64)(ULONG_PTR)(p3), (ULONG64)(ULONG_PTR)(p4))

/* 0x07 "freeing already-free pool": P2 reserved (project decision: 0), P3 the header, P4 the address. */
static void double_free(POOL_TYPE type, SIZE_T size)
{
    UCHAR *p = ExAllocatePoolWithTag(type, size, TAG_TEST);
    if (!p) { ok(0, "no block\n"); return; }
    ExFreePoolWithTag(p, TAG_TEST);
    if (size < PAGE_SIZE) expect(BAD_POOL_CALLER, KMTEST_P1 | KMTEST_P2 | KMTEST_P4, 0x07, 0, 0, p);
    else expect(BAD_POOL_CALLER, KMTEST_P1 | KMTEST_P4, 0x07, 0, 0, p);
    ExFreePoolWithTag(p, TAG_TEST);
}
static void case_double_free_small(void) { double_free(NonPagedPool, 64); }
static void case_double_free_paged(void) { double_free(PagedPool, 64); }
static void case_double_free_big(void) { double_free(NonPagedPool, 3 * PAGE_SIZE); }

static void case_double_free_pool2(void)
{
    ExAllocatePool2_fn pool2 = (ExAllocatePool2_fn)kmtest_routine(L"ExAllocatePool2");
    ExFreePool2_fn free2 = (ExFreePool2_fn)kmtest_routine(L"ExFreePool2");
    UCHAR *p;
    if (!pool2 || !free2)
    {
        todo_wine_if(kmtest_wine_builtin()) win_skip("no ExAllocatePool2 / ExFreePool2 (Windows before 10 2004)\n");
        return;
    }
    p = pool2(POOL_FLAG_NON_PAGED, 200, TAG_TEST);
    if (!p) { ok(0, "no block\n"); return; }
    free2(p, TAG_TEST, NULL, 0);
    expect(BAD_POOL_CALLER, KMTEST_P1 | KMTEST_P2 | KMTEST_P4, 0x07, 0, 0, p);
    free2(p, TAG_TEST, NULL, 0);
}

/* 0x42 "address never in any pool" (project decision for P3/P4: 0). */
static void case_free_static(void)
{
    expect(BAD_POOL_CALLER, ALL, 0x42, &static_variable, 0, 0);
    ExFreePool(&static_variable);
}
static void case_free_stack(void)
{
    int local = 0;
    expect(BAD_POOL_CALLER, ALL, 0x42, &local, 0, 0);
    ExFreePool(&local);
}
static void case_free_null(void)
{
    expect(BAD_POOL_CALLER, ALL, 0x42, 0, 0, 0);
    ExFreePool(NULL);
}

/* 0x99: an invalid address (nonpaged); 0x41286: the middle of a paged allocation. */
static void free_middle(POOL_TYPE type, SIZE_T size, SIZE_T offset)
{
    UCHAR *p = ExAllocatePoolWithTag(type, size, TAG_TEST);
    if (!p) { ok(0, "no block\n"); return; }
    kmtest_fill(p, size < PAGE_SIZE ? size : PAGE_SIZE, 0);
    if (type == NonPagedPool) expect(BAD_POOL_CALLER, KMTEST_P1 | KMTEST_P2, 0x99, p + offset, 0, 0);
    else expect(BAD_POOL_CALLER, KMTEST_P1, 0x41286, 0, 0, 0);
    ExFreePoolWithTag(p + offset, TAG_TEST);
}
static void case_free_middle_nonpaged(void) { free_middle(NonPagedPool, 64, 16); }
static void case_free_middle_paged(void) { free_middle(PagedPool, 64, 16); }
static void case_free_middle_big_paged(void) { free_middle(PagedPool, 3 * PAGE_SIZE, PAGE_SIZE); }

/* 0x0A: a PROTECTED_POOL block freed without its tag; P2 the address, P3 the block's tag, P4 the
 * tag passed (0 for ExFreePool). */
static void protected_free(SIZE_T size, int with_tag)
{
    UCHAR *p = ExAllocatePoolWithTag(size < PAGE_SIZE ? NonPagedPool : PagedPool, size, TAG_PROTECTED);
    if (!p) { ok(0, "no block\n"); return; }
    expect(BAD_POOL_CALLER, ALL, 0x0A, p, TAG_PROTECTED, with_tag ? TAG_OTHER : 0);
    if (with_tag) ExFreePoolWithTag(p, TAG_OTHER);
    else ExFreePool(p);
}
static void case_protected_exfreepool(void) { protected_free(64, 0); }
static void case_protected_other_tag(void) { protected_free(64, 1); }
static void case_protected_big(void) { protected_free(2 * PAGE_SIZE, 0); }

/* Consecutive 64-byte requests are likely neighbours: a block b whose header starts right at the
 * end of a block a (64 is a whole number of units). */
static int find_neighbours(UCHAR **a, UCHAR **b)
{
    static UCHAR *blk[32];
    unsigned i, j;
    for (i = 0; i < 32; i++) blk[i] = ExAllocatePoolWithTag(NonPagedPool, 64, TAG_TEST);
    for (i = 0; i < 32; i++)
        for (j = 0; j < 32; j++)
            if (blk[i] && blk[j] && blk[j] == blk[i] + 64 + HEADER_SIZE)
            {
                *a = blk[i], *b = blk[j];
                return 1;
            }
    return 0;
}

/* BAD_POOL_HEADER: a's last bytes run over b's header; freeing b (the victim) is any of the
 * header-corruption subcodes; freeing a (the overrunner) finds the next header changed: 0x20. */
static void overrun(int free_victim)
{
    UCHAR *a, *b;
    unsigned k;
    if (!find_neighbours(&a, &b))
    {
        skip("no two neighbouring 64-byte blocks to overrun between\n");
        return;
    }
    for (k = 0; k < HEADER_SIZE; k++) a[64 + k] = (UCHAR)~a[64 + k];
    if (free_victim) expect(BAD_POOL_HEADER, 0, 0, 0, 0, 0);
    else expect(BAD_POOL_HEADER, KMTEST_P1, 0x20, 0, 0, 0);
    ExFreePoolWithTag(free_victim ? b : a, TAG_TEST);
}
static void case_overrun_next_header(void) { overrun(1); }
static void case_overrun_free_the_overrunner(void) { overrun(0); }

static void case_underrun_own_header(void)
{
    UCHAR *p = ExAllocatePoolWithTag(PagedPool, 64, TAG_TEST);
    unsigned k;
    if (!p) { ok(0, "no block\n"); return; }
    for (k = 1; k <= HEADER_SIZE; k++) p[-(int)k] = (UCHAR)~p[-(int)k];
    expect(BAD_POOL_HEADER, 0, 0, 0, 0, 0);
    ExFreePoolWithTag(p, TAG_TEST);
}

/* 0x21 "data after block corrupted": P2 the block, P3 the bytes asked for. Below a page the
 * caller gets exactly the bytes asked for (3.1): 13 bytes leave bytes 13..15 of the last unit
 * unused on both architectures; cache-aligned blocks are whole lines, their slack is checked too. */
static void write_past_end(POOL_TYPE type, SIZE_T size, SIZE_T span)
{
    UCHAR *p = ExAllocatePoolWithTag(type, size, TAG_TEST);
    SIZE_T k;
    if (!p) { ok(0, "no block\n"); return; }
    for (k = size; k < size + span; k++) p[k] = (UCHAR)~p[k];
    expect(BAD_POOL_HEADER, KMTEST_P1 | KMTEST_P2 | KMTEST_P3, 0x21, p, size, 0);
    ExFreePoolWithTag(p, TAG_TEST);
}
static void case_write_past_end(void) { write_past_end(NonPagedPool, 13, 3); }
static void case_write_past_end_cache_aligned(void) { write_past_end(NonPagedPoolCacheAligned, 10, 30); }
static void case_write_past_end_below_a_page(void) { write_past_end(NonPagedPool, PAGE_SIZE - 10, 1); }

/* A write after free destroys the free-list link kept in the block: 0x3 "the pool freelist is
 * corrupt" (P2 the entry), found when the list is next followed. */
static void case_write_after_free(void)
{
    UCHAR *p = ExAllocatePoolWithTag(NonPagedPool, 200, TAG_TEST);
    unsigned k;
    if (!p) { ok(0, "no block\n"); return; }
    ExFreePoolWithTag(p, TAG_TEST);
    kmtest_fill(p, 200, 0);   /* the driver still uses the block it gave back */
    expect(BAD_POOL_HEADER, KMTEST_P1 | KMTEST_P2, 0x03, p, 0, 0);
    for (k = 0; k < 4; k++) ExAllocatePoolWithTag(NonPagedPool, 200, TAG_TEST);
}

/* 0x9A: a MUST_SUCCEED request; P2 the pool type, P3 the bytes, P4 the tag. */
static void case_must_succeed(void)
{
    expect(BAD_POOL_CALLER, ALL, 0x9A, NonPagedPoolMustSucceed, 100, TAG_TEST);
    ExAllocatePoolWithTag(NonPagedPoolMustSucceed, 100, TAG_TEST);
}
static void case_must_succeed_cache(void)
{
    expect(BAD_POOL_CALLER, ALL, 0x9A, NonPagedPoolCacheAlignedMustS, 300, TAG_TEST);
    ExAllocatePoolWithTag(NonPagedPoolCacheAlignedMustS, 300, TAG_TEST);
}

#define CASE(name) {#name, "pool_misuse.c", case_##name, PASSIVE_LEVEL, KMTEST_BUGCHECK_CASE}
const struct kmtest_group kmtest_pool_misuse_cases[] = {
    CASE(double_free_small), CASE(double_free_paged), CASE(double_free_pool2), CASE(double_free_big),
    CASE(free_static), CASE(free_stack), CASE(free_null), CASE(free_middle_nonpaged), CASE(free_middle_paged),
    CASE(free_middle_big_paged), CASE(protected_exfreepool), CASE(protected_other_tag), CASE(protected_big),
    CASE(overrun_next_header), CASE(overrun_free_the_overrunner), CASE(underrun_own_header), CASE(write_past_end),
    CASE(write_past_end_cache_aligned), CASE(write_past_end_below_a_page), CASE(write_after_free),
    CASE(must_succeed), CASE(must_succeed_cache),
};
const unsigned kmtest_pool_misuse_case_count = KMTEST_ARRAY_SIZE(kmtest_pool_misuse_cases);

/* What a free build lets pass: a PROTECTED_POOL block freed with its own tag, and an unprotected
 * block freed with another tag (free builds check protected tags only, [assarbad]; 3.1 says not
 * to expect a crash here). The pool still works afterwards. */
void kmtest_group_pool_misuse(void)
{
    UCHAR *p = ExAllocatePoolWithTag(NonPagedPool, 64, TAG_PROTECTED), *q;
    ok(p != NULL, "protected block: NULL\n");
    if (p) ExFreePoolWithTag(p, TAG_PROTECTED);
    p = ExAllocatePoolWithTag(NonPagedPool, 64, TAG_TEST);
    q = ExAllocatePoolWithTag(NonPagedPool, 2 * PAGE_SIZE, TAG_TEST);
    ok(p && q, "blocks: %p %p\n", p, q);
    if (p) ExFreePoolWithTag(p, TAG_OTHER);
    if (q) ExFreePoolWithTag(q, TAG_OTHER);
    p = ExAllocatePoolWithTag(NonPagedPool, 64, TAG_TEST);
    ok(p != NULL, "the pool fails after the frees with other tags\n");
    if (p) ExFreePoolWithTag(p, TAG_TEST);
}
