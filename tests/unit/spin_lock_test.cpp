// Spin locks and the emulated IRQL (ke/spin_lock.h) on the host: the lock word as drivers see it,
// the IRQL transitions, mutual exclusion under contention, and the misuse bug checks.
#include "ke/spin_lock.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "ex/fast_mutex.h"

namespace {

TEST(SpinLock, AcquireRaisesToDispatchAndSetsBitZero) {
    nt::KSPIN_LOCK lock = 0;
    ASSERT_EQ(ke::current_irql(), ke::passive_level);
    const nt::KIRQL old = ke::acquire_spin_lock(&lock);
    EXPECT_EQ(old, ke::passive_level);
    EXPECT_EQ(ke::current_irql(), ke::dispatch_level);
    EXPECT_EQ(lock & 1, 1u);
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
    EXPECT_EQ(handle.LockQueue.Lock, &lock);
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

TEST(SpinLockDeathTest, ReleasingAQueuedLockNotHeldStopsWith0x10) {
    EXPECT_EXIT(
        {
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

TEST(SpinLockDeathTest, RaisingBelowTheCurrentIrqlStopsWith0x09) {
    EXPECT_EXIT(
        {
            ke::raise_irql(ke::dispatch_level);
            ke::raise_irql(ke::apc_level);
        },
        testing::ExitedWithCode(0x09), "STOP: 0x00000009 \\(0x0000000000000002,0x0000000000000001,.*IRQL_NOT_GREATER_OR_EQUAL");
}

TEST(SpinLockDeathTest, LoweringAboveTheCurrentIrqlStopsWith0x0A) {
    EXPECT_EXIT(ke::lower_irql(ke::dispatch_level), testing::ExitedWithCode(0x0A),
                "STOP: 0x0000000A \\(0x0000000000000002,0x0000000000000000,.*IRQL_NOT_LESS_OR_EQUAL");
}

TEST(SpinLockDeathTest, AcquiringAboveDispatchStopsWith0x09) {
    EXPECT_EXIT(
        {
            nt::KSPIN_LOCK lock = 0;
            ke::raise_irql(ke::high_level);
            ke::acquire_spin_lock(&lock);
        },
        testing::ExitedWithCode(0x09), "IRQL_NOT_GREATER_OR_EQUAL");
}

TEST(SpinLockDeathTest, RecursiveAcquireStopsWith0x0F) {
    EXPECT_EXIT(
        {
            nt::KSPIN_LOCK lock = 0;
            ke::acquire_spin_lock(&lock);
            ke::acquire_spin_lock_at_dpc(&lock);
        },
        testing::ExitedWithCode(0x0F), "SPIN_LOCK_ALREADY_OWNED");
}

TEST(SpinLockDeathTest, ReleasingAFreeLockStopsWith0x10) {
    EXPECT_EXIT(
        {
            nt::KSPIN_LOCK lock = 0;
            ke::release_spin_lock_from_dpc(&lock);
        },
        testing::ExitedWithCode(0x10), "SPIN_LOCK_NOT_OWNED");
}

TEST(SpinLockDeathTest, ReleasingAnotherThreadsLockStopsWith0x10) {
    EXPECT_EXIT(
        {
            nt::KSPIN_LOCK lock = 0;
            std::thread([&] { ke::acquire_spin_lock_at_dpc(&lock); }).join();
            ke::release_spin_lock_from_dpc(&lock);
        },
        testing::ExitedWithCode(0x10), "SPIN_LOCK_NOT_OWNED");
}

}  // namespace
