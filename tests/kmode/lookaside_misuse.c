/*
 * Lookaside misuse (converted from tests/pe/lookaside_misuse.c, which keeps the pop of an entry
 * whose memory is gone: it needs user-mode VirtualFree). Driver Verifier stops it with
 * DRIVER_VERIFIER_DETECTED_VIOLATION (0xC4, windows-behavior.md 3.1 [BC:0xC4], 3.5): re-initialising
 * a live list (P1 0xCA, P2 the list), deleting a list that is not initialised (0xCB, P2 the list),
 * freeing pool that holds a live list (0xCC, P2 the list, P3 the pool block, P4 its size) and a
 * block size below LOOKASIDE_MINIMUM_BLOCK_SIZE (0xCD, P2 the list, P3 the size, P4 the minimum).
 * Those are bug-check cases run with Driver Verifier on for this driver (KMTEST_VERIFIER_CASE);
 * without it (group lookaside_misuse) the last one is accepted as passed, as on Windows without
 * Driver Verifier. Wine's builtin has no verifier: todo there.
 */
#include "kmode_test.h"

#define TAG_LIST MEMTAG('L', 'M', 'i', 's')
#define MIN_BLOCK LOOKASIDE_MINIMUM_BLOCK_SIZE   /* 4 / 8 */
#define LIST_BYTES (sizeof(NPAGED_LOOKASIDE_LIST))

#define expect(p1, checked, p2, p3, p4) \
    todo_wine_if(kmtest_wine_builtin()) kmtest_expect_bugcheck(DRIVER_VERIFIER_DETECTED_VIOLATION, KMTEST_P1 | (checked), \
        0x##p1, (ULONG64)(ULONG_PTR)(p2), (ULONG64)(ULONG_PTR)(p3), (ULONG64)(ULONG_PTR)(p4))
#ifndef DRIVER_VERIFIER_DETECTED_VIOLATION
#define DRIVER_VERIFIER_DETECTED_VIOLATION 0xC4
#endif

/* Zeroed nonpaged storage for a list (its own pool block, the list at its start). */
static void *storage(SIZE_T bytes)
{
    void *p = ExAllocatePoolWithTag(NonPagedPool, bytes, TAG_LIST);
    ok(p != NULL, "no storage for a list\n");
    if (p) kmtest_fill(p, bytes, 0);
    return p;
}

static void case_reinit(void)
{
    PNPAGED_LOOKASIDE_LIST list = storage(LIST_BYTES);
    if (!list) return;
    ExInitializeNPagedLookasideList(list, NULL, NULL, 0, 64, TAG_LIST, 0);
    expect(CA, KMTEST_P2, list, 0, 0);
    ExInitializeNPagedLookasideList(list, NULL, NULL, 0, 64, TAG_LIST, 0);
}

static void case_delete_uninit(void)
{
    PPAGED_LOOKASIDE_LIST list = storage(sizeof(PAGED_LOOKASIDE_LIST));
    if (!list) return;
    ExInitializePagedLookasideList(list, NULL, NULL, 0, 64, TAG_LIST, 0);
    ExDeletePagedLookasideList(list);
    expect(CB, KMTEST_P2, list, 0, 0);
    ExDeletePagedLookasideList(list);
}

/* P3 is the pool block that holds the list (here it starts with it); P4 its size is left open
 * (the reference names it without saying which size: request or block). */
static void case_free_live_list(void)
{
    PNPAGED_LOOKASIDE_LIST list = storage(LIST_BYTES);
    if (!list) return;
    ExInitializeNPagedLookasideList(list, NULL, NULL, 0, 64, TAG_LIST, 0);
    expect(CC, KMTEST_P2 | KMTEST_P3, list, list, 0);
    ExFreePoolWithTag(list, TAG_LIST);
}

static void case_size_too_small(void)
{
    PNPAGED_LOOKASIDE_LIST list = storage(LIST_BYTES);
    if (!list) return;
    expect(CD, KMTEST_P2 | KMTEST_P3 | KMTEST_P4, list, MIN_BLOCK - 1, MIN_BLOCK);
    ExInitializeNPagedLookasideList(list, NULL, NULL, 0, MIN_BLOCK - 1, TAG_LIST, 0);
}

/* Without Driver Verifier a free build takes the size as it is (no block is taken from the list:
 * a freed block would not hold the SLIST_ENTRY the list links it by). */
void kmtest_group_lookaside_misuse(void)
{
    PNPAGED_LOOKASIDE_LIST list = storage(LIST_BYTES);
    if (!list) return;
    ExInitializeNPagedLookasideList(list, NULL, NULL, 0, MIN_BLOCK - 1, TAG_LIST, 0);
    ok(list->L.Size == MIN_BLOCK - 1, "Size %lu, expected %Iu\n", list->L.Size, (SIZE_T)(MIN_BLOCK - 1));
    ExDeleteNPagedLookasideList(list);
    ExFreePoolWithTag(list, TAG_LIST);
}

#define CASE(name) {"lookaside_misuse_" #name, "lookaside_misuse.c", case_##name, PASSIVE_LEVEL, \
                    KMTEST_BUGCHECK_CASE | KMTEST_VERIFIER_CASE}
const struct kmtest_group kmtest_lookaside_misuse_cases[] = {
    CASE(reinit), CASE(delete_uninit), CASE(free_live_list), CASE(size_too_small),
};
const unsigned kmtest_lookaside_misuse_case_count = KMTEST_ARRAY_SIZE(kmtest_lookaside_misuse_cases);
