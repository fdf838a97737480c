/*
 * The i386 hal.dll (converted from tests/pe/hal.c and its driver half; spec/hal.dll.spec), through
 * the DDK headers as an i386 driver reaches it (windows-behavior.md 1.6, 5.1): the header macros
 * send KeAcquireSpinLock to hal.dll's fastcall KfAcquireSpinLock, KeRaiseIrql to KfRaiseIrql,
 * KeLowerIrql to KfLowerIrql, ExAcquireFastMutex to hal.dll's ExAcquireFastMutex; the driver links
 * MinGW-w64's libhal.a, Windows' own hal.dll list.
 * - KeAcquireSpinLock (KfAcquireSpinLock) raises to DISPATCH_LEVEL and returns the old IRQL, the
 *   release lowers again; the lock word is what the kernel's KeAcquireSpinLockAtDpcLevel stores;
 *   the stdcall forms older binaries import do the same; RaiseToSynch forms raise to SYNCH_LEVEL;
 * - KfRaiseIrql/KfLowerIrql and the stdcall KeRaiseIrql/KeLowerIrql round trips; the pool sees
 *   the IRQL raised through hal.dll (one IRQL);
 * - ExAcquireFastMutex raises to APC_LEVEL and keeps the old IRQL in the mutex, the release
 *   restores it; ExTryToAcquireFastMutex raises only when it acquires [MSDN:ExAcquireFastMutex,
 *   MSDN:ExTryToAcquireFastMutex];
 * - KeStallExecutionProcessor "busy-waits for at least the specified number of microseconds"
 *   [MSDN:KeStallExecutionProcessor] (a lower bound, no upper one is asserted).
 * The stdcall and XP-and-later routines are found by name at run time (Wine's builtin hal.dll
 * lacks KeLowerIrql, and a missing import would keep the driver from loading), stubs of Wine's
 * builtin are left out (kmtest_builtin_stub); it does not track the IRQL.
 * What stays in tests/pe/hal.c: which hal.dll the loader binds (the user-mode program's view),
 * KeQueryPerformanceCounter against user mode's QueryPerformanceCounter, misuse (a bug check
 * ends the process) and the builtin-hal robustness case (an environment of its own).
 * x86_64 has no hal.dll routines of this kind (CR8, irql_cr8.c): the group skips there.
 */
#include "kmode_test.h"

#ifdef _X86_
#define SYNCH 27   /* i386 multiprocessor: IPI_LEVEL (29) - 2 */
#define TAG_HAL 'laHT'
#define todo_builtin todo_wine_if(kmtest_wine_builtin())

static VOID (NTAPI *p_KeAcquireSpinLock)(PKSPIN_LOCK, PKIRQL);
static VOID (NTAPI *p_KeReleaseSpinLock)(PKSPIN_LOCK, KIRQL);
static VOID (NTAPI *p_KeRaiseIrql)(KIRQL, PKIRQL);
static VOID (NTAPI *p_KeLowerIrql)(KIRQL);
static KIRQL (FASTCALL *p_KeAcquireSpinLockRaiseToSynch)(PKSPIN_LOCK);
static VOID (FASTCALL *p_KeAcquireInStackQueuedSpinLock)(PKSPIN_LOCK, PKLOCK_QUEUE_HANDLE);
static VOID (FASTCALL *p_KeAcquireInStackQueuedSpinLockRaiseToSynch)(PKSPIN_LOCK, PKLOCK_QUEUE_HANDLE);
static VOID (FASTCALL *p_KeReleaseInStackQueuedSpinLock)(PKLOCK_QUEUE_HANDLE);
static KIRQL (NTAPI *p_KeRaiseIrqlToSynchLevel)(VOID);
extern VOID (NTAPI *imp_KeAcquireSpinLockAtDpcLevel)(PKSPIN_LOCK) __asm__("__imp__KeAcquireSpinLockAtDpcLevel@4");
extern VOID (NTAPI *imp_KeReleaseSpinLockFromDpcLevel)(PKSPIN_LOCK) __asm__("__imp__KeReleaseSpinLockFromDpcLevel@4");

/* A routine found by name, unless Wine's builtin only stubs it; a missing one is a failure. */
static void *routine(const WCHAR *wide, const char *name, int builtin_lacks)
{
    void *p;
    if (kmtest_builtin_stub(name)) return NULL;
    p = kmtest_routine(wide);
    todo_wine_if(kmtest_wine_builtin() && builtin_lacks) ok(p != NULL, "no %s\n", name);
    return p;
}

static void test_spin_locks(void)
{
    KSPIN_LOCK lock = 0, dpc_word;
    KLOCK_QUEUE_HANDLE handle;
    KIRQL old;

    ok(KeGetCurrentIrql() == PASSIVE_LEVEL, "initial IRQL %u\n", KeGetCurrentIrql());
    /* The word KeAcquireSpinLockAtDpcLevel (ntoskrnl.exe) leaves is the word hal.dll leaves
     * (KfRaiseIrql: KeRaiseIrqlToDpcLevel is a stub in Wine's builtin hal.dll, and so is the
     * header's Kef* pair in its ntoskrnl.exe: there the stdcall pair). */
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    if (kmtest_builtin_stub("KefAcquireSpinLockAtDpcLevel"))
    {
        imp_KeAcquireSpinLockAtDpcLevel(&lock);
        dpc_word = lock;
        imp_KeReleaseSpinLockFromDpcLevel(&lock);
    }
    else
    {
        KeAcquireSpinLockAtDpcLevel(&lock);
        dpc_word = lock;
        KeReleaseSpinLockFromDpcLevel(&lock);
    }
    KeLowerIrql(old);

    KeAcquireSpinLock(&lock, &old);
    ok(old == PASSIVE_LEVEL, "KfAcquireSpinLock returned %u\n", old);
    todo_builtin ok(KeGetCurrentIrql() == DISPATCH_LEVEL, "IRQL %u while holding the lock\n", KeGetCurrentIrql());
    ok(lock & 1, "lock word %#Ix while held\n", lock);
    ok(lock == dpc_word, "lock word %#Ix, KeAcquireSpinLockAtDpcLevel's %#Ix\n", lock, dpc_word);
    KeReleaseSpinLock(&lock, old);
    ok(lock == 0, "lock word %#Ix after release\n", lock);
    ok(KeGetCurrentIrql() == PASSIVE_LEVEL, "IRQL %u after release\n", KeGetCurrentIrql());

    if (p_KeAcquireSpinLock && p_KeReleaseSpinLock)
    {
        p_KeAcquireSpinLock(&lock, &old);
        todo_builtin ok(old == PASSIVE_LEVEL && KeGetCurrentIrql() == DISPATCH_LEVEL && (lock & 1),
                        "KeAcquireSpinLock (stdcall): old %u, IRQL %u, word %#Ix\n", old, KeGetCurrentIrql(), lock);
        p_KeReleaseSpinLock(&lock, old);
        ok(lock == 0 && KeGetCurrentIrql() == PASSIVE_LEVEL, "KeReleaseSpinLock (stdcall): IRQL %u, word %#Ix\n",
           KeGetCurrentIrql(), lock);
    }

    if (p_KeAcquireSpinLockRaiseToSynch)
    {
        old = p_KeAcquireSpinLockRaiseToSynch(&lock);
        ok(old == PASSIVE_LEVEL && KeGetCurrentIrql() == SYNCH && (lock & 1),
           "KeAcquireSpinLockRaiseToSynch: old %u, IRQL %u, word %#Ix\n", old, KeGetCurrentIrql(), lock);
        KeReleaseSpinLock(&lock, old);
        ok(lock == 0 && KeGetCurrentIrql() == PASSIVE_LEVEL, "after release: IRQL %u, word %#Ix\n", KeGetCurrentIrql(),
           lock);
    }

    if (!p_KeAcquireInStackQueuedSpinLock || !p_KeReleaseInStackQueuedSpinLock) return;
    p_KeAcquireInStackQueuedSpinLock(&lock, &handle);
    todo_builtin ok(handle.OldIrql == PASSIVE_LEVEL, "in-stack queued: OldIrql %u\n", handle.OldIrql);
    /* LOCK_QUEUE_OWNER (2) while held (kmtest KeSpinLock.c, free MP builds). */
    ok(handle.LockQueue.Lock == (PKSPIN_LOCK)((ULONG_PTR)&lock | 2), "handle does not record the lock as owned\n");
    /* A queued lock's word names the tail of its queue: the holder's KSPIN_LOCK_QUEUE, which is
     * the handle's LockQueue at offset 0. */
    todo_builtin ok(KeGetCurrentIrql() == DISPATCH_LEVEL && lock == (ULONG_PTR)&handle,
                    "in-stack queued: IRQL %u, word %#Ix\n", KeGetCurrentIrql(), lock);
    p_KeReleaseInStackQueuedSpinLock(&handle);
    ok(lock == 0 && KeGetCurrentIrql() == PASSIVE_LEVEL, "after release: IRQL %u, word %#Ix\n", KeGetCurrentIrql(), lock);

    if (!p_KeAcquireInStackQueuedSpinLockRaiseToSynch) return;
    p_KeAcquireInStackQueuedSpinLockRaiseToSynch(&lock, &handle);
    ok(handle.OldIrql == PASSIVE_LEVEL && KeGetCurrentIrql() == SYNCH && lock == (ULONG_PTR)&handle,
       "in-stack queued RaiseToSynch: old %u, IRQL %u, word %#Ix\n", handle.OldIrql, KeGetCurrentIrql(), lock);
    p_KeReleaseInStackQueuedSpinLock(&handle);
    ok(lock == 0 && KeGetCurrentIrql() == PASSIVE_LEVEL, "after release: IRQL %u, word %#Ix\n", KeGetCurrentIrql(), lock);
}

static void test_irql(void)
{
    KIRQL old;
    void *p;

    ok(KfRaiseIrql(APC_LEVEL) == PASSIVE_LEVEL, "KfRaiseIrql(APC_LEVEL) did not return PASSIVE_LEVEL\n");
    todo_builtin ok(KeGetCurrentIrql() == APC_LEVEL, "IRQL %u\n", KeGetCurrentIrql());
    /* The pool reads the same IRQL: paged pool is allowed at APC_LEVEL. */
    p = ExAllocatePoolWithTag(PagedPool, 32, TAG_HAL);
    ok(p != NULL, "PagedPool allocation at APC_LEVEL failed\n");
    if (p) ExFreePool(p);
    todo_builtin ok(KfRaiseIrql(DISPATCH_LEVEL) == APC_LEVEL, "KfRaiseIrql(DISPATCH_LEVEL) did not return APC_LEVEL\n");
    p = ExAllocatePoolWithTag(NonPagedPool, 32, TAG_HAL);
    ok(p != NULL, "NonPagedPool allocation at DISPATCH_LEVEL failed\n");
    if (p) ExFreePool(p);
    todo_builtin ok(KfRaiseIrql(HIGH_LEVEL) == DISPATCH_LEVEL, "KfRaiseIrql(HIGH_LEVEL) did not return DISPATCH_LEVEL\n");
    todo_builtin ok(KeGetCurrentIrql() == HIGH_LEVEL, "IRQL %u\n", KeGetCurrentIrql());
    todo_builtin ok(KfRaiseIrql(HIGH_LEVEL) == HIGH_LEVEL, "raising to the current level did not return it\n");
    KeLowerIrql(DISPATCH_LEVEL);
    todo_builtin ok(KeGetCurrentIrql() == DISPATCH_LEVEL, "IRQL %u after KfLowerIrql(DISPATCH_LEVEL)\n",
                    KeGetCurrentIrql());
    KeLowerIrql(PASSIVE_LEVEL);
    ok(KeGetCurrentIrql() == PASSIVE_LEVEL, "IRQL %u after KfLowerIrql(PASSIVE_LEVEL)\n", KeGetCurrentIrql());

    if (p_KeRaiseIrql && p_KeLowerIrql)
    {
        p_KeRaiseIrql(DISPATCH_LEVEL, &old);
        ok(old == PASSIVE_LEVEL && KeGetCurrentIrql() == DISPATCH_LEVEL, "KeRaiseIrql (stdcall): old %u, IRQL %u\n",
           old, KeGetCurrentIrql());
        p_KeLowerIrql(old);
        ok(KeGetCurrentIrql() == PASSIVE_LEVEL, "KeLowerIrql (stdcall): IRQL %u\n", KeGetCurrentIrql());
    }

    if (p_KeRaiseIrqlToSynchLevel)
    {
        old = p_KeRaiseIrqlToSynchLevel();
        ok(old == PASSIVE_LEVEL && KeGetCurrentIrql() == SYNCH, "KeRaiseIrqlToSynchLevel: old %u, IRQL %u\n", old,
           KeGetCurrentIrql());
        KeLowerIrql(old);
    }
    ok(KeGetCurrentIrql() == PASSIVE_LEVEL, "IRQL %u at the end\n", KeGetCurrentIrql());
}

static void test_stall(void)
{
    LARGE_INTEGER frequency, before, after;
    if (kmtest_builtin_stub("KeStallExecutionProcessor")) return;
    before = KeQueryPerformanceCounter(&frequency);
    KeStallExecutionProcessor(2000);
    after = KeQueryPerformanceCounter(NULL);
    ok(frequency.QuadPart > 0 && (after.QuadPart - before.QuadPart) * 1000000 >= 2000 * frequency.QuadPart,
       "stalled %I64d ticks at %I64d Hz for 2000 us\n", after.QuadPart - before.QuadPart, frequency.QuadPart);
}

static FAST_MUTEX shared_mutex;
static int got[2];

static void try_from_other_thread(void *ctx, unsigned index)
{
    (void)ctx, (void)index;
    got[0] = ExTryToAcquireFastMutex(&shared_mutex);
    got[1] = KeGetCurrentIrql();
}

static void test_fast_mutex(void)
{
    got[0] = got[1] = -1;
    /* ExInitializeFastMutex's fields without its KeInitializeEvent call (the module has no
     * dispatcher objects yet): Count = FM_LOCK_BIT, as the wdm.h inline stores it. */
    RtlZeroMemory(&shared_mutex, sizeof(shared_mutex));
    shared_mutex.Count = FM_LOCK_BIT;
    ExAcquireFastMutex(&shared_mutex);
    todo_builtin ok(KeGetCurrentIrql() == APC_LEVEL, "IRQL %u while owning a fast mutex\n", KeGetCurrentIrql());
    ok(shared_mutex.Count == 0, "Count %ld while owned\n", shared_mutex.Count);
    ok(shared_mutex.OldIrql == PASSIVE_LEVEL, "OldIrql %lu\n", shared_mutex.OldIrql);
    /* Waiting for a thread is allowed at APC_LEVEL. */
    ok(kmtest_run_threads(1, try_from_other_thread, NULL) == 1, "the thread did not start\n");
    ok(got[0] == 0, "ExTryToAcquireFastMutex of an owned mutex returned %d\n", got[0]);
    ok(got[1] == PASSIVE_LEVEL, "a failed ExTryToAcquireFastMutex left IRQL %d\n", got[1]);
    ExReleaseFastMutex(&shared_mutex);
    ok(KeGetCurrentIrql() == PASSIVE_LEVEL, "IRQL %u after ExReleaseFastMutex\n", KeGetCurrentIrql());
    ok(shared_mutex.Count == 1, "Count %ld after release\n", shared_mutex.Count);

    ok(ExTryToAcquireFastMutex(&shared_mutex) == 1, "ExTryToAcquireFastMutex of a free mutex failed\n");
    todo_builtin ok(KeGetCurrentIrql() == APC_LEVEL, "IRQL %u after ExTryToAcquireFastMutex\n", KeGetCurrentIrql());
    ExReleaseFastMutex(&shared_mutex);
    ok(KeGetCurrentIrql() == PASSIVE_LEVEL, "IRQL %u after release\n", KeGetCurrentIrql());
}

void kmtest_group_hal(void)
{
    p_KeAcquireSpinLock = routine(L"KeAcquireSpinLock", "KeAcquireSpinLock", 0);
    p_KeReleaseSpinLock = routine(L"KeReleaseSpinLock", "KeReleaseSpinLock", 0);
    p_KeRaiseIrql = routine(L"KeRaiseIrql", "KeRaiseIrql", 0);
    p_KeLowerIrql = routine(L"KeLowerIrql", "KeLowerIrql", 1);
    p_KeAcquireSpinLockRaiseToSynch = routine(L"KeAcquireSpinLockRaiseToSynch", "KeAcquireSpinLockRaiseToSynch", 0);
    p_KeAcquireInStackQueuedSpinLock = routine(L"KeAcquireInStackQueuedSpinLock", "KeAcquireInStackQueuedSpinLock", 0);
    p_KeAcquireInStackQueuedSpinLockRaiseToSynch =
        routine(L"KeAcquireInStackQueuedSpinLockRaiseToSynch", "KeAcquireInStackQueuedSpinLockRaiseToSynch", 0);
    p_KeReleaseInStackQueuedSpinLock = routine(L"KeReleaseInStackQueuedSpinLock", "KeReleaseInStackQueuedSpinLock", 0);
    p_KeRaiseIrqlToSynchLevel = routine(L"KeRaiseIrqlToSynchLevel", "KeRaiseIrqlToSynchLevel", 0);
    test_spin_locks();
    test_irql();
    test_fast_mutex();
    test_stall();
}
#else
void kmtest_group_hal(void)
{
    skip("hal.dll's spin lock and IRQL routines are i386's (x86_64: CR8 and ntoskrnl.exe)\n");
}
#endif
