// Interlocked integer routines (ex/interlocked_integer.h) on the host: the value each returns
// (Microsoft's wdm.h and InterlockedXxx pages; the cases of ReactOS's kmtest ExInterlocked, meant
// to pass on Windows), wrap-around and carries, and a multi-threaded run (under TSan in the
// host-tsan preset) in which no addition is lost.
#include "ex/interlocked_integer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <limits>
#include <thread>
#include <vector>

namespace {

constexpr nt::LONG max_long = std::numeric_limits<nt::LONG>::max();
constexpr nt::LONG min_long = std::numeric_limits<nt::LONG>::min();

TEST(InterlockedInteger, AddUlongReturnsTheInitialValueAndWraps) {
    nt::KSPIN_LOCK lock = 0;
    nt::ULONG value = 239;
    EXPECT_EQ(ex::interlocked_add_ulong(&value, 44, &lock), 239u);
    EXPECT_EQ(value, 283u);
    value = 0xFFFFFFF0u;
    EXPECT_EQ(ex::interlocked_add_ulong(&value, 0x20, &lock), 0xFFFFFFF0u);
    EXPECT_EQ(value, 0x10u);
    EXPECT_EQ(lock, 0u);
    EXPECT_EQ(ke::current_irql(), ke::passive_level);
}

TEST(InterlockedInteger, AddLargeIntegerReturnsTheInitialValueAndCarries) {
    nt::KSPIN_LOCK lock = 0;
    nt::LONGLONG value = 23;
    EXPECT_EQ(ex::interlocked_add_large_integer(&value, 7, &lock), 23);
    EXPECT_EQ(value, 30);
    value = 0xFFFFFFFFLL;
    EXPECT_EQ(ex::interlocked_add_large_integer(&value, 1, &lock), 0xFFFFFFFFLL);
    EXPECT_EQ(value, 0x100000000LL);
    EXPECT_EQ(ex::interlocked_add_large_integer(&value, -0x100000001LL, &lock), 0x100000000LL);
    EXPECT_EQ(value, -1);
    value = std::numeric_limits<nt::LONGLONG>::max();
    ex::interlocked_add_large_integer(&value, 1, &lock);
    EXPECT_EQ(value, std::numeric_limits<nt::LONGLONG>::min());
    EXPECT_EQ(lock, 0u);
}

TEST(InterlockedInteger, LockedAddsWorkAtHighLevelWithoutChangingIt) {
    nt::KSPIN_LOCK lock = 0;
    nt::ULONG small = 1;
    nt::LONGLONG large = 1;
    const nt::KIRQL old = ke::raise_irql(ke::high_level);
    EXPECT_EQ(ex::interlocked_add_ulong(&small, 1, &lock), 1u);
    EXPECT_EQ(ex::interlocked_add_large_integer(&large, 1, &lock), 1);
    EXPECT_EQ(ke::current_irql(), ke::high_level);
    ke::lower_irql(old);
    EXPECT_EQ(small, 2u);
    EXPECT_EQ(large, 2);
}

TEST(InterlockedInteger, AddLargeStatisticAddsTheIncrementUnsigned) {
    nt::LONGLONG value = 15;
    ex::add_large_statistic(&value, 17);
    EXPECT_EQ(value, 32);
    value = 0xFFFFFFFFLL;
    ex::add_large_statistic(&value, 1);   // carries into HighPart
    EXPECT_EQ(value, 0x100000000LL);
    value = 0;
    ex::add_large_statistic(&value, 0xFFFFFFFFu);   // 4294967295, not -1
    EXPECT_EQ(value, 0xFFFFFFFFLL);
}

TEST(InterlockedInteger, CompareExchange64ReplacesOnlyAnEqualValueAndReturnsTheOriginal) {
    nt::LONGLONG value = 17, exchange = 20, comparand = 4;
    EXPECT_EQ(ex::compare_exchange64(&value, &exchange, &comparand), 17);
    EXPECT_EQ(value, 17);
    exchange = 21;
    comparand = 17;
    EXPECT_EQ(ex::compare_exchange64(&value, &exchange, &comparand), 17);
    EXPECT_EQ(value, 21);
    EXPECT_EQ(exchange, 21);
    EXPECT_EQ(comparand, 17);
    // All 64 bits are compared: equal low halves are not enough.
    value = 0x100000005LL;
    comparand = 5;
    exchange = 9;
    EXPECT_EQ(ex::compare_exchange64(&value, &exchange, &comparand), 0x100000005LL);
    EXPECT_EQ(value, 0x100000005LL);
}

TEST(InterlockedInteger, IncrementAndDecrementReturnTheNewValueAndWrap) {
    nt::LONG value = 2341;
    EXPECT_EQ(ex::interlocked_increment(&value), 2342);
    EXPECT_EQ(value, 2342);
    value = max_long;
    EXPECT_EQ(ex::interlocked_increment(&value), min_long);
    value = 1745;
    EXPECT_EQ(ex::interlocked_decrement(&value), 1744);
    value = min_long;
    EXPECT_EQ(ex::interlocked_decrement(&value), max_long);
    value = 0;
    EXPECT_EQ(ex::interlocked_decrement(&value), -1);
}

TEST(InterlockedInteger, ExchangeCompareExchangeAndExchangeAddReturnTheOldValue) {
    nt::LONG value = 5;
    EXPECT_EQ(ex::interlocked_exchange(&value, 8), 5);
    EXPECT_EQ(value, 8);
    value = 5;
    EXPECT_EQ(ex::interlocked_compare_exchange(&value, 8, 6), 5);   // (Destination, Exchange, Comparand)
    EXPECT_EQ(value, 5);
    EXPECT_EQ(ex::interlocked_compare_exchange(&value, 9, 5), 5);
    EXPECT_EQ(value, 9);
    value = 312;
    EXPECT_EQ(ex::interlocked_exchange_add(&value, 7), 312);
    EXPECT_EQ(value, 319);
    EXPECT_EQ(ex::interlocked_exchange_add(&value, -320), 319);
    EXPECT_EQ(value, -1);
    value = max_long;
    EXPECT_EQ(ex::interlocked_exchange_add(&value, 1), max_long);
    EXPECT_EQ(value, min_long);
}

// Every routine from several threads at once on shared counters: the totals come out exact, and
// the values the returning routines hand back are each seen once (no two callers got the same
// "before" value).
TEST(InterlockedIntegerStress, ConcurrentAdditionsAreNotLost) {
    constexpr int threads = 4, rounds = 20000;
    nt::KSPIN_LOCK lock = 0;
    nt::ULONG locked_small = 0;
    nt::LONGLONG locked_large = 0, statistic = 0, swapped = 0;
    nt::LONG counter = 0, added = 0;
    std::vector<std::vector<nt::ULONG>> befores(threads);
    std::atomic<bool> go{false};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            while (!go.load()) std::this_thread::yield();
            for (int r = 0; r < rounds; ++r) {
                befores[t].push_back(ex::interlocked_add_ulong(&locked_small, 1, &lock));
                ex::interlocked_add_large_integer(&locked_large, 0x100000000LL, &lock);
                ex::add_large_statistic(&statistic, 0x80000000u);
                ex::interlocked_increment(&counter);
                ex::interlocked_exchange_add(&added, 3);
                for (nt::LONGLONG seen = 0;;) {   // increment through compare-exchange
                    const nt::LONGLONG next = seen + 1;
                    const nt::LONGLONG original = ex::compare_exchange64(&swapped, &next, &seen);
                    if (original == seen) break;
                    seen = original;
                }
            }
        });
    }
    go.store(true);
    for (auto& th : pool) th.join();
    constexpr nt::LONGLONG total = nt::LONGLONG{threads} * rounds;
    EXPECT_EQ(locked_small, static_cast<nt::ULONG>(total));
    EXPECT_EQ(locked_large, total << 32);
    EXPECT_EQ(statistic, total * 0x80000000LL);
    EXPECT_EQ(counter, total);
    EXPECT_EQ(added, 3 * total);
    EXPECT_EQ(swapped, total);
    std::vector<bool> handed_out(static_cast<std::size_t>(total), false);
    for (const auto& list : befores) {
        for (nt::ULONG before : list) {
            ASSERT_LT(before, static_cast<nt::ULONG>(total));
            EXPECT_FALSE(handed_out[before]) << "two callers saw " << before;
            handed_out[before] = true;
        }
    }
    EXPECT_EQ(lock, 0u);
}

}  // namespace

// The NT 3.x i386 routines' INTERLOCKED_RESULT: x86 wdm.h's flag values (0x8000 negative, 0x4000
// zero, 0 positive) for the new value, including the wrap at the ends of the LONG range
// (kmtest ExInterlocked.c's cases).
TEST(InterlockedInteger, Nt3ResultsAreTheX86FlagValues) {
    struct Case { nt::LONG before; bool increment; nt::LONG after; nt::LONG result; };
    const Case cases[] = {
        {-2, true, -1, 0x8000}, {-1, true, 0, 0x4000}, {0, true, 1, 0},
        {0x7FFFFFFF, true, static_cast<nt::LONG>(0x80000000u), 0x8000},
        {static_cast<nt::LONG>(0x80000000u), false, 0x7FFFFFFF, 0}, {0, false, -1, 0x8000},
        {1, false, 0, 0x4000}, {2, false, 1, 0},
    };
    for (const Case& c : cases) {
        nt::LONG value = c.before;
        const nt::LONG result = c.increment ? ex::interlocked_increment_result(&value) : ex::interlocked_decrement_result(&value);
        EXPECT_EQ(value, c.after) << c.before;
        EXPECT_EQ(result, c.result) << c.before;
    }
    nt::ULONG target = 212;
    EXPECT_EQ(ex::interlocked_exchange_ulong(&target, 121), 212u);
    EXPECT_EQ(target, 121u);
}
