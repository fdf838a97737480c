// The SList core on the host (x86_64 HeaderX64 layout): push/pop/flush results, Depth and
// Sequence rules (windows-behavior.md 3.9), the header's encoding (4.2), and a multi-threaded
// stress (run under TSan by the host-tsan preset) that checks no entry is lost or handed out twice.
#include "ex/slist.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace {

using nt::SLIST_ENTRY;
using nt::SLIST_HEADER;

struct alignas(16) Item {
    SLIST_ENTRY entry;      // first: the list links through it
    std::atomic<int> owners{0};
    int id = 0;
};

TEST(SList, EmptyPopAndFlushReturnNullAndLeaveTheHeader) {
    SLIST_HEADER h;
    ex::slist::initialize(&h);
    h.Alignment = nt::slist::make_alignment(0, 77);   // a sequence from earlier pushes
    const SLIST_HEADER before = h;
    EXPECT_EQ(ex::slist::pop(&h), nullptr);
    EXPECT_EQ(ex::slist::flush(&h), nullptr);
    EXPECT_EQ(h.Alignment, before.Alignment);
    EXPECT_EQ(h.Region, before.Region);
}

TEST(SList, PushReturnsPreviousFirstAndCountsDepthAndSequence) {
    SLIST_HEADER h;
    ex::slist::initialize(&h);
    Item a, b;
    EXPECT_EQ(ex::slist::push(&h, &a.entry), nullptr);
    EXPECT_EQ(a.entry.Next, nullptr);
    EXPECT_EQ(nt::slist::depth(h), 1);
    EXPECT_EQ(nt::slist::sequence(h), 1u);
    EXPECT_EQ(ex::slist::push(&h, &b.entry), &a.entry);
    EXPECT_EQ(b.entry.Next, &a.entry);
    EXPECT_EQ(nt::slist::depth(h), 2);
    EXPECT_EQ(nt::slist::sequence(h), 2u);
    // HeaderX64: Region is the first entry's address, low nibble clear; Alignment = Depth | Sequence << 16.
    EXPECT_EQ(h.Region, reinterpret_cast<std::uintptr_t>(&b.entry));
    EXPECT_EQ(h.Alignment, 2u | (2u << 16));
    EXPECT_EQ(ex::slist::first(&h), &b.entry);
    EXPECT_EQ(ex::slist::depth(&h), 2);
}

TEST(SList, PopKeepsSequenceAndTheEntrysNext) {
    SLIST_HEADER h;
    ex::slist::initialize(&h);
    Item a, b;
    ex::slist::push(&h, &a.entry);
    ex::slist::push(&h, &b.entry);
    EXPECT_EQ(ex::slist::pop(&h), &b.entry);
    EXPECT_EQ(b.entry.Next, &a.entry);   // left as it was
    EXPECT_EQ(nt::slist::depth(h), 1);
    EXPECT_EQ(nt::slist::sequence(h), 2u);
    EXPECT_EQ(ex::slist::pop(&h), &a.entry);
    EXPECT_EQ(nt::slist::depth(h), 0);
    EXPECT_EQ(h.Region, 0u);
    EXPECT_EQ(nt::slist::sequence(h), 2u);
}

TEST(SList, FlushTakesTheChainAndKeepsSequence) {
    SLIST_HEADER h;
    ex::slist::initialize(&h);
    Item items[3];
    for (Item& i : items) ex::slist::push(&h, &i.entry);
    SLIST_ENTRY* chain = ex::slist::flush(&h);
    EXPECT_EQ(chain, &items[2].entry);
    EXPECT_EQ(nt::slist::depth(h), 0);
    EXPECT_EQ(h.Region, 0u);
    EXPECT_EQ(nt::slist::sequence(h), 3u);
    int n = 0;
    for (SLIST_ENTRY* e = chain; e; e = ex::slist::next_of(e)) ++n;
    EXPECT_EQ(n, 3);
}

TEST(SList, PushChainAddsAllAtOnce) {
    SLIST_HEADER h;
    ex::slist::initialize(&h);
    Item items[3];
    items[0].entry.Next = &items[1].entry;
    items[1].entry.Next = &items[2].entry;
    ex::slist::push_chain(&h, &items[0].entry, &items[2].entry, 3);
    EXPECT_EQ(ex::slist::depth(&h), 3);
    EXPECT_EQ(ex::slist::pop(&h), &items[0].entry);
    EXPECT_EQ(ex::slist::pop(&h), &items[1].entry);
    EXPECT_EQ(ex::slist::pop(&h), &items[2].entry);
    EXPECT_EQ(ex::slist::pop(&h), nullptr);
}

TEST(SList, SequenceWrapsAt48Bits) {
    SLIST_HEADER h;
    ex::slist::initialize(&h);
    h.Alignment = nt::slist::make_alignment(0, (std::uint64_t{1} << 48) - 1);
    Item a;
    ex::slist::push(&h, &a.entry);
    EXPECT_EQ(nt::slist::sequence(h), 0u);
    EXPECT_EQ(nt::slist::depth(h), 1);
}

// Threads pop entries, claim them (an entry claimed twice was handed out twice), and push them
// back; at the end every entry is on the list exactly once.
TEST(SListStress, NoEntryLostOrHandedOutTwice) {
    constexpr int threads = 4;
    constexpr int items_count = 64;
    constexpr int rounds = 20000;
    SLIST_HEADER h;
    ex::slist::initialize(&h);
    std::vector<Item> items(items_count);
    for (int i = 0; i < items_count; ++i) {
        items[i].id = i;
        ex::slist::push(&h, &items[i].entry);
    }
    std::atomic<int> double_handouts{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            SLIST_ENTRY* held[3];
            for (int r = 0; r < rounds; ++r) {
                int n = 1 + (r + t) % 3;   // hold 1..3 entries at once
                int got = 0;
                for (int k = 0; k < n; ++k) {
                    SLIST_ENTRY* e = ex::slist::pop(&h);
                    if (!e) break;
                    auto* item = reinterpret_cast<Item*>(e);
                    if (item->owners.fetch_add(1) != 0) double_handouts.fetch_add(1);
                    held[got++] = e;
                }
                if (r % 7 == 0 && got) {   // now and then, give them back as one chain
                    for (int k = 0; k < got; ++k) {
                        reinterpret_cast<Item*>(held[k])->owners.fetch_sub(1);
                        if (k + 1 < got) ex::slist::set_next(held[k], reinterpret_cast<std::uintptr_t>(held[k + 1]));
                    }
                    ex::slist::push_chain(&h, held[0], held[got - 1], static_cast<nt::USHORT>(got));
                    continue;
                }
                for (int k = 0; k < got; ++k) {
                    reinterpret_cast<Item*>(held[k])->owners.fetch_sub(1);
                    ex::slist::push(&h, held[k]);
                }
            }
        });
    for (auto& th : pool) th.join();
    EXPECT_EQ(double_handouts.load(), 0);
    EXPECT_EQ(ex::slist::depth(&h), items_count);
    std::vector<int> seen(items_count, 0);
    for (SLIST_ENTRY* e = ex::slist::flush(&h); e; e = ex::slist::next_of(e)) ++seen[reinterpret_cast<Item*>(e)->id];
    for (int i = 0; i < items_count; ++i) EXPECT_EQ(seen[i], 1) << "item " << i;
}

// Concurrent flushes and pushes: every entry ends up either flushed by exactly one thread or on
// the list.
TEST(SListStress, FlushRacesWithPush) {
    constexpr int threads = 3;
    constexpr int per_thread = 2000;
    SLIST_HEADER h;
    ex::slist::initialize(&h);
    std::vector<Item> items(threads * per_thread);
    for (std::size_t i = 0; i < items.size(); ++i) items[i].id = static_cast<int>(i);
    std::vector<std::vector<int>> flushed(threads + 1);
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) ex::slist::push(&h, &items[t * per_thread + i].entry);
        });
    std::atomic<bool> done{false};
    std::thread flusher([&] {
        while (!done.load()) {
            for (SLIST_ENTRY* e = ex::slist::flush(&h); e; e = ex::slist::next_of(e))
                flushed[threads].push_back(reinterpret_cast<Item*>(e)->id);
        }
    });
    for (auto& th : pool) th.join();
    done = true;
    flusher.join();
    for (SLIST_ENTRY* e = ex::slist::flush(&h); e; e = ex::slist::next_of(e))
        flushed[0].push_back(reinterpret_cast<Item*>(e)->id);
    std::vector<int> seen(items.size(), 0);
    for (auto& v : flushed)
        for (int id : v) ++seen[id];
    for (std::size_t i = 0; i < items.size(); ++i) EXPECT_EQ(seen[i], 1) << "item " << i;
}

}  // namespace
