/*
 * Spin locks and the IRQL (converted from tests/pe/spin_lock.c; windows-behavior.md 1.6, 3.10),
 * through the DDK headers' own expansions (i386: hal.dll's KfAcquireSpinLock / KfReleaseSpinLock
 * / KfRaiseIrql / KfLowerIrql and ntoskrnl.exe's Kef*AtDpcLevel; x86_64: KeAcquireSpinLockRaiseToDpc
 * and the CR8 inlines): a KSPIN_LOCK is 1 while held and 0 when free (free multiprocessor
 * builds: ReactOS's kmtest KeSpinLock.c, validated on Windows), the raising acquire returns the
 * previous IRQL and leaves DISPATCH_LEVEL, the AtDpcLevel forms do not raise, in-stack queued
 * locks record their owner. Wine's builtin does not track the IRQL (always PASSIVE_LEVEL).
 */
#include "kmode_test.h"

static void test_raising_acquire(void)
{
    KSPIN_LOCK lock = (KSPIN_LOCK)-1;
    KIRQL old;
    KeInitializeSpinLock(&lock);
    ok(lock == 0, "KeInitializeSpinLock left %#Ix\n", lock);
    KeAcquireSpinLock(&lock, &old);
    ok(old == PASSIVE_LEVEL, "KeAcquireSpinLock returned IRQL %u\n", old);
    ok(lock != 0, "lock word %#Ix while held\n", lock);
    todo_wine_if(kmtest_wine_builtin()) ok(KeGetCurrentIrql() == DISPATCH_LEVEL, "IRQL %u while holding a spin lock\n",
                                           KeGetCurrentIrql());
    KeReleaseSpinLock(&lock, old);
    ok(lock == 0, "lock word %#Ix after release\n", lock);
    ok(KeGetCurrentIrql() == PASSIVE_LEVEL, "IRQL %u after release\n", KeGetCurrentIrql());
}

static void test_at_dpc_level(void)
{
    KSPIN_LOCK lock = 0;
    KLOCK_QUEUE_HANDLE handle;
    KIRQL old;
#ifdef _X86_
    if (kmtest_builtin_stub("KefAcquireSpinLockAtDpcLevel")) return;
#endif
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    KeAcquireSpinLockAtDpcLevel(&lock);
    ok(lock != 0, "KeAcquireSpinLockAtDpcLevel: lock word %#Ix\n", lock);
    KeReleaseSpinLockFromDpcLevel(&lock);
    ok(lock == 0, "lock word %#Ix after release\n", lock);
    KeAcquireInStackQueuedSpinLockAtDpcLevel(&lock, &handle);
    /* LOCK_QUEUE_OWNER (2) in the held handle's Lock; the word names the tail of the queue (kmtest KeSpinLock.c). */
    ok(handle.LockQueue.Lock == (PKSPIN_LOCK)((ULONG_PTR)&lock | 2),
                                           "handle's Lock %p, lock at %p\n", handle.LockQueue.Lock, &lock);
    ok(lock == (ULONG_PTR)&handle, "lock word %#Ix while held, handle %p\n", lock, &handle);
    KeReleaseInStackQueuedSpinLockFromDpcLevel(&handle);
    ok(lock == 0, "lock word %#Ix after release\n", lock);
    todo_wine_if(kmtest_wine_builtin()) ok(KeGetCurrentIrql() == DISPATCH_LEVEL, "AtDpcLevel routines left IRQL %u\n",
                                           KeGetCurrentIrql());
    KeLowerIrql(old);
}

static void test_irql(void)
{
    KIRQL old, old2;
    ok(KeGetCurrentIrql() == PASSIVE_LEVEL, "initial IRQL %u\n", KeGetCurrentIrql());
#ifdef _X86_
    if (kmtest_builtin_stub("KeRaiseIrqlToDpcLevel")) return;
#endif
    old = KeRaiseIrqlToDpcLevel();
    ok(old == PASSIVE_LEVEL, "KeRaiseIrqlToDpcLevel returned %u\n", old);
    KeRaiseIrql(HIGH_LEVEL, &old2);
    todo_wine_if(kmtest_wine_builtin()) ok(old2 == DISPATCH_LEVEL, "KeRaiseIrql(HIGH_LEVEL) returned %u\n", old2);
    todo_wine_if(kmtest_wine_builtin()) ok(KeGetCurrentIrql() == HIGH_LEVEL, "IRQL %u after raising to HIGH_LEVEL\n",
                                           KeGetCurrentIrql());
    KeLowerIrql(DISPATCH_LEVEL);
    todo_wine_if(kmtest_wine_builtin()) ok(KeGetCurrentIrql() == DISPATCH_LEVEL, "IRQL %u after lowering to DISPATCH_LEVEL\n",
                                           KeGetCurrentIrql());
    KeLowerIrql(old);
    ok(KeGetCurrentIrql() == PASSIVE_LEVEL, "IRQL %u at the end\n", KeGetCurrentIrql());
}

void kmtest_group_spin_lock(void)
{
    test_raising_acquire();
    test_at_dpc_level();
    test_irql();
}
