// Doubly linked lists under a spin lock (ex/interlocked_list.h) on the host: what each routine
// returns (Microsoft's wdm.h pages), the links it leaves (ReactOS's kmtest ExDoubleList, meant to
// pass on Windows), the order, and a multi-threaded run (under TSan in the host-tsan preset) in
// which no entry is lost or on the list twice.
#include "ex/interlocked_list.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <set>
#include <thread>
#include <vector>

namespace {

void initialize_list_head(nt::LIST_ENTRY* head) { head->Flink = head->Blink = head; }

TEST(InterlockedDoubleList, RemoveFromAnEmptyListReturnsNullAndLeavesTheHead) {
    nt::KSPIN_LOCK lock = 0;
    nt::LIST_ENTRY head;
    initialize_list_head(&head);
    EXPECT_EQ(ex::interlocked_remove_head_list(&head, &lock), nullptr);
    EXPECT_EQ(head.Flink, &head);
    EXPECT_EQ(head.Blink, &head);
    EXPECT_EQ(lock, 0u);
}

TEST(InterlockedDoubleList, InsertHeadReturnsThePreviousFirstEntry) {
    nt::KSPIN_LOCK lock = 0;
    nt::LIST_ENTRY head, a, b;
    initialize_list_head(&head);
    EXPECT_EQ(ex::interlocked_insert_head_list(&head, &a, &lock), nullptr);
    EXPECT_EQ(head.Flink, &a);
    EXPECT_EQ(head.Blink, &a);
    EXPECT_EQ(a.Flink, &head);
    EXPECT_EQ(a.Blink, &head);
    EXPECT_EQ(ex::interlocked_insert_head_list(&head, &b, &lock), &a);
    EXPECT_EQ(head.Flink, &b);
    EXPECT_EQ(head.Blink, &a);
    EXPECT_EQ(b.Flink, &a);
    EXPECT_EQ(b.Blink, &head);
    EXPECT_EQ(a.Blink, &b);
    EXPECT_EQ(lock, 0u);
}

TEST(InterlockedDoubleList, InsertTailReturnsThePreviousLastEntry) {
    nt::KSPIN_LOCK lock = 0;
    nt::LIST_ENTRY head, a, b, c;
    initialize_list_head(&head);
    EXPECT_EQ(ex::interlocked_insert_tail_list(&head, &a, &lock), nullptr);
    EXPECT_EQ(head.Flink, &a);
    EXPECT_EQ(head.Blink, &a);
    EXPECT_EQ(ex::interlocked_insert_tail_list(&head, &b, &lock), &a);
    // The first entry is not what insert-tail answers once there are two.
    EXPECT_EQ(ex::interlocked_insert_tail_list(&head, &c, &lock), &b);
    EXPECT_EQ(head.Flink, &a);
    EXPECT_EQ(head.Blink, &c);
    EXPECT_EQ(b.Flink, &c);
    EXPECT_EQ(c.Blink, &b);
    EXPECT_EQ(c.Flink, &head);
    EXPECT_EQ(lock, 0u);
}

TEST(InterlockedDoubleList, RemoveHeadReturnsTheFirstAndLeavesItsLinks) {
    nt::KSPIN_LOCK lock = 0;
    nt::LIST_ENTRY head, a, b;
    initialize_list_head(&head);
    ex::interlocked_insert_tail_list(&head, &a, &lock);
    ex::interlocked_insert_tail_list(&head, &b, &lock);
    EXPECT_EQ(ex::interlocked_remove_head_list(&head, &lock), &a);
    EXPECT_EQ(head.Flink, &b);
    EXPECT_EQ(b.Blink, &head);
    EXPECT_EQ(a.Flink, &b);   // free builds leave the removed entry's links alone
    EXPECT_EQ(a.Blink, &head);
    EXPECT_EQ(ex::interlocked_remove_head_list(&head, &lock), &b);
    EXPECT_EQ(head.Flink, &head);
    EXPECT_EQ(head.Blink, &head);
    EXPECT_EQ(b.Flink, &head);
    EXPECT_EQ(b.Blink, &head);
    EXPECT_EQ(ex::interlocked_remove_head_list(&head, &lock), nullptr);
}

TEST(InterlockedDoubleList, TailInsertsComeOutFirstInFirstOutAndHeadInsertsLastInFirstOut) {
    nt::KSPIN_LOCK lock = 0;
    nt::LIST_ENTRY head, entries[4];
    initialize_list_head(&head);
    for (auto& e : entries) ex::interlocked_insert_tail_list(&head, &e, &lock);
    for (auto& e : entries) EXPECT_EQ(ex::interlocked_remove_head_list(&head, &lock), &e);
    for (auto& e : entries) ex::interlocked_insert_head_list(&head, &e, &lock);
    for (int i = 3; i >= 0; --i) EXPECT_EQ(ex::interlocked_remove_head_list(&head, &lock), &entries[i]);
    EXPECT_EQ(ex::interlocked_remove_head_list(&head, &lock), nullptr);
}

TEST(InterlockedDoubleList, LeavesTheIrqlAloneAndWorksAtHighLevel) {
    nt::KSPIN_LOCK lock = 0;
    nt::LIST_ENTRY head, a, b;
    initialize_list_head(&head);
    EXPECT_EQ(ex::interlocked_insert_tail_list(&head, &a, &lock), nullptr);
    EXPECT_EQ(ke::current_irql(), ke::passive_level);
    const nt::KIRQL old = ke::raise_irql(ke::high_level);
    EXPECT_EQ(ex::interlocked_insert_head_list(&head, &b, &lock), &a);
    EXPECT_EQ(ex::interlocked_remove_head_list(&head, &lock), &b);
    EXPECT_EQ(ex::interlocked_remove_head_list(&head, &lock), &a);
    EXPECT_EQ(ke::current_irql(), ke::high_level);
    ke::lower_irql(old);
    EXPECT_EQ(lock, 0u);
}

// An entry with the word that says who owns it: 0 while it is on the list, else the thread's tag.
struct Tracked {
    nt::LIST_ENTRY link;
    std::atomic<int> owner;
};
Tracked* tracked_of(nt::LIST_ENTRY* link) { return reinterpret_cast<Tracked*>(link); }   // link is first

// Several threads insert at both ends and remove from the head under one lock: an entry taken off
// is never on the list (its owner word was 0) and never owned twice; afterwards the list is
// consistent both ways and holds every entry exactly once.
TEST(InterlockedDoubleListStress, InsertRemoveLosesAndDuplicatesNothing) {
    constexpr int threads = 4, per_thread = 64, rounds = 20000;
    std::vector<Tracked> entries(threads * per_thread);
    nt::KSPIN_LOCK lock = 0;
    nt::LIST_ENTRY head;
    initialize_list_head(&head);
    std::atomic<int> violations{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            const int me = t + 1;
            std::vector<Tracked*> held;
            for (int i = 0; i < per_thread; ++i) {
                entries[t * per_thread + i].owner.store(me);
                held.push_back(&entries[t * per_thread + i]);
            }
            while (!go.load()) std::this_thread::yield();
            for (int r = 0; r < rounds; ++r) {
                const bool insert = !held.empty() && (held.size() > 48 || (r * 7 + t) % 3 != 0);
                if (insert) {
                    Tracked* e = held.back();
                    held.pop_back();
                    if (e->owner.exchange(0) != me) violations.fetch_add(1);
                    if (r % 2)
                        ex::interlocked_insert_tail_list(&head, &e->link, &lock);
                    else
                        ex::interlocked_insert_head_list(&head, &e->link, &lock);
                } else if (nt::LIST_ENTRY* link = ex::interlocked_remove_head_list(&head, &lock)) {
                    if (tracked_of(link)->owner.exchange(me) != 0) violations.fetch_add(1);
                    held.push_back(tracked_of(link));
                }
            }
            for (Tracked* e : held) {
                e->owner.store(0);
                ex::interlocked_insert_tail_list(&head, &e->link, &lock);
            }
        });
    }
    go.store(true);
    for (auto& th : pool) th.join();
    EXPECT_EQ(violations.load(), 0);
    EXPECT_EQ(lock, 0u);

    std::set<nt::LIST_ENTRY*> seen;
    nt::LIST_ENTRY* previous = &head;
    for (nt::LIST_ENTRY* e = head.Flink; e != &head && seen.size() <= entries.size(); previous = e, e = e->Flink) {
        EXPECT_EQ(e->Blink, previous) << "backward link broken";
        EXPECT_TRUE(seen.insert(e).second) << "entry on the list twice";
    }
    EXPECT_EQ(head.Blink, previous);
    EXPECT_EQ(seen.size(), entries.size());
}

}  // namespace
