/*
 * What a free build of Windows does (converted from tests/pe/free_build.c), as the peers'
 * Windows-validated kernel tests see it (issue 11). Facts, not code, from ReactOS's kmtests
 * (modules/rostests/kmtests/ntos_ke/KeIrql.c, KeSpinLock.c; ntos_ex/ExInterlocked.c, ExPools.c),
 * which are run on Windows as well:
 * 1. IRQL: KeRaiseIrql to a level below the current one and KeLowerIrql to a higher one set that
 *    level ("these bugcheck on a checked build but run fine on free", KeIrql.c); KeAcquireSpinLock
 *    at HIGH_LEVEL leaves the caller at DISPATCH_LEVEL and the release goes back (KeSpinLock.c).
 *    With the verifier on these stop (tests/pe/spin_lock.c, hal.c); so may Windows with Driver
 *    Verifier on this driver: the group is KMTEST_BUGCHECK_ON_FAILURE.
 * 2. The lock word is 1 while held on a free multiprocessor build (KeSpinLock.c); releasing a lock
 *    another thread took just frees it.
 * 3. KeTestSpinLock (TRUE only for 0), KeTryToAcquireSpinLockAtDpcLevel (TRUE, then FALSE while
 *    held), the ForDpc pairs (no IRQL change outside a threaded DPC; the in-stack handle's OldIrql
 *    is the caller's), the in-stack queued handle while held (the word names the handle, Lock is
 *    the lock | LOCK_QUEUE_OWNER, Next NULL) and the raising in-stack and RaiseToSynch forms (x64
 *    kernel exports, i386 hal.dll's), at PASSIVE, APC, DISPATCH and HIGH_LEVEL.
 * 4. i386: the NT 3.x interlocked routines (free_build_nt3.c).
 * 6. ExQueryPoolBlockSize and the small/big boundary (ExPools.c): kept right.
 * New routines are looked up by name (MmGetSystemRoutineAddress, as the kmtests look them up), so
 * the driver also runs against Wine's builtin, where what it lacks is a todo_wine. Which stay in
 * tests/pe/free_build.c: 5 (a quota block's reference on the process object: the count is read
 * where the object's owner keeps it, which the program tells from the modules loaded in it) and
 * the lock word with the verifier on (a process of its own, NTOSKRNL_VERIFIER=1).
 */
#include "kmode_test.h"
#include "free_build.h"

/* The IRQL routines as the DDK's i386 driver reaches them (hal.dll), on x86_64 the kernel's
 * exports by name (the header's are CR8 inlines, irql_cr8.c). */
#ifdef _X86_
#define get_irql() KeGetCurrentIrql()
#define raise_irql(irql) KfRaiseIrql(irql)
#define lower_irql(irql) KeLowerIrql(irql)
#define raise_to_dpc() KeRaiseIrqlToDpcLevel()
extern VOID (NTAPI *imp_KeAcquireSpinLockAtDpcLevel)(PKSPIN_LOCK) __asm__("__imp__KeAcquireSpinLockAtDpcLevel@4");
extern VOID (NTAPI *imp_KeReleaseSpinLockFromDpcLevel)(PKSPIN_LOCK) __asm__("__imp__KeReleaseSpinLockFromDpcLevel@4");
#define acquire_at_dpc_stdcall(l) imp_KeAcquireSpinLockAtDpcLevel(l)
#define release_from_dpc_stdcall(l) imp_KeReleaseSpinLockFromDpcLevel(l)
#else
static KIRQL (*p_KeGetCurrentIrql)(VOID);
static KIRQL (*p_KfRaiseIrql)(KIRQL);
static VOID (*p_KeLowerIrql)(KIRQL);
static KIRQL (*p_KeRaiseIrqlToDpcLevel)(VOID);
#define get_irql() p_KeGetCurrentIrql()
#define raise_irql(irql) p_KfRaiseIrql(irql)
#define lower_irql(irql) p_KeLowerIrql(irql)
#define raise_to_dpc() p_KeRaiseIrqlToDpcLevel()
#define acquire_at_dpc_stdcall(l) KeAcquireSpinLockAtDpcLevel(l)
#define release_from_dpc_stdcall(l) KeReleaseSpinLockFromDpcLevel(l)
#endif
#define SYNCH (sizeof(void *) == 8 ? 12 : 27)

struct queue_handle { void *next; ULONG_PTR lock; KIRQL old_irql; };

typedef BOOLEAN(FASTCALL *lock_test_fn)(PKSPIN_LOCK);
typedef KIRQL(FASTCALL *for_dpc_acquire_fn)(PKSPIN_LOCK);
typedef void(FASTCALL *for_dpc_release_fn)(PKSPIN_LOCK, KIRQL);
typedef void(FASTCALL *in_stack_acquire_fn)(PKSPIN_LOCK, struct queue_handle *);
typedef void(FASTCALL *in_stack_release_fn)(struct queue_handle *);
typedef KIRQL(FASTCALL *raise_to_synch_fn)(PKSPIN_LOCK);

static int builtin;   /* Wine's builtin ntoskrnl.exe: what it lacks is todo_wine */

static const KIRQL levels[] = {PASSIVE_LEVEL, APC_LEVEL, DISPATCH_LEVEL, HIGH_LEVEL};
#define for_each_level(i) for (i = 0; i < sizeof(levels); i++)

/* ---- 1. IRQL on a free build ---- */
static void test_irql(void)
{
    unsigned irql;
    KIRQL old;

    ok(get_irql() == PASSIVE_LEVEL, "initial IRQL %u\n", get_irql());
    for (irql = PASSIVE_LEVEL; irql <= HIGH_LEVEL; irql++)
    {
        old = raise_irql((KIRQL)irql);
        ok(old == PASSIVE_LEVEL, "raise to %u returned %u\n", irql, old);
        ok(get_irql() == irql, "IRQL %u after a raise to %u\n", get_irql(), irql);
        lower_irql(old);
        ok(get_irql() == PASSIVE_LEVEL, "IRQL %u after lowering from %u\n", get_irql(), irql);
    }
    /* Raising below the current level and lowering above it (KeIrql.c, free builds). */
    raise_irql(HIGH_LEVEL);
    old = raise_irql(APC_LEVEL);
    ok(old == HIGH_LEVEL, "raise below returned %u\n", old);
    ok(get_irql() == APC_LEVEL, "IRQL %u after raising below HIGH_LEVEL\n", get_irql());
    lower_irql(HIGH_LEVEL);
    ok(get_irql() == HIGH_LEVEL, "IRQL %u after lowering above APC_LEVEL\n", get_irql());
    lower_irql(PASSIVE_LEVEL);
    /* KeRaiseIrqlToDpcLevel twice returns DISPATCH_LEVEL the second time. */
    ok(raise_to_dpc() == PASSIVE_LEVEL, "first KeRaiseIrqlToDpcLevel\n");
    ok(raise_to_dpc() == DISPATCH_LEVEL, "second KeRaiseIrqlToDpcLevel\n");
    lower_irql(PASSIVE_LEVEL);
    ok(get_irql() == PASSIVE_LEVEL, "final IRQL %u\n", get_irql());
}

/* ---- 1 and 2. KeAcquireSpinLock at every level; the word ---- */
static void take_and_leave(void *lock, unsigned index)
{
    (void)index;
    KeAcquireSpinLockAtDpcLevel((PKSPIN_LOCK)lock);
}

static void test_spin_lock_word(void)
{
    KSPIN_LOCK lock;
    unsigned i;

    for_each_level(i)
    {
        KIRQL start = levels[i], old;
        winetest_push_context("from IRQL %u", start);
        lock = (KSPIN_LOCK)-1;
        KeInitializeSpinLock(&lock);
        ok(lock == 0, "initialised word %#Ix\n", lock);
        raise_irql(start);
        KeAcquireSpinLock(&lock, &old);
        ok(old == start, "KeAcquireSpinLock returned %u\n", old);
        ok(lock == 1, "word %#Ix while held\n", lock);
        ok(get_irql() == DISPATCH_LEVEL, "IRQL %u while held\n", get_irql());
        KeReleaseSpinLock(&lock, old);
        ok(lock == 0, "word %#Ix after release\n", lock);
        ok(get_irql() == start, "IRQL %u after release\n", get_irql());
        /* Without an IRQL change, at any level on a free build. */
        KeAcquireSpinLockAtDpcLevel(&lock);
        ok(lock == 1, "word %#Ix held at DPC level\n", lock);
        ok(get_irql() == start, "IRQL %u\n", get_irql());
        KeReleaseSpinLockFromDpcLevel(&lock);
        acquire_at_dpc_stdcall(&lock);
        ok(lock == 1, "word %#Ix held through the stdcall export\n", lock);
        release_from_dpc_stdcall(&lock);
        ok(lock == 0, "word %#Ix after release\n", lock);
        lower_irql(PASSIVE_LEVEL);
        winetest_pop_context();
    }
    /* Taken by a thread that ends, released by another: a free build just clears the word. */
    lock = 0;
    ok(kmtest_run_threads(1, take_and_leave, &lock) == 1, "the thread did not start\n");
    ok(lock == 1, "word %#Ix held by the ended thread\n", lock);
    KeReleaseSpinLockFromDpcLevel(&lock);
    ok(lock == 0, "word %#Ix after another thread's release\n", lock);
}

/* ---- 3. The rest of the spin lock family ---- */
static void test_test_and_try(int irql_ok)
{
    lock_test_fn test = kmtest_routine(L"KeTestSpinLock"), try_acquire = kmtest_routine(L"KeTryToAcquireSpinLockAtDpcLevel");
    static const ULONG_PTR held_words[] = {1, 2, (ULONG_PTR)-1, (ULONG_PTR)1 << (sizeof(ULONG_PTR) * 8 - 1)};
    KSPIN_LOCK lock = 0;
    unsigned i;

    todo_wine_if(builtin) ok(test != NULL, "KeTestSpinLock is not exported\n");
    todo_wine_if(builtin) ok(try_acquire != NULL, "KeTryToAcquireSpinLockAtDpcLevel is not exported\n");
    if (test)
    {
        ok(test(&lock) == TRUE, "KeTestSpinLock(0) is not TRUE\n");
        for (i = 0; i < KMTEST_ARRAY_SIZE(held_words); i++)
        {
            lock = held_words[i];
            ok(test(&lock) == FALSE, "KeTestSpinLock(%#Ix) is not FALSE\n", lock);
        }
        lock = 0;
        ok(test(&lock) == TRUE, "KeTestSpinLock(0) again\n");
    }
    if (!try_acquire || !irql_ok) return;   /* no IRQL routines to set the levels (kmtest_group_free_build) */
    for_each_level(i)
    {
        winetest_push_context("IRQL %u", levels[i]);
        raise_irql(levels[i]);
        ok(try_acquire(&lock) == TRUE, "a free lock was not taken\n");
        ok(lock == 1, "word %#Ix\n", lock);
        ok(try_acquire(&lock) == FALSE, "a held lock was taken again\n");
        if (test) ok(test(&lock) == FALSE, "KeTestSpinLock of a held lock\n");
        ok(get_irql() == levels[i], "IRQL %u\n", get_irql());
        KeReleaseSpinLockFromDpcLevel(&lock);
        ok(lock == 0, "word %#Ix after release\n", lock);
        lower_irql(PASSIVE_LEVEL);
        winetest_pop_context();
    }
}

/* One in-stack queued form from `start`: while held the word names the handle, whose Lock is the
 * lock | LOCK_QUEUE_OWNER, Next NULL, OldIrql the caller's, and the IRQL is `held`; the release
 * frees the word, clears the owner bit and goes back to `start`. */
static void check_in_stack(in_stack_acquire_fn acquire, in_stack_release_fn release, KIRQL start, KIRQL held)
{
    KSPIN_LOCK lock = 0;
    struct queue_handle h;

    kmtest_fill(&h, sizeof(h), 0x55);
    acquire(&lock, &h);
    ok(lock == (ULONG_PTR)&h, "word %#Ix, handle %p\n", lock, &h);
    ok(h.next == NULL, "Next %p\n", h.next);
    ok(h.lock == ((ULONG_PTR)&lock | 2), "Lock %#Ix, lock %p\n", h.lock, &lock);
    ok(h.old_irql == start, "OldIrql %u, expected %u\n", h.old_irql, start);
    ok(get_irql() == held, "IRQL %u while held, expected %u\n", get_irql(), held);
    release(&h);
    ok(lock == 0 && h.lock == (ULONG_PTR)&lock, "after release: word %#Ix, Lock %#Ix\n", lock, h.lock);
    ok(get_irql() == start, "IRQL %u after release\n", get_irql());
}

static void test_for_dpc(int irql_ok)
{
    for_dpc_acquire_fn acquire = kmtest_routine(L"KeAcquireSpinLockForDpc");
    for_dpc_release_fn release = kmtest_routine(L"KeReleaseSpinLockForDpc");
    in_stack_acquire_fn acquire_q = kmtest_routine(L"KeAcquireInStackQueuedSpinLockForDpc");
    in_stack_release_fn release_q = kmtest_routine(L"KeReleaseInStackQueuedSpinLockForDpc");
    KSPIN_LOCK lock = 0;
    unsigned i;

    todo_wine_if(builtin) ok(acquire && release, "KeAcquireSpinLockForDpc / KeReleaseSpinLockForDpc are not exported\n");
    todo_wine_if(builtin) ok(acquire_q && release_q, "KeAcquireInStackQueuedSpinLockForDpc / ...ForDpc are not exported\n");
    if (!(acquire && release) && !(acquire_q && release_q)) return;
    if (!irql_ok) return;   /* no IRQL routines to set the levels (kmtest_group_free_build) */
    for_each_level(i)
    {
        KIRQL start = levels[i];
        winetest_push_context("IRQL %u", start);
        raise_irql(start);
        if (acquire && release)
        {
            KIRQL old = acquire(&lock);
            ok(old == start, "KeAcquireSpinLockForDpc returned %u\n", old);
            ok(lock == 1, "word %#Ix\n", lock);
            ok(get_irql() == start, "IRQL %u while held\n", get_irql());
            release(&lock, old);
            ok(lock == 0 && get_irql() == start, "after release: word %#Ix, IRQL %u\n", lock, get_irql());
        }
        if (acquire_q && release_q) check_in_stack(acquire_q, release_q, start, start);   /* no IRQL change */
        lower_irql(PASSIVE_LEVEL);
        winetest_pop_context();
    }
}

static void test_raising_forms(void)
{
    /* The DDK's KeAcquireInStackQueuedSpinLock & co.: x64 kernel exports, i386 hal.dll's (both
     * found by MmGetSystemRoutineAddress). */
    const struct { in_stack_acquire_fn acquire; KIRQL held; const char *name; } in_stack[] = {
        {kmtest_routine(L"KeAcquireInStackQueuedSpinLock"), DISPATCH_LEVEL, "KeAcquireInStackQueuedSpinLock"},
        {kmtest_routine(L"KeAcquireInStackQueuedSpinLockRaiseToSynch"), SYNCH,
         "KeAcquireInStackQueuedSpinLockRaiseToSynch"},
    };
    in_stack_release_fn release = kmtest_routine(L"KeReleaseInStackQueuedSpinLock");
    raise_to_synch_fn raise_to_synch = kmtest_routine(L"KeAcquireSpinLockRaiseToSynch");
    KSPIN_LOCK lock = 0;
    unsigned i, f;

    ok(in_stack[0].acquire && in_stack[1].acquire && release && raise_to_synch,
       "the raising in-stack / RaiseToSynch forms are missing\n");
    if (!in_stack[0].acquire || !in_stack[1].acquire || !release || !raise_to_synch) return;
    for_each_level(i)
    {
        KIRQL start = levels[i], old;
        winetest_push_context("IRQL %u", start);
        raise_irql(start);
        for (f = 0; f < KMTEST_ARRAY_SIZE(in_stack); f++)
        {
            winetest_push_context("%s", in_stack[f].name);
            check_in_stack(in_stack[f].acquire, release, start, in_stack[f].held);
            winetest_pop_context();
        }

        old = raise_to_synch(&lock);
        ok(old == start, "KeAcquireSpinLockRaiseToSynch returned %u\n", old);
        ok(lock == 1, "word %#Ix\n", lock);
        ok(get_irql() == SYNCH, "IRQL %u while held\n", get_irql());
        KeReleaseSpinLock(&lock, old);
        ok(lock == 0, "word %#Ix after release\n", lock);
        lower_irql(PASSIVE_LEVEL);
        winetest_pop_context();
    }
}

/* ---- 6. ExQueryPoolBlockSize ---- */
typedef SIZE_T(NTAPI *query_fn)(void *, BOOLEAN *);
#define POOL_QUOTA_FAIL_INSTEAD_OF_RAISE 8

/* POOL_HEADER.PoolTag: the second ULONG of the header right before a small block (8 / 16 bytes). */
static ULONG pool_tag(const void *p) { return ((const ULONG *)((const char *)p - 2 * sizeof(void *)))[1]; }

static void test_block_size(void)
{
    query_fn query = kmtest_routine(L"ExQueryPoolBlockSize");
    const ULONG tag = 0x4B62517A; /* 'zQbK' */
    const SIZE_T small_max = 4096 - 4 * sizeof(void *);
    BOOLEAN charged;
    SIZE_T size;
    void *p;

    ok(query != NULL, "pool routines missing\n");
    /* Wine 8.0's builtin exports ExQueryPoolBlockSize as a stub (___wine_stub_ExQueryPoolBlockSize). */
    if (!query || kmtest_builtin_stub("ExQueryPoolBlockSize")) return;
    p = ExAllocatePoolWithTag(NonPagedPool, 8, tag);
    charged = 2;
    size = query(p, &charged);
    ok(size >= 8 && charged == FALSE, "small block: size %Iu, charged %u\n", size, charged);
    ok(pool_tag(p) == tag, "tag %#lx in the header\n", pool_tag(p));
    ExFreePoolWithTag(p, tag);
    p = ExAllocatePoolWithQuotaTag(PagedPool | POOL_QUOTA_FAIL_INSTEAD_OF_RAISE, 2 * sizeof(void *), tag);
    charged = 2;
    size = query(p, &charged);
    ok(size >= 2 * sizeof(void *) && charged == TRUE, "quota block: size %Iu, charged %u\n", size, charged);
    ExFreePoolWithTag(p, tag);
    p = ExAllocatePoolWithTag(NonPagedPool, 4096, tag);
    charged = 2;
    size = query(p, &charged);
    ok((ULONG_PTR)p % 4096 == 0, "page block %p not page aligned\n", p);
    ok(size == 4096 && charged == FALSE, "page block: size %Iu, charged %u\n", size, charged);
    ExFreePoolWithTag(p, tag);
    p = ExAllocatePoolWithTag(NonPagedPool, 4097, tag);
    size = query(p, &charged);
    ok(size == 8192, "4097 bytes: size %Iu\n", size);
    ExFreePoolWithTag(p, tag);
    /* The small/big boundary: PAGE_SIZE - 4 pointers is the last small block (ExPools.c). */
    p = ExAllocatePoolWithTag(PagedPool, small_max, tag);
    ok((ULONG_PTR)p % 4096 != 0 && pool_tag(p) == tag, "%Iu bytes: %p is not a small block\n", small_max, p);
    ExFreePoolWithTag(p, tag);
    p = ExAllocatePoolWithTag(PagedPool, small_max + 1, tag);
    ok((ULONG_PTR)p % 4096 == 0, "%Iu bytes: %p is not page aligned\n", small_max + 1, p);
    ExFreePoolWithTag(p, tag);
}

void kmtest_group_free_build(void)
{
    int irql_routines;
    builtin = kmtest_wine_builtin();
#ifndef _X86_
    p_KeGetCurrentIrql = kmtest_routine(L"KeGetCurrentIrql");
    p_KfRaiseIrql = kmtest_routine(L"KfRaiseIrql");
    p_KeLowerIrql = kmtest_routine(L"KeLowerIrql");
    p_KeRaiseIrqlToDpcLevel = kmtest_routine(L"KeRaiseIrqlToDpcLevel");
    irql_routines = p_KeGetCurrentIrql && p_KfRaiseIrql && p_KeLowerIrql && p_KeRaiseIrqlToDpcLevel;
#else
    irql_routines = 1;
#endif
    /* Wine 8.0's builtin has no IRQL to test: x86_64 KeGetCurrentIrql is missing and
     * KeRaiseIrqlToDpcLevel a stub of its hal.dll (both archs), the other IRQL routines
     * return 0. Only the lookups and the pool parts run against it. */
    todo_wine_if(builtin) ok(!builtin && irql_routines, "no IRQL routines: the IRQL and spin lock parts do not run\n");
    if (!builtin && irql_routines)
    {
        test_irql();
        test_spin_lock_word();
        test_raising_forms();
    }
    test_test_and_try(!builtin && irql_routines);
    test_for_dpc(!builtin && irql_routines);
#ifdef _X86_
    kmtest_free_build_nt3(builtin);
#endif
    test_block_size();
}
