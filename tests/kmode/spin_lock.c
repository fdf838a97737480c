/*
 * Spin locks and the IRQL (converted from tests/pe/spin_lock.c and its driver half;
 * windows-behavior.md 1.6, 3.10), through the DDK headers' own expansions (i386: hal.dll's
 * KfAcquireSpinLock / KfReleaseSpinLock / KfRaiseIrql / KfLowerIrql / KeGetCurrentIrql and
 * ntoskrnl.exe's Kef*AtDpcLevel; x86_64: KeAcquireSpinLockRaiseToDpc, ...):
 * - a KSPIN_LOCK is 1 while held and 0 when free (a free multiprocessor build's word: ReactOS's
 *   kmtest KeSpinLock.c, validated on Windows); the raising acquire returns the previous IRQL and
 *   leaves the caller at DISPATCH_LEVEL, the release lowers it again; three threads contending
 *   for one lock keep a read-modify-write exact;
 * - the AtDpcLevel forms (i386 fastcall Kef* and stdcall Ke*) take the lock without raising;
 * - in-stack queued locks at DPC level and the Unsafe fast mutex routines (Wine's hal imports);
 * - the IRQL on x86_64 through the kernel's exports by name (the header's are inline CR8
 *   accesses, irql_cr8.c), resolved at run time.
 * Which hal.dll the loader binds, and misuse with the verifier on, stay in tests/pe/spin_lock.c
 * (the binding is the user-mode program's; misuse ends the process with a bug check).
 * Wine's builtin does not track the IRQL (always PASSIVE_LEVEL).
 */
#include "kmode_test.h"

#ifdef _X86_
#define get_irql() KeGetCurrentIrql()
#define raise_irql(irql) KfRaiseIrql(irql)
#define raise_to_dpc() KeRaiseIrqlToDpcLevel()
#define lower_irql(irql) KeLowerIrql(irql)
/* Exports the i386 headers rename or inline, imported by their own names (as binaries built
 * against wdm.h alone, or older DDKs, import them). */
extern VOID (NTAPI *imp_KeInitializeSpinLock)(PKSPIN_LOCK) __asm__("__imp__KeInitializeSpinLock@4");
extern VOID (NTAPI *imp_KeAcquireSpinLockAtDpcLevel)(PKSPIN_LOCK) __asm__("__imp__KeAcquireSpinLockAtDpcLevel@4");
extern VOID (NTAPI *imp_KeReleaseSpinLockFromDpcLevel)(PKSPIN_LOCK) __asm__("__imp__KeReleaseSpinLockFromDpcLevel@4");
#define initialize_export(l) imp_KeInitializeSpinLock(l)
#define acquire_at_dpc_stdcall(l) imp_KeAcquireSpinLockAtDpcLevel(l)
#define release_from_dpc_stdcall(l) imp_KeReleaseSpinLockFromDpcLevel(l)
#define HIGH HIGH_LEVEL
#else
/* The x64 header's IRQL routines are inline CR8 accesses (irql_cr8.c tests those); these are the
 * kernel's exports by name, found at run time (Wine's builtin lacks KeGetCurrentIrql and
 * KeRaiseIrqlToDpcLevel, which are hal.dll's there): the inline stands in for a missing one. */
static KIRQL (*p_KeGetCurrentIrql)(VOID);
static KIRQL (*p_KfRaiseIrql)(KIRQL);
static KIRQL (*p_KeRaiseIrqlToDpcLevel)(VOID);
static VOID (*p_KeLowerIrql)(KIRQL);
#define get_irql() (p_KeGetCurrentIrql ? p_KeGetCurrentIrql() : KeGetCurrentIrql())
#define raise_irql(irql) (p_KfRaiseIrql ? p_KfRaiseIrql(irql) : KfRaiseIrql(irql))
#define raise_to_dpc() (p_KeRaiseIrqlToDpcLevel ? p_KeRaiseIrqlToDpcLevel() : KeRaiseIrqlToDpcLevel())
#define lower_irql(irql) (p_KeLowerIrql ? p_KeLowerIrql(irql) : KeLowerIrql(irql))
#define initialize_export(l) KeInitializeSpinLock(l)
#define acquire_at_dpc_stdcall(l) KeAcquireSpinLockAtDpcLevel(l)
#define release_from_dpc_stdcall(l) KeReleaseSpinLockFromDpcLevel(l)
#define HIGH HIGH_LEVEL
#endif

static KSPIN_LOCK shared_lock;
static volatile LONG counter;

static void contender(void *ctx, unsigned index)
{
    int i, j;
    (void)ctx, (void)index;
    for (i = 0; i < 2000; i++)
    {
        KIRQL old;
        LONG seen;
        KeAcquireSpinLock(&shared_lock, &old);
        seen = counter;   /* a read-modify-write that only exclusion keeps exact */
        /* The user-mode version slept here now and then (Sleep(0)); no waiting at
         * DISPATCH_LEVEL: a wider window instead. */
        if (!(i % 64)) for (j = 0; j < 200; j++) YieldProcessor();
        counter = seen + 1;
        KeReleaseSpinLock(&shared_lock, old);
    }
}

static void test_raising_acquire(void)
{
    KSPIN_LOCK lock = (KSPIN_LOCK)-1;
    KIRQL old;

    KeInitializeSpinLock(&lock);
    ok(lock == 0, "KeInitializeSpinLock left %#Ix\n", lock);
    lock = (KSPIN_LOCK)-1;
    initialize_export(&lock);
    ok(lock == 0, "KeInitializeSpinLock (export) left %#Ix\n", lock);

    KeAcquireSpinLock(&lock, &old);
    ok(old == PASSIVE_LEVEL, "KeAcquireSpinLock returned IRQL %u\n", old);
    ok(lock == 1, "lock word %#Ix while held\n", lock);
    todo_wine_if(kmtest_wine_builtin()) ok(get_irql() == DISPATCH_LEVEL, "IRQL %u while holding a spin lock\n", get_irql());
    KeReleaseSpinLock(&lock, old);
    ok(lock == 0, "lock word %#Ix after release\n", lock);
    ok(get_irql() == PASSIVE_LEVEL, "IRQL %u after release\n", get_irql());

    counter = 0;
    ok(kmtest_run_threads(3, contender, NULL) == 3, "not every thread started\n");
    ok(counter == 3 * 2000, "counter %ld: the lock did not exclude\n", counter);
    ok(shared_lock == 0, "lock word %#Ix afterwards\n", shared_lock);
}

static void test_at_dpc_level(void)
{
    KSPIN_LOCK lock = 0;
    KLOCK_QUEUE_HANDLE handle;
    FAST_MUTEX mutex;
    KIRQL old;

#ifdef _X86_
    if (kmtest_builtin_stub("KeRaiseIrqlToDpcLevel")) return;
#endif
    old = raise_to_dpc();   /* i386: hal.dll's */
#ifdef _X86_
    if (!kmtest_builtin_stub("KefAcquireSpinLockAtDpcLevel"))
#endif
    {
        KeAcquireSpinLockAtDpcLevel(&lock);
        ok(lock == 1, "Kef/KeAcquireSpinLockAtDpcLevel: lock word %#Ix\n", lock);
        KeReleaseSpinLockFromDpcLevel(&lock);
        ok(lock == 0, "lock word %#Ix after release\n", lock);
    }
    acquire_at_dpc_stdcall(&lock);
    ok(lock == 1, "KeAcquireSpinLockAtDpcLevel (stdcall): lock word %#Ix\n", lock);
    release_from_dpc_stdcall(&lock);
    ok(lock == 0, "lock word %#Ix after release\n", lock);

    /* LOCK_QUEUE_OWNER (2) in the held handle's Lock (kmtest KeSpinLock.c, free MP builds). */
    KeAcquireInStackQueuedSpinLockAtDpcLevel(&lock, &handle);
    ok(handle.LockQueue.Lock == (PKSPIN_LOCK)((ULONG_PTR)&lock | 2), "handle does not record the lock as owned\n");
    /* The word names the tail of the queue: the holder's KSPIN_LOCK_QUEUE (the handle's LockQueue). */
    ok(lock == (ULONG_PTR)&handle, "in-stack queued lock: lock word %#Ix while held, handle %p\n", lock, &handle);
    KeReleaseInStackQueuedSpinLockFromDpcLevel(&handle);
    ok(lock == 0, "lock word %#Ix after release\n", lock);
    todo_wine_if(kmtest_wine_builtin())
        ok(get_irql() == DISPATCH_LEVEL, "AtDpcLevel routines changed the IRQL to %u\n", get_irql());
    lower_irql(old);

    ok(sizeof(FAST_MUTEX) == (sizeof(void *) == 8 ? 56 : 32), "FAST_MUTEX is %Iu bytes\n", sizeof(FAST_MUTEX));
    /* ExInitializeFastMutex's fields without its KeInitializeEvent call (the module has no
     * dispatcher objects yet): Count = FM_LOCK_BIT, as the wdm.h inline stores it. */
    RtlZeroMemory(&mutex, sizeof(mutex));
    mutex.Count = FM_LOCK_BIT;
    ok(mutex.Count == 1, "initial Count %ld\n", mutex.Count);
    ExAcquireFastMutexUnsafe(&mutex);
    ok(mutex.Count == 0, "Count %ld while owned\n", mutex.Count);
    todo_wine_if(kmtest_wine_builtin()) ok(mutex.Owner != NULL, "no Owner while owned\n");
    ExReleaseFastMutexUnsafe(&mutex);
    ok(mutex.Count == 1, "Count %ld after release\n", mutex.Count);
}

static void test_irql(void)
{
    KIRQL old;
    ok(get_irql() == PASSIVE_LEVEL, "initial IRQL %u\n", get_irql());
#ifdef _X86_
    if (kmtest_builtin_stub("KeRaiseIrqlToDpcLevel")) return;
#endif
    old = raise_to_dpc();
    ok(old == PASSIVE_LEVEL, "KeRaiseIrqlToDpcLevel returned %u\n", old);
    todo_wine_if(kmtest_wine_builtin())
        ok(raise_irql(HIGH) == DISPATCH_LEVEL, "KfRaiseIrql did not return DISPATCH_LEVEL\n");
    todo_wine_if(kmtest_wine_builtin()) ok(get_irql() == HIGH, "IRQL %u after KfRaiseIrql(HIGH_LEVEL)\n", get_irql());
    lower_irql(DISPATCH_LEVEL);
    todo_wine_if(kmtest_wine_builtin())
        ok(get_irql() == DISPATCH_LEVEL, "IRQL %u after KeLowerIrql(DISPATCH_LEVEL)\n", get_irql());
    lower_irql(old);
    ok(get_irql() == PASSIVE_LEVEL, "IRQL %u at the end\n", get_irql());
}

void kmtest_group_spin_lock(void)
{
#ifndef _X86_
    p_KeGetCurrentIrql = kmtest_routine(L"KeGetCurrentIrql");
    p_KfRaiseIrql = kmtest_routine(L"KfRaiseIrql");
    p_KeRaiseIrqlToDpcLevel = kmtest_routine(L"KeRaiseIrqlToDpcLevel");
    if (kmtest_builtin_stub("KeRaiseIrqlToDpcLevel")) p_KeRaiseIrqlToDpcLevel = NULL;   /* found in its hal.dll */
    p_KeLowerIrql = kmtest_routine(L"KeLowerIrql");
#endif
    test_raising_acquire();
    test_at_dpc_level();
    test_irql();
}
