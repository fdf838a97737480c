/*
 * Driver Verifier's special pool (converted from tests/pe/special_pool.c): bug-check cases that
 * the launcher runs with Driver Verifier on for this driver, special pool option 0x1
 * (KMTEST_VERIFIER_CASE: VerifyDrivers = conformance.sys, VerifyDriverLevel = 1 in the prefixes;
 * the host's --verifier). Each small block ends at the end of a page of its own (Verify End
 * alignment), a guard page follows it, and a freed page is unmapped.
 *
 * Expectations: Microsoft's Driver Verifier "Special Pool" page (placement), bug checks 0xC1
 * SPECIAL_POOL_DETECTED_MEMORY_CORRUPTION (P1 the address; P4 the subcode: 0x20 not allocated,
 * 0x21 bad address, 0x23 nearby bytes corrupted, 0x24 bytes after the end overwritten), 0xD5 /
 * 0xD6 (a driver faulting in freed special pool / beyond the end of an allocation: P1 the
 * address, P2 0 read, 1 write). Windows enables the verifier only with verifier.exe and a reboot,
 * and each case ends in a bug check: these run in the prefixes and the host only. Wine's builtin
 * has no special pool: there each case stops at the placement probe (todo).
 */
#include "kmode_test.h"

#define TAG_SPECIAL MEMTAG('S', 'p', 'c', 'l')
#define UNIT (2 * sizeof(void *))   /* the pool's allocation unit: special pool blocks keep it */
#ifndef SPECIAL_POOL_DETECTED_MEMORY_CORRUPTION
#define SPECIAL_POOL_DETECTED_MEMORY_CORRUPTION 0xC1
#endif
#define DRIVER_PAGE_FAULT_IN_FREED_SPECIAL_POOL 0xD5
#define DRIVER_PAGE_FAULT_BEYOND_END_OF_ALLOCATION 0xD6

static SIZE_T span(SIZE_T n) { return (n + UNIT - 1) / UNIT * UNIT; }
static int at_page_end(const void *p, SIZE_T n) { return ((ULONG_PTR)p + span(n)) % PAGE_SIZE == 0; }

/* A 60-byte block from special pool, or NULL (with a failed check) when the driver is not being
 * verified: without special pool the misuse below would only corrupt the ordinary pool. */
static UCHAR *special_block(SIZE_T n)
{
    UCHAR *p = ExAllocatePoolWithTag(NonPagedPool, n, TAG_SPECIAL);
    int special = p && at_page_end(p, n);
    todo_wine_if(kmtest_wine_builtin())
        ok(special, "%Iu bytes at %p: not at the end of a page (special pool not in effect)\n", n, p);
    if (special) return p;
    if (p) ExFreePoolWithTag(p, TAG_SPECIAL);
    return NULL;
}

#define expect(code, checked, p1, p2, p3, p4) \
    kmtest_expect_bugcheck(code, checked, (ULONG64)(ULONG_PTR)(p1), (ULONG64)(ULONG_PTR)(p2), \
                           (ULONG64)(ULONG_PTR)(p3), (ULONG64)(ULONG_PTR)(p4))

/* Not a bug check: every size up to a page is placed at the end of its own page, and its bytes
 * are usable up to there. */
static void case_placement(void)
{
    SIZE_T n;
    UCHAR *p = special_block(60);
    if (!p) return;
    ExFreePoolWithTag(p, TAG_SPECIAL);
    for (n = 1; n <= 4000; n = n * 3 + 1)
    {
        UCHAR *q = ExAllocatePoolWithTag(NonPagedPool, n, TAG_SPECIAL);
        ok(q != NULL, "%Iu bytes: NULL\n", n);
        if (!q) continue;
        ok(at_page_end(q, n), "%Iu bytes at %p: not at the end of its page\n", n, q);
        kmtest_fill_pattern(q, n, (UCHAR)n);
        ok(kmtest_check_pattern(q, n, (UCHAR)n), "%Iu bytes: contents lost\n", n);
        ExFreePoolWithTag(q, TAG_SPECIAL);
    }
}

/* Bytes between the end of the request and the end of the page (the alignment slack): 0x24 at free. */
static void case_overrun_in_slack(void)
{
    UCHAR *p = special_block(60);
    if (!p) return;
    p[61] = 1;
    expect(SPECIAL_POOL_DETECTED_MEMORY_CORRUPTION, KMTEST_P1 | KMTEST_P4, p, 0, 0, 0x24);
    ExFreePool(p);
}

/* A byte before the block, below the pool's header: 0x23 at free. */
static void case_underrun(void)
{
    UCHAR *p = special_block(60);
    if (!p) return;
    p[-(int)UNIT - 1] = 1;
    expect(SPECIAL_POOL_DETECTED_MEMORY_CORRUPTION, KMTEST_P1 | KMTEST_P4, p, 0, 0, 0x23);
    ExFreePool(p);
}

static void case_double_free(void)
{
    UCHAR *p = special_block(60);
    if (!p) return;
    ExFreePool(p);
    expect(SPECIAL_POOL_DETECTED_MEMORY_CORRUPTION, KMTEST_P1 | KMTEST_P2 | KMTEST_P4, p, 0, 0, 0x20);
    ExFreePool(p);
}

static void case_interior_pointer(void)
{
    UCHAR *p = special_block(60);
    if (!p) return;
    expect(SPECIAL_POOL_DETECTED_MEMORY_CORRUPTION, KMTEST_P1 | KMTEST_P4, p + 8, 0, 0, 0x21);
    ExFreePool(p + 8);
}

/* The faulting cases need a fault on a no-access page to reach the module as an access violation,
 * which 32-bit Wine under qemu-user reports as an illegal instruction (kmtest_faults_emulated). */
static int faults_observable(void)
{
    if (!kmtest_faults_emulated()) return 1;
    skip("32-bit Wine under qemu-user reports a fault on a no-access page as an illegal instruction: "
         "special pool's page-fault detection cannot be observed\n");
    return 0;
}

static void case_overrun_past_page(void)
{
    UCHAR *p;
    if (!faults_observable() || !(p = special_block(64))) return;
    expect(DRIVER_PAGE_FAULT_BEYOND_END_OF_ALLOCATION, KMTEST_P1 | KMTEST_P2, p + 64, 1, 0, 0);
    ((volatile UCHAR *)p)[64] = 1;
}

static void case_use_after_free(void)
{
    UCHAR *p;
    if (!faults_observable() || !(p = special_block(60))) return;
    ExFreePool(p);
    expect(DRIVER_PAGE_FAULT_IN_FREED_SPECIAL_POOL, KMTEST_P1 | KMTEST_P2, p, 0, 0, 0);
    (void)((volatile UCHAR *)p)[0];
}

#define CASE(name) {"special_pool_" #name, "special_pool.c", case_##name, PASSIVE_LEVEL, KMTEST_BUGCHECK_CASE | KMTEST_VERIFIER_CASE}
const struct kmtest_group kmtest_special_pool_cases[] = {
    CASE(placement), CASE(overrun_in_slack), CASE(underrun), CASE(double_free), CASE(interior_pointer),
    CASE(overrun_past_page), CASE(use_after_free),
};
const unsigned kmtest_special_pool_case_count = KMTEST_ARRAY_SIZE(kmtest_special_pool_cases);
