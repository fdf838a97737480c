// Zones and spin-lock-guarded lists (ex/zone.h, ex/interlocked_list.h) on the host: the carving
// the DDK's macros depend on, the failure statuses, and a multi-threaded stress run (under TSan in
// the host-tsan preset) in which no block is lost or handed out twice.
#include "ex/zone.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <set>
#include <thread>
#include <vector>

#include "ex/interlocked_list.h"

namespace {

constexpr nt::ULONG header_size = sizeof(nt::ZONE_SEGMENT_HEADER);

// What the DDK's ExAllocateFromZone / ExFreeToZone inlines do (ntddk.h).
void* allocate_from_zone(nt::ZONE_HEADER* zone) {
    nt::SINGLE_LIST_ENTRY* first = zone->FreeList.Next;
    if (first) zone->FreeList.Next = first->Next;
    return first;
}
void free_to_zone(nt::ZONE_HEADER* zone, void* block) {
    auto* entry = static_cast<nt::SINGLE_LIST_ENTRY*>(block);
    entry->Next = zone->FreeList.Next;
    zone->FreeList.Next = entry;
}

// The word after a block's free-list link: who owns the block (0 while it is free).
std::atomic<std::uintptr_t>* marker_of(void* block) {
    return reinterpret_cast<std::atomic<std::uintptr_t>*>(static_cast<unsigned char*>(block) + sizeof(void*));
}

struct alignas(16) Segment {
    unsigned char bytes[1024];
};

TEST(Zone, InitializeCarvesBlocksHighestFirst) {
    Segment segment{};
    nt::ZONE_HEADER zone{};
    constexpr nt::ULONG block = 48, size = 1000;
    ASSERT_EQ(ex::zone::initialize(&zone, block, segment.bytes, size), nt::status::success);
    const nt::ULONG blocks = (size - header_size) / block;
    EXPECT_EQ(zone.BlockSize, block);
    EXPECT_EQ(zone.TotalSegmentSize, header_size + blocks * block);
    EXPECT_EQ(zone.SegmentList.Next, reinterpret_cast<nt::SINGLE_LIST_ENTRY*>(segment.bytes));
    auto* header = reinterpret_cast<nt::ZONE_SEGMENT_HEADER*>(segment.bytes);
    EXPECT_EQ(header->SegmentList.Next, nullptr);
    EXPECT_EQ(header->Reserved, nullptr);
    for (nt::ULONG i = blocks; i-- > 0;) {
        void* p = allocate_from_zone(&zone);
        EXPECT_EQ(p, segment.bytes + header_size + i * block) << "block " << i;
    }
    EXPECT_EQ(allocate_from_zone(&zone), nullptr);
    EXPECT_EQ(zone.FreeList.Next, nullptr);
}

TEST(Zone, ExtendLinksTheNewSegmentFirstAndAddsItsSize) {
    Segment first{}, second{};
    nt::ZONE_HEADER zone{};
    ASSERT_EQ(ex::zone::initialize(&zone, 64, first.bytes, 256), nt::status::success);
    const nt::ULONG first_total = zone.TotalSegmentSize;
    EXPECT_EQ(first_total, header_size + (256 - header_size) / 64 * 64);
    ASSERT_EQ(ex::zone::extend(&zone, second.bytes, 512), nt::status::success);
    EXPECT_EQ(zone.TotalSegmentSize, first_total + header_size + (512 - header_size) / 64 * 64);
    EXPECT_EQ(zone.SegmentList.Next, reinterpret_cast<nt::SINGLE_LIST_ENTRY*>(second.bytes));
    EXPECT_EQ(reinterpret_cast<nt::ZONE_SEGMENT_HEADER*>(second.bytes)->SegmentList.Next,
              reinterpret_cast<nt::SINGLE_LIST_ENTRY*>(first.bytes));
    // The new segment's blocks come first, highest first.
    EXPECT_EQ(allocate_from_zone(&zone), second.bytes + header_size + ((512 - header_size) / 64 - 1) * 64);
}

TEST(Zone, FailureStatusesAreTheDdksUnsuccessful) {
    Segment segment{};
    nt::ZONE_HEADER zone{};
    EXPECT_EQ(ex::zone::initialize(&zone, 64, segment.bytes + 4, 512), nt::status::unsuccessful);
    EXPECT_EQ(ex::zone::initialize(&zone, 60, segment.bytes, 512), nt::status::unsuccessful);
    EXPECT_EQ(ex::zone::initialize(&zone, 0, segment.bytes, 512), nt::status::unsuccessful);
    EXPECT_EQ(ex::zone::initialize(&zone, 520, segment.bytes, 512), nt::status::unsuccessful);
    ASSERT_EQ(ex::zone::initialize(&zone, 64, segment.bytes, 512), nt::status::success);
    const nt::ZONE_HEADER before = zone;
    EXPECT_EQ(ex::zone::extend(&zone, segment.bytes + 516, 256), nt::status::unsuccessful);
    EXPECT_EQ(ex::zone::extend(&zone, segment.bytes + 512, 32), nt::status::unsuccessful);
    EXPECT_EQ(zone.TotalSegmentSize, before.TotalSegmentSize);
    EXPECT_EQ(zone.FreeList.Next, before.FreeList.Next);
}

TEST(Zone, FreedBlocksComeBackLastInFirstOut) {
    Segment segment{};
    nt::ZONE_HEADER zone{};
    ASSERT_EQ(ex::zone::initialize(&zone, 32, segment.bytes, 512), nt::status::success);
    void* a = allocate_from_zone(&zone);
    void* b = allocate_from_zone(&zone);
    free_to_zone(&zone, a);
    EXPECT_EQ(allocate_from_zone(&zone), a);
    free_to_zone(&zone, b);
    EXPECT_EQ(allocate_from_zone(&zone), b);
}

TEST(InterlockedList, PushReturnsThePreviousFirstAndPopTheFirst) {
    nt::KSPIN_LOCK lock = 0;
    nt::SINGLE_LIST_ENTRY head{nullptr}, a{}, b{};
    EXPECT_EQ(ex::interlocked_pop_entry_list(&head, &lock), nullptr);
    EXPECT_EQ(ex::interlocked_push_entry_list(&head, &a, &lock), nullptr);
    EXPECT_EQ(ex::interlocked_push_entry_list(&head, &b, &lock), &a);
    EXPECT_EQ(b.Next, &a);
    EXPECT_EQ(ex::interlocked_pop_entry_list(&head, &lock), &b);
    EXPECT_EQ(b.Next, &a);   // free builds leave the popped entry's link alone
    EXPECT_EQ(ex::interlocked_pop_entry_list(&head, &lock), &a);
    EXPECT_EQ(head.Next, nullptr);
    EXPECT_EQ(lock, 0u);
    EXPECT_EQ(ke::current_irql(), ke::passive_level);   // no IRQL change
}

TEST(InterlockedList, WorksAtHighLevel) {
    nt::KSPIN_LOCK lock = 0;
    nt::SINGLE_LIST_ENTRY head{nullptr}, a{};
    const nt::KIRQL old = ke::raise_irql(ke::high_level);
    EXPECT_EQ(ex::interlocked_push_entry_list(&head, &a, &lock), nullptr);
    EXPECT_EQ(ex::interlocked_pop_entry_list(&head, &lock), &a);
    EXPECT_EQ(ke::current_irql(), ke::high_level);
    ke::lower_irql(old);
}

// Several threads allocate and free through the interlocked macros' primitives: every block is
// owned by at most one thread at a time (a marker written while owned), and all come back.
TEST(ZoneStress, InterlockedAllocateFreeLosesAndDuplicatesNothing) {
    constexpr nt::ULONG block = 32, size = 64 * 1024;
    std::vector<unsigned char> storage(size + 16);
    auto* base = reinterpret_cast<unsigned char*>((reinterpret_cast<std::uintptr_t>(storage.data()) + 15) & ~std::uintptr_t{15});
    nt::ZONE_HEADER zone{};
    nt::KSPIN_LOCK lock = 0;
    ASSERT_EQ(ex::zone::initialize(&zone, block, base, size), nt::status::success);
    const std::size_t blocks = (size - header_size) / block;
    std::atomic<int> violations{0};
    std::atomic<bool> go{false};
    constexpr int threads = 4, rounds = 20000;
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            while (!go.load()) std::this_thread::yield();
            std::vector<void*> held;
            for (int r = 0; r < rounds; ++r) {
                const bool allocate = held.empty() || (held.size() < 16 && ((r * 7 + t) % 3) != 0);
                if (allocate) {
                    nt::SINGLE_LIST_ENTRY* b = ex::interlocked_pop_entry_list(&zone.FreeList, &lock);
                    if (!b) continue;
                    if (marker_of(b)->exchange(t + 1) != 0) violations.fetch_add(1);
                    held.push_back(b);
                } else {
                    void* b = held.back();
                    held.pop_back();
                    if (marker_of(b)->exchange(0) != static_cast<std::uintptr_t>(t + 1)) violations.fetch_add(1);
                    ex::interlocked_push_entry_list(&zone.FreeList, static_cast<nt::SINGLE_LIST_ENTRY*>(b), &lock);
                }
            }
            for (void* b : held) {
                marker_of(b)->store(0);
                ex::interlocked_push_entry_list(&zone.FreeList, static_cast<nt::SINGLE_LIST_ENTRY*>(b), &lock);
            }
        });
    }
    go.store(true);
    for (auto& th : pool) th.join();
    EXPECT_EQ(violations.load(), 0);
    std::set<void*> seen;
    for (void* p; (p = allocate_from_zone(&zone)) != nullptr;) {
        EXPECT_TRUE(seen.insert(p).second) << "block on the free list twice";
        EXPECT_GE(static_cast<unsigned char*>(p), base + header_size);
        EXPECT_LT(static_cast<unsigned char*>(p), base + size);
    }
    EXPECT_EQ(seen.size(), blocks);
    EXPECT_EQ(lock, 0u);
}

}  // namespace
