// Spin locks and the emulated IRQL (ke/spin_lock.h) on the host: the lock word as drivers see it
// (a free multiprocessor build's: 1 while held), the IRQL transitions, mutual exclusion under
// contention, what a free build does with misuse, and the bug checks the verifier adds.
#include "ke/spin_lock.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "ex/fast_mutex.h"
#include "vf/verifier.h"

namespace {

TEST(SpinLock, AcquireRaisesToDispatchAndSetsBitZero) {
    nt::KSPIN_LOCK lock = 0;
    ASSERT_EQ(ke::current_irql(), ke::passive_level);
    const nt::KIRQL old = ke::acquire_spin_lock(&lock);
    EXPECT_EQ(old, ke::passive_level);
    EXPECT_EQ(ke::current_irql(), ke::dispatch_level);
    EXPECT_EQ(lock, 1u);
    ke::release_spin_lock(&lock, old);
    EXPECT_EQ(lock, 0u);
    EXPECT_EQ(ke::current_irql(), ke::passive_level);
}

TEST(SpinLock, AtDpcLevelLeavesTheIrqlAlone) {
    nt::KSPIN_LOCK lock = 0;
    const nt::KIRQL old = ke::raise_irql(ke::dispatch_level);
    ke::acquire_spin_lock_at_dpc(&lock);
    EXPECT_NE(lock, 0u);
    EXPECT_EQ(ke::current_irql(), ke::dispatch_level);
    ke::release_spin_lock_from_dpc(&lock);
    EXPECT_EQ(lock, 0u);
    ke::lower_irql(old);
    EXPECT_EQ(ke::current_irql(), ke::passive_level);
}

TEST(Irql, RaiseReturnsThePreviousLevelAndLowerRestoresIt) {
    EXPECT_EQ(ke::raise_irql(ke::apc_level), ke::passive_level);
    EXPECT_EQ(ke::raise_irql(ke::apc_level), ke::apc_level);   // raising to the same level is allowed
    EXPECT_EQ(ke::raise_irql(ke::high_level), ke::apc_level);
    ke::lower_irql(ke::high_level);                              // and lowering to the same level
    ke::lower_irql(ke::passive_level);
    EXPECT_EQ(ke::current_irql(), ke::passive_level);
}

TEST(SpinLock, ExcludesOtherThreads) {
    nt::KSPIN_LOCK lock = 0;
    long counter = 0;   // guarded by lock; TSan reports a race if exclusion fails
    constexpr int threads = 4, rounds = 20000;
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&] {
            for (int i = 0; i < rounds; ++i) {
                const nt::KIRQL old = ke::acquire_spin_lock(&lock);
                ++counter;
                ke::release_spin_lock(&lock, old);
            }
            EXPECT_EQ(ke::current_irql(), ke::passive_level);
        });
    for (auto& th : pool) th.join();
    EXPECT_EQ(counter, long{threads} * rounds);
    EXPECT_EQ(lock, 0u);
}

TEST(FastMutex, UnsafeAcquireAndReleaseFollowTheCountProtocol) {
    nt::FAST_MUTEX mutex{};
    mutex.Count = 1;   // what ExInitializeFastMutex stores
    long counter = 0;
    std::vector<std::thread> pool;
    for (int t = 0; t < 3; ++t)
        pool.emplace_back([&] {
            for (int i = 0; i < 5000; ++i) {
                ex::acquire_fast_mutex_unsafe(&mutex);
                EXPECT_EQ(std::atomic_ref<nt::LONG>(mutex.Count).load(), 0);
                ++counter;
                ex::release_fast_mutex_unsafe(&mutex);
            }
        });
    for (auto& th : pool) th.join();
    EXPECT_EQ(counter, 15000);
    EXPECT_EQ(mutex.Count, 1);
    EXPECT_EQ(mutex.Owner, nullptr);
}

// In-stack queued spin locks: the lock word names the tail entry, the uncontended owner's entry
// records the lock, and release frees the word again.
TEST(QueuedSpinLock, TheWordNamesTheOwnerAndReleaseFreesIt) {
    nt::KSPIN_LOCK lock = 0;
    nt::KLOCK_QUEUE_HANDLE handle{};
    ke::acquire_queued_spin_lock_at_dpc(&lock, &handle);
    EXPECT_EQ(lock, reinterpret_cast<nt::KSPIN_LOCK>(&handle.LockQueue));
    // LOCK_QUEUE_OWNER while held (kmtest KeSpinLock.c, free MP builds).
    EXPECT_EQ(reinterpret_cast<nt::ULONG_PTR>(handle.LockQueue.Lock), reinterpret_cast<nt::ULONG_PTR>(&lock) | 2);
    EXPECT_EQ(handle.LockQueue.Next, nullptr);
    ke::release_queued_spin_lock_from_dpc(&handle);
    EXPECT_EQ(lock, 0u);
    EXPECT_EQ(handle.LockQueue.Lock, &lock);
}

// Waiters get the lock in the order they queued (what makes it a queued lock).
TEST(QueuedSpinLock, WaitersAcquireInArrivalOrder) {
    nt::KSPIN_LOCK lock = 0;
    nt::KLOCK_QUEUE_HANDLE owner{};
    ke::acquire_queued_spin_lock_at_dpc(&lock, &owner);
    constexpr int waiters = 4;
    nt::KLOCK_QUEUE_HANDLE handles[waiters]{};
    std::vector<int> order;   // appended under the lock
    std::vector<std::thread> pool;
    for (int i = 0; i < waiters; ++i) {
        pool.emplace_back([&, i] {
            ke::acquire_queued_spin_lock_at_dpc(&lock, &handles[i]);
            // Handed over by the previous owner: LOCK_QUEUE_OWNER, not LOCK_QUEUE_WAIT.
            EXPECT_EQ(reinterpret_cast<nt::ULONG_PTR>(handles[i].LockQueue.Lock), reinterpret_cast<nt::ULONG_PTR>(&lock) | 2);
            order.push_back(i);
            ke::release_queued_spin_lock_from_dpc(&handles[i]);
        });
        // The next thread starts only once this one is the queue's tail.
        while (std::atomic_ref<nt::KSPIN_LOCK>(lock).load() != reinterpret_cast<nt::KSPIN_LOCK>(&handles[i].LockQueue))
            std::this_thread::yield();
    }
    ke::release_queued_spin_lock_from_dpc(&owner);
    for (auto& th : pool) th.join();
    EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3}));
    EXPECT_EQ(lock, 0u);
}

TEST(QueuedSpinLock, ExcludesOtherThreads) {
    nt::KSPIN_LOCK lock = 0;
    long counter = 0;   // guarded by lock; TSan reports a race if exclusion fails
    constexpr int threads = 4, rounds = 20000;
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&] {
            for (int i = 0; i < rounds; ++i) {
                nt::KLOCK_QUEUE_HANDLE handle;
                ke::acquire_queued_spin_lock_at_dpc(&lock, &handle);
                ++counter;
                ke::release_queued_spin_lock_from_dpc(&handle);
            }
        });
    for (auto& th : pool) th.join();
    EXPECT_EQ(counter, long{threads} * rounds);
    EXPECT_EQ(lock, 0u);
}

TEST(SpinLockDeathTest, VerifierReleasingAQueuedLockNotHeldStopsWith0x10) {
    EXPECT_EXIT(
        {
            vf::set_enabled(true);
            nt::KSPIN_LOCK lock = 0;
            nt::KLOCK_QUEUE_HANDLE handle{};
            handle.LockQueue.Lock = &lock;
            ke::release_queued_spin_lock_from_dpc(&handle);
        },
        testing::ExitedWithCode(0x10), "SPIN_LOCK_NOT_OWNED");
}

TEST(FastMutex, TryAcquireTakesAFreeMutexOnlyAndDoesNotWait) {
    nt::FAST_MUTEX mutex{};
    mutex.Count = 1;
    ASSERT_TRUE(ex::try_acquire_fast_mutex_unsafe(&mutex));
    EXPECT_EQ(mutex.Count, 0);
    EXPECT_EQ(mutex.Owner, reinterpret_cast<nt::PVOID>(platform::thread_tag()));
    bool other = true;
    std::thread([&] { other = ex::try_acquire_fast_mutex_unsafe(&mutex); }).join();
    EXPECT_FALSE(other);
    EXPECT_EQ(mutex.Owner, reinterpret_cast<nt::PVOID>(platform::thread_tag()));
    EXPECT_EQ(mutex.Contention, 0u);
    ex::release_fast_mutex_unsafe(&mutex);
    EXPECT_EQ(mutex.Count, 1);
}

// ---- Free builds: nothing is checked (kmtest KeIrql.c, KeSpinLock.c) ----
TEST(FreeBuild, RaisingBelowAndLoweringAboveSetTheLevelAsked) {
    vf::set_enabled(false);
    EXPECT_EQ(ke::raise_irql(ke::high_level), ke::passive_level);
    EXPECT_EQ(ke::raise_irql(ke::apc_level), ke::high_level);
    EXPECT_EQ(ke::current_irql(), ke::apc_level);
    ke::lower_irql(ke::high_level);
    EXPECT_EQ(ke::current_irql(), ke::high_level);
    ke::lower_irql(ke::passive_level);
    EXPECT_EQ(ke::current_irql(), ke::passive_level);
}

TEST(FreeBuild, AcquiringAtHighLevelGoesToDispatch) {
    vf::set_enabled(false);
    nt::KSPIN_LOCK lock = 0;
    ke::raise_irql(ke::high_level);
    EXPECT_EQ(ke::acquire_spin_lock(&lock), ke::high_level);
    EXPECT_EQ(ke::current_irql(), ke::dispatch_level);
    EXPECT_EQ(lock, 1u);
    ke::release_spin_lock(&lock, ke::high_level);
    EXPECT_EQ(ke::current_irql(), ke::high_level);
    ke::lower_irql(ke::passive_level);
}

TEST(FreeBuild, ReleasingAFreeLockLeavesItFree) {
    vf::set_enabled(false);
    nt::KSPIN_LOCK lock = 0;
    ke::release_spin_lock_from_dpc(&lock);
    EXPECT_EQ(lock, 0u);
}

TEST(SpinLock, TryAndTest) {
    nt::KSPIN_LOCK lock = 0;
    EXPECT_TRUE(ke::test_spin_lock(&lock));
    ASSERT_TRUE(ke::try_acquire_spin_lock_at_dpc(&lock));
    EXPECT_EQ(lock, 1u);
    EXPECT_FALSE(ke::test_spin_lock(&lock));
    EXPECT_FALSE(ke::try_acquire_spin_lock_at_dpc(&lock));   // held, also by this thread
    ke::release_spin_lock_from_dpc(&lock);
    EXPECT_TRUE(ke::test_spin_lock(&lock));
    for (nt::KSPIN_LOCK word : {nt::KSPIN_LOCK{2}, ~nt::KSPIN_LOCK{0}, nt::KSPIN_LOCK{1} << (sizeof(nt::KSPIN_LOCK) * 8 - 1)}) {
        lock = word;
        EXPECT_FALSE(ke::test_spin_lock(&lock)) << word;
    }
}

TEST(SpinLock, ForDpcFormsKeepTheIrql) {
    nt::KSPIN_LOCK lock = 0;
    EXPECT_EQ(ke::acquire_spin_lock_for_dpc(&lock), ke::passive_level);
    EXPECT_EQ(ke::current_irql(), ke::passive_level);
    EXPECT_EQ(lock, 1u);
    ke::release_spin_lock_for_dpc(&lock, ke::passive_level);
    EXPECT_EQ(lock, 0u);
    nt::KLOCK_QUEUE_HANDLE handle{};
    ke::raise_irql(ke::apc_level);
    ke::acquire_queued_spin_lock_for_dpc(&lock, &handle);
    EXPECT_EQ(handle.OldIrql, ke::apc_level);
    EXPECT_EQ(ke::current_irql(), ke::apc_level);
    ke::release_queued_spin_lock_for_dpc(&handle);
    EXPECT_EQ(lock, 0u);
    ke::lower_irql(ke::passive_level);
}

TEST(SpinLock, RaisingInStackFormsKeepTheOldIrqlInTheHandle) {
    nt::KSPIN_LOCK lock = 0;
    nt::KLOCK_QUEUE_HANDLE handle{};
    ke::acquire_queued_spin_lock(&lock, &handle, ke::synch_level);
    EXPECT_EQ(ke::current_irql(), ke::synch_level);
    EXPECT_EQ(handle.OldIrql, ke::passive_level);
    ke::release_queued_spin_lock(&handle);
    EXPECT_EQ(ke::current_irql(), ke::passive_level);
    EXPECT_EQ(lock, 0u);
}

// ---- The verifier's checks (Driver Verifier's 0xC4 subcodes; 0x0F/0x10 for ownership) ----
TEST(SpinLockDeathTest, VerifierRaisingBelowTheCurrentIrqlStopsWith0xC4_0x30) {
    EXPECT_EXIT(
        {
            vf::set_enabled(true);
            ke::raise_irql(ke::dispatch_level);
            ke::raise_irql(ke::apc_level);
        },
        testing::ExitedWithCode(0xC4),
        "STOP: 0x000000C4 \\(0x0000000000000030,0x0000000000000002,0x0000000000000001,.*DRIVER_VERIFIER_DETECTED_VIOLATION");
}

TEST(SpinLockDeathTest, VerifierLoweringAboveTheCurrentIrqlStopsWith0xC4_0x31) {
    EXPECT_EXIT(
        {
            vf::set_enabled(true);
            ke::lower_irql(ke::dispatch_level);
        },
        testing::ExitedWithCode(0xC4), "STOP: 0x000000C4 \\(0x0000000000000031,0x0000000000000000,0x0000000000000002,");
}

TEST(SpinLockDeathTest, VerifierAcquiringAboveDispatchStopsWith0xC4_0x42) {
    EXPECT_EXIT(
        {
            vf::set_enabled(true);
            nt::KSPIN_LOCK lock = 0;
            ke::raise_irql(ke::high_level);
            ke::acquire_spin_lock(&lock);
        },
        testing::ExitedWithCode(0xC4), "STOP: 0x000000C4 \\(0x0000000000000042,0x000000000000000F,");
}

TEST(SpinLockDeathTest, VerifierRecursiveAcquireStopsWith0x0F) {
    EXPECT_EXIT(
        {
            vf::set_enabled(true);
            nt::KSPIN_LOCK lock = 0;
            ke::acquire_spin_lock(&lock);
            ke::acquire_spin_lock_at_dpc(&lock);
        },
        testing::ExitedWithCode(0x0F), "SPIN_LOCK_ALREADY_OWNED");
}

TEST(SpinLockDeathTest, VerifierReleasingAFreeLockStopsWith0x10) {
    EXPECT_EXIT(
        {
            vf::set_enabled(true);
            nt::KSPIN_LOCK lock = 0;
            ke::release_spin_lock_from_dpc(&lock);
        },
        testing::ExitedWithCode(0x10), "SPIN_LOCK_NOT_OWNED");
}

TEST(SpinLockDeathTest, VerifierReleasingAnotherThreadsLockStopsWith0x10) {
    EXPECT_EXIT(
        {
            vf::set_enabled(true);
            nt::KSPIN_LOCK lock = 0;
            std::thread([&] { ke::acquire_spin_lock_at_dpc(&lock); }).join();
            ke::release_spin_lock_from_dpc(&lock);
        },
        testing::ExitedWithCode(0x10), "SPIN_LOCK_NOT_OWNED");
}

TEST(SpinLock, VerifierKeepsTheWordAtOneAndAcceptsNestedLocks) {
    vf::set_enabled(true);
    nt::KSPIN_LOCK a = 0, b = 0;
    const nt::KIRQL old = ke::acquire_spin_lock(&a);
    ke::acquire_spin_lock_at_dpc(&b);
    EXPECT_EQ(a, 1u);
    EXPECT_EQ(b, 1u);
    ke::release_spin_lock_from_dpc(&a);   // out of order is legal
    ke::release_spin_lock(&b, old);
    EXPECT_EQ(a, 0u);
    EXPECT_EQ(b, 0u);
    vf::set_enabled(false);
}

}  // namespace
