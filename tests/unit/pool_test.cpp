// The pool core on the host: layout rules, accounting, quota, threads, and every misuse that
// must end in a bug check (death tests check the STOP line and the exit status).
#include "ex/pool.h"
#include "ex/pool_internal.h"   // the heap of an ended thread (PoolBig)
#include "ke/irql.h"
#include "ps/quota.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <random>
#include <thread>
#include <vector>

namespace {

using ex::pool::Arena;

constexpr nt::ULONG tag(const char (&s)[5]) {
    return static_cast<nt::ULONG>(static_cast<unsigned char>(s[0])) | static_cast<nt::ULONG>(static_cast<unsigned char>(s[1])) << 8 |
           static_cast<nt::ULONG>(static_cast<unsigned char>(s[2])) << 16 | static_cast<nt::ULONG>(static_cast<unsigned char>(s[3])) << 24;
}

void* alloc(std::size_t n, nt::ULONG pool_type = 0, nt::ULONG t = tag("Test"), bool quota = false) {
    ex::pool::Request r{n, t, pool_type, ex::pool::classify(pool_type), quota};
    return ex::pool::allocate(r);
}

const nt::POOL_HEADER& header_of(void* p) { return static_cast<nt::POOL_HEADER*>(p)[-1]; }

std::string stop(const char* code_and_params) { return std::string("^\\*\\*\\* STOP: ") + code_and_params; }

TEST(Pool, ClassifiesPoolTypes) {
    auto c = ex::pool::classify(0);
    EXPECT_EQ(c.arena, Arena::nonpaged);
    EXPECT_FALSE(c.paged);
    EXPECT_EQ(ex::pool::classify(1).arena, Arena::paged);
    EXPECT_TRUE(ex::pool::classify(2).must_succeed);
    EXPECT_TRUE(ex::pool::classify(4).cache_aligned);
    EXPECT_TRUE(ex::pool::classify(5).paged);
    EXPECT_TRUE(ex::pool::classify(5).cache_aligned);
    EXPECT_EQ(ex::pool::classify(512).arena, Arena::nonpaged_nx);        // NonPagedPoolNx
    EXPECT_EQ(ex::pool::classify(0x200 | 0x10).arena, Arena::nonpaged_nx);
    EXPECT_EQ(ex::pool::classify(33).arena, Arena::paged);               // PagedPoolSession
    EXPECT_TRUE(ex::pool::classify(33).session);
    EXPECT_EQ(ex::pool::classify(0x100).arena, Arena::nonpaged);         // cold is only a hint
}

TEST(Pool, SmallBlocksCarryAWindowsHeader) {
    for (std::size_t n : {std::size_t{1}, std::size_t{8}, std::size_t{13}, std::size_t{100}, std::size_t{1000}, ex::pool::small_max}) {
        for (nt::ULONG type : {0u, 1u, 512u}) {
            auto* p = static_cast<std::uint8_t*>(alloc(n, type, tag("Hdr1")));
            ASSERT_NE(p, nullptr);
            const auto a = reinterpret_cast<std::uintptr_t>(p);
            EXPECT_EQ(a % ex::pool::unit, 0u) << n;
            EXPECT_NE(a % ex::pool::page_size, 0u) << n;
            EXPECT_EQ((a - ex::pool::unit) / 4096, (a + n - 1) / 4096) << "block crosses a page: " << n;
            const auto& h = header_of(p);
            EXPECT_EQ(h.PoolTag, tag("Hdr1"));
            EXPECT_EQ(h.block_size(), (n + 2 * ex::pool::unit - 1) / ex::pool::unit) << n;
            EXPECT_NE(h.pool_type(), 0u);
            std::memset(p, 0xAB, n);
            ex::pool::free(p, 0);
        }
    }
}

TEST(Pool, LargerThanTheSmallLimitIsPageAligned) {
    for (std::size_t n : {ex::pool::small_max + 1, std::size_t{4096}, std::size_t{4097}, std::size_t{65536}}) {
        void* p = alloc(n);
        ASSERT_NE(p, nullptr);
        EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % 4096, 0u) << n;
        std::memset(p, 1, n);
        auto info = ex::pool::query(p);
        EXPECT_TRUE(info.big);
        EXPECT_EQ(info.usable_bytes, (n + 4095) / 4096 * 4096);
        ex::pool::free(p, 0);
    }
}

TEST(Pool, FreedBigRunsCoalesce) {
    // 1500 two-page blocks freed in an interleaved order leave more separate runs than the
    // region can remember (1024) unless neighbours merge; merged, the space comes back whole,
    // and a block as large as all of them fits where they were. NX arena: no other test uses
    // its big region, so the addresses are predictable.
    constexpr std::size_t n = 1500;
    std::vector<std::uint8_t*> blocks(n);
    for (auto& b : blocks) {
        b = static_cast<std::uint8_t*>(alloc(2 * 4096, 0x200 /* NonPagedPoolNx */));
        ASSERT_NE(b, nullptr);
    }
    std::uint8_t* lowest = *std::min_element(blocks.begin(), blocks.end());
    for (std::size_t i = 0; i < n; i += 2) ex::pool::free(blocks[i], 0);
    for (std::size_t i = 1; i < n; i += 2) ex::pool::free(blocks[i], 0);
    auto* whole = static_cast<std::uint8_t*>(alloc(n * 2 * 4096, 0x200));
    ASSERT_NE(whole, nullptr);
    EXPECT_EQ(whole, lowest) << "the freed runs did not merge back into one";
    whole[n * 2 * 4096 - 1] = 1;   // committed through to the end
    ex::pool::free(whole, 0);
}

TEST(Pool, ZeroBytesIsServedAsOne) {
    void* p = alloc(0);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(ex::pool::query(p).requested_bytes, 1u);
    ex::pool::free(p, 0);
}

TEST(Pool, CacheAlignedTypesAreCacheLineAligned) {
    for (std::size_t n : {1, 64, 65, 1000, 3000, 4000}) {
        void* p = alloc(n, 4);
        ASSERT_NE(p, nullptr);
        EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % 64, 0u) << n;
        ex::pool::free(p, 0);
    }
}

TEST(Pool, HugeRequestsFail) {
    EXPECT_EQ(alloc(SIZE_MAX), nullptr);
    EXPECT_EQ(alloc(SIZE_MAX / 2), nullptr);
}

TEST(Pool, FreedBlocksAreReused) {
    void* a = alloc(48);
    ex::pool::free(a, 0);
    void* b = alloc(48);
    EXPECT_EQ(a, b);
    ex::pool::free(b, 0);
}

TEST(Pool, TagAccountingCountsAllocsFreesAndLiveBytes) {
    const nt::ULONG t = tag("Acct");
    std::vector<void*> blocks;
    for (int i = 0; i < 10; ++i) blocks.push_back(alloc(100, 1, t));
    blocks.push_back(alloc(10000, 1, t));
    for (int i = 0; i < 4; ++i) {
        ex::pool::free(blocks.back(), 0);
        blocks.pop_back();
    }
    ex::pool::TagUsage usage[256];
    std::size_t n = ex::pool::tag_usage(usage, 256);
    bool found = false;
    for (std::size_t i = 0; i < n && i < 256; ++i) {
        if (usage[i].tag != t) continue;
        EXPECT_TRUE(usage[i].paged);
        EXPECT_EQ(usage[i].allocs, 11u);
        EXPECT_EQ(usage[i].frees, 4u);
        EXPECT_EQ(usage[i].bytes_live, 7 * 100);
        found = true;
    }
    EXPECT_TRUE(found);
    for (void* p : blocks) ex::pool::free(p, 0);
}

TEST(Pool, EveryTagIsCountedEvenPastAThreadsTable) {
    // One thread's own table has 512 slots; the rest go to the shared one.
    std::vector<void*> blocks;
    for (nt::ULONG i = 0; i < 700; ++i) blocks.push_back(alloc(24, 0, 0x30303030u + (i % 10) + (i / 10 % 10 << 8) + (i / 100 << 16) + 0x4000000u));
    std::vector<ex::pool::TagUsage> rows(4096);
    rows.resize(ex::pool::tag_usage(rows.data(), rows.size()));
    std::size_t found = 0;
    for (const auto& r : rows)
        if ((r.tag >> 24) == 0x34 && !r.paged && r.allocs >= 1 && r.bytes_live >= 24) ++found;
    EXPECT_EQ(found, 700u);
    for (void* p : blocks) ex::pool::free(p, 0);
}

TEST(Pool, ProtectedTagsAreCountedWithoutTheProtectedBit) {
    const nt::ULONG t = tag("PrCt");
    void* p = alloc(40, 0, t | nt::PROTECTED_POOL);
    std::vector<ex::pool::TagUsage> rows(4096);
    rows.resize(ex::pool::tag_usage(rows.data(), rows.size()));
    bool plain = false, protected_row = false;
    for (const auto& r : rows) {
        plain |= r.tag == t && r.bytes_live == 40;
        protected_row |= r.tag == (t | nt::PROTECTED_POOL);
    }
    EXPECT_TRUE(plain);
    EXPECT_FALSE(protected_row);
    ex::pool::free(p, t | nt::PROTECTED_POOL);
}

// A small quota block references the charged process from allocation to free; a page-sized one
// does not (kmtest ExPools.c, validated on Windows). The emulated process keeps the count in its
// Windows-layout OBJECT_HEADER, right before the process pointer handed out.
TEST(Pool, SmallQuotaBlocksReferenceTheProcess) {
    const nt::OBJECT_HEADER* header = ps::emulated_process_header();
    ASSERT_EQ(reinterpret_cast<const char*>(ps::process_object()) - reinterpret_cast<const char*>(header),
              static_cast<std::ptrdiff_t>(nt::is_64bit ? 0x30 : 0x18));
    const nt::LONG_PTR before = header->PointerCount;
    EXPECT_GE(before, 1);
    void* q = alloc(sizeof(void*) * 2, 1, tag("tQmK"), true);
    ASSERT_NE(q, nullptr);
    EXPECT_EQ(header->PointerCount, before + 1);
    void* big = alloc(4096, 1, tag("tQmK"), true);
    ASSERT_NE(big, nullptr);
    EXPECT_EQ(header->PointerCount, before + 1);
    ex::pool::free(big, 0);
    ex::pool::free(q, 0);
    EXPECT_EQ(header->PointerCount, before);
}

TEST(Pool, QuotaIsChargedReportedAndReturned) {
    auto before = ps::usage(ps::current_process());
    void* q = alloc(100, 1, tag("Quot"), true);
    ASSERT_NE(q, nullptr);
    EXPECT_TRUE(ex::pool::query(q).quota_charged);
    EXPECT_GT(ps::usage(ps::current_process()).paged_bytes, before.paged_bytes);
    void* plain = alloc(100, 1);
    EXPECT_FALSE(ex::pool::query(plain).quota_charged);
    ex::pool::free(q, 0);
    ex::pool::free(plain, 0);
    EXPECT_EQ(ps::usage(ps::current_process()).paged_bytes, before.paged_bytes);

    ps::set_limits(ps::current_process(), before.paged_bytes + 3000, ~std::uint64_t{0});
    void* fits = alloc(2000, 1, tag("Quot"), true);
    EXPECT_NE(fits, nullptr);
    nt::NTSTATUS why = 0;
    ex::pool::Request over{2000, tag("Quot"), 1, ex::pool::classify(1), true};
    EXPECT_EQ(ex::pool::allocate(over, &why), nullptr);
    EXPECT_EQ(why, nt::status::quota_exceeded) << "the status the quota allocators raise";
    void* uncharged = alloc(2000, 1, tag("Quot"), false);
    EXPECT_NE(uncharged, nullptr) << "a charge-free allocation is not limited";
    // Blocks of a page or more are not charged (windows-behavior.md 3.1), so the limit does not apply.
    void* big = alloc(8192, 1, tag("Quot"), true);
    ASSERT_NE(big, nullptr);
    EXPECT_FALSE(ex::pool::query(big).quota_charged);
    ex::pool::free(big, 0);
    ex::pool::free(uncharged, 0);
    ex::pool::free(fits, 0);
    EXPECT_NE(fits = alloc(2000, 1, tag("Quot"), true), nullptr) << "the free gave the charge back";
    ex::pool::free(fits, 0);
    ps::set_limits(ps::current_process(), ~std::uint64_t{0}, ~std::uint64_t{0});
}

TEST(Pool, ProtectedTagsFreeWithTheirTag) {
    const nt::ULONG t = tag("Prot") | nt::PROTECTED_POOL;
    void* p = alloc(32, 0, t);
    ex::pool::free(p, t);
    void* q = alloc(32, 0, tag("Plan"));
    ex::pool::free(q, tag("Othr"));   // unprotected tags are not checked (free builds)
}

TEST(Pool, ThreadsAllocateAndFreeEachOthersBlocks) {
    constexpr int threads = 4, rounds = 20000;
    std::atomic<void*> handoff[threads];
    for (auto& h : handoff) h = nullptr;
    std::vector<std::thread> pool;
    std::atomic<int> errors{0};
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            std::mt19937 rng(t);
            std::vector<std::uint8_t*> mine;
            for (int i = 0; i < rounds; ++i) {
                std::size_t n = 1 + rng() % 600;
                auto* p = static_cast<std::uint8_t*>(alloc(n, rng() % 2, tag("Thrd")));
                if (!p) {
                    ++errors;
                    continue;
                }
                p[0] = static_cast<std::uint8_t>(n);
                p[n - 1] = static_cast<std::uint8_t>(n);
                // Hand every other block to the next thread, free what we receive.
                if (i % 2) {
                    void* old = handoff[(t + 1) % threads].exchange(p);
                    if (old) ex::pool::free(old, 0);
                } else {
                    mine.push_back(p);
                }
                if (mine.size() > 64) {
                    ex::pool::free(mine.front(), 0);
                    mine.erase(mine.begin());
                }
            }
            for (auto* p : mine) ex::pool::free(p, 0);
        });
    }
    for (auto& th : pool) th.join();
    for (auto& h : handoff)
        if (void* p = h.exchange(nullptr)) ex::pool::free(p, 0);
    EXPECT_EQ(errors, 0);
}

// ---- Misuse: Windows' bug checks ----

TEST(PoolDeathTest, DoubleFreeOfASmallBlock) {
    void* p = alloc(64);
    ex::pool::free(p, 0);
    EXPECT_EXIT(ex::pool::free(p, 0), testing::ExitedWithCode(0xC2),
                stop("0x000000C2 \\(0x0000000000000007,0x0000000000000000,0x[0-9A-F]{16},") +
                    [&] { char b[32]; snprintf(b, sizeof b, "0x%016zX", reinterpret_cast<std::uintptr_t>(p)); return std::string(b); }() +
                    "\\) BAD_POOL_CALLER");
}

TEST(PoolDeathTest, DoubleFreeOfABigBlock) {
    void* p = alloc(3 * 4096);
    ex::pool::free(p, 0);
    EXPECT_EXIT(ex::pool::free(p, 0), testing::ExitedWithCode(0xC2), stop("0x000000C2 \\(0x0000000000000007,"));
}

TEST(PoolDeathTest, FreeOfAnAddressNeverInAnyPool) {
    static int not_pool;
    EXPECT_EXIT(ex::pool::free(&not_pool, 0), testing::ExitedWithCode(0xC2), stop("0x000000C2 \\(0x0000000000000042,"));
    EXPECT_EXIT(ex::pool::free(nullptr, 0), testing::ExitedWithCode(0xC2),
                stop("0x000000C2 \\(0x0000000000000042,0x0000000000000000,0x0000000000000000,0x0000000000000000\\)"));
}

TEST(PoolDeathTest, FreeFromTheMiddleOfABlock) {
    auto* np = static_cast<std::uint8_t*>(alloc(256, 0));
    EXPECT_EXIT(ex::pool::free(np + 16, 0), testing::ExitedWithCode(0xC2), stop("0x000000C2 \\(0x0000000000000099,"));
    auto* pg = static_cast<std::uint8_t*>(alloc(256, 1));
    EXPECT_EXIT(ex::pool::free(pg + 16, 0), testing::ExitedWithCode(0xC2), stop("0x000000C2 \\(0x0000000000041286,"));
    auto* big = static_cast<std::uint8_t*>(alloc(3 * 4096, 1));
    EXPECT_EXIT(ex::pool::free(big + 4096, 0), testing::ExitedWithCode(0xC2), stop("0x000000C2 \\(0x0000000000041286,"));
}

TEST(PoolDeathTest, ProtectedTagMismatch) {
    const nt::ULONG t = tag("Prot") | nt::PROTECTED_POOL;
    void* p = alloc(32, 0, t);
    EXPECT_EXIT(ex::pool::free(p, 0), testing::ExitedWithCode(0xC2),
                stop("0x000000C2 \\(0x000000000000000A,0x[0-9A-F]{16},0x00000000F46F7250,0x0000000000000000\\)"));
    void* big = alloc(8192, 0, t);
    EXPECT_EXIT(ex::pool::free(big, tag("Prot")), testing::ExitedWithCode(0xC2), stop("0x000000C2 \\(0x000000000000000A,"));
}

TEST(PoolDeathTest, OverrunIntoSlackIsCaughtAtFree) {
    auto* p = static_cast<std::uint8_t*>(alloc(13));
    p[13] = 0;   // one byte past the request, inside the block's slack
    EXPECT_EXIT(ex::pool::free(p, 0), testing::ExitedWithCode(0x19),
                stop("0x00000019 \\(0x0000000000000021,0x[0-9A-F]{16},0x000000000000000D,0x0000000000000000\\) BAD_POOL_HEADER"));
}

TEST(PoolDeathTest, OverrunOfACacheAlignedBlockIsCaughtAtFree) {
    // Cache-aligned blocks are whole cache lines: a 10-byte request leaves 38 bytes of slack.
    auto* p = static_cast<std::uint8_t*>(alloc(10, 4));
    std::memset(p + 10, 0, 30);
    EXPECT_EXIT(ex::pool::free(p, 0), testing::ExitedWithCode(0x19),
                stop("0x00000019 \\(0x0000000000000021,0x[0-9A-F]{16},0x000000000000000A,0x0000000000000000\\)"));
    auto* q = static_cast<std::uint8_t*>(alloc(10, 4));
    q[47] ^= 1;   // the last byte of the block
    EXPECT_EXIT(ex::pool::free(q, 0), testing::ExitedWithCode(0x19), stop("0x00000019 \\(0x0000000000000021,"));
}

TEST(PoolDeathTest, OverrunOfABigBlockBelowAPageIsCaughtAtFree) {
    // Past the small limit but below a page: a whole page, of which only the request is the caller's.
    const std::size_t n = ex::pool::small_max + 6;
    auto* p = static_cast<std::uint8_t*>(alloc(n));
    ASSERT_EQ(reinterpret_cast<std::uintptr_t>(p) % 4096, 0u);
    p[n] = 0x55;
    EXPECT_EXIT(ex::pool::free(p, 0), testing::ExitedWithCode(0x19), stop("0x00000019 \\(0x0000000000000021,"));
    auto* q = static_cast<std::uint8_t*>(alloc(5000));
    q[8191] = 0;   // the tail of the last page
    EXPECT_EXIT(ex::pool::free(q, 0), testing::ExitedWithCode(0x19), stop("0x00000019 \\(0x0000000000000021,"));
}

TEST(PoolDeathTest, WriteAfterFreeIsDetectedNotFollowed) {
    // A driver that zeroes (or fills) a block after freeing it destroys the free-list link kept
    // there: the next allocations must stop with BAD_POOL_HEADER 0x3, not crash or hand out garbage.
    for (std::uint8_t fill : {std::uint8_t{0x00}, std::uint8_t{0x41}}) {
        EXPECT_EXIT(
            {
                auto* p = static_cast<std::uint8_t*>(alloc(96, 0, tag("WaFr")));
                ex::pool::free(p, 0);
                std::memset(p, fill, 96);
                for (int i = 0; i < 4; ++i) alloc(96, 0, tag("WaFr"));
            },
            testing::ExitedWithCode(0x19), stop("0x00000019 \\(0x0000000000000003,"));
    }
    // A pointer to another block of the same page, written where the link was, is not taken as one.
    EXPECT_EXIT(
        {
            auto* a = static_cast<std::uint8_t*>(alloc(96, 0, tag("WaFp")));
            auto* b = static_cast<std::uint8_t*>(alloc(96, 0, tag("WaFp")));
            ex::pool::free(a, 0);
            std::memcpy(a, &b, sizeof b);
            for (int i = 0; i < 4; ++i) alloc(96, 0, tag("WaFp"));
        },
        testing::ExitedWithCode(0x19), stop("0x00000019 \\(0x0000000000000003,"));
}

TEST(PoolDeathTest, OverrunIntoAFreeNeighbourIsCaughtWhenItIsHandedOut) {
    EXPECT_EXIT(
        {
            auto* a = static_cast<std::uint8_t*>(alloc(48, 0, tag("OvFr")));
            auto* b = static_cast<std::uint8_t*>(alloc(48, 0, tag("OvFr")));
            if (b - a != 64) std::exit(3);
            ex::pool::free(b, 0);
            std::memset(a, 0x41, 64);   // a's bytes, then the free b's header
            alloc(48, 0, tag("OvFr"));  // hands b out again: its header says it is no longer a free block of this size
        },
        testing::ExitedWithCode(0x19), stop("0x00000019 \\(0x000000000000000D,"));
}

TEST(PoolDeathTest, OverrunOfTheNextHeader) {
    auto* a = static_cast<std::uint8_t*>(alloc(48, 0, tag("Ovr1")));
    auto* b = static_cast<std::uint8_t*>(alloc(48, 0, tag("Ovr1")));
    ASSERT_EQ(b - a, 64) << "expected neighbours";
    std::memset(a, 0x41, 64);   // 48 bytes of a, then b's header
    EXPECT_EXIT(ex::pool::free(a, 0), testing::ExitedWithCode(0x19), stop("0x00000019 \\(0x0000000000000020,"));
    EXPECT_EXIT(ex::pool::free(b, 0), testing::ExitedWithCode(0x19), stop("0x00000019 \\(0x000000000000000[5-9],"));
}

TEST(PoolDeathTest, UnderrunIntoTheOwnHeader) {
    auto* p = static_cast<std::uint8_t*>(alloc(100));
    std::memset(p - 16, 0x7F, 4);
    EXPECT_EXIT(ex::pool::free(p, 0), testing::ExitedWithCode(0x19), stop("0x00000019 \\("));
}

TEST(PoolDeathTest, MustSucceedRequests) {
    EXPECT_EXIT(alloc(100, 2, tag("Must")), testing::ExitedWithCode(0xC2),
                stop("0x000000C2 \\(0x000000000000009A,0x0000000000000002,0x0000000000000064,0x000000007473754D\\)"));
    EXPECT_EXIT(alloc(100, 6, tag("Must")), testing::ExitedWithCode(0xC2), stop("0x000000C2 \\(0x000000000000009A,"));
}

}  // namespace

namespace {

TEST(PoolTagTable, PoolmonStyleMostBytesFirst) {
    ex::pool::TagUsage rows[] = {
        {0x41414141 /* AAAA */, false, 3, 1, 200},
        {0x74636341 /* Acct */, true, 11, 4, 700},
        {0x00000001 | nt::PROTECTED_POOL, false, 1, 0, 8},
    };
    char out[512];
    std::size_t n = ex::pool::format_tag_table(rows, 3, out, sizeof out);
    EXPECT_EQ(std::string(out),
              " Tag  Type      Allocs       Frees        Diff       Bytes\n"
              " Acct Paged            11           4           7         700\n"
              " AAAA Nonp              3           1           2         200\n"
              " .... Nonp              1           0           1           8\n");
    EXPECT_EQ(n, std::strlen(out));
    char small[20];
    EXPECT_EQ(ex::pool::format_tag_table(rows, 3, small, sizeof small), n) << "reports the length it needed";
    EXPECT_EQ(std::strlen(small), sizeof small - 1);
}

}  // namespace

namespace {

TEST(PoolThreads, HeapsOfEndedThreadsAreAdoptedNotStranded) {
    void* kept = nullptr;
    std::thread([&] { kept = alloc(40, 0, tag("Adop")); }).join();   // allocated by a thread that ends
    const std::size_t before = ex::pool::thread_heap_count();
    for (int i = 0; i < 200; ++i) {
        std::thread([] {
            void* p = alloc(100, 1, tag("Shrt"));
            ex::pool::free(p, 0);
        }).join();
    }
    EXPECT_LE(ex::pool::thread_heap_count(), before + 1) << "one thread at a time needs at most one more heap";
    // The block of the ended thread is still a live block, and a new thread frees it.
    EXPECT_EQ(ex::pool::query(kept).tag, tag("Adop"));
    std::thread([&] { ex::pool::free(kept, 0); }).join();
}

}  // namespace

namespace {

TEST(PoolPages, EmptiedPagesGoBackToTheArenaForOtherClasses) {
    // Far more pages than a heap keeps idle (64): most of them must go back to the arena.
    std::vector<void*> small_blocks;
    std::vector<std::uintptr_t> pages;
    for (int i = 0; i < 20000; ++i) small_blocks.push_back(alloc(40, 0, tag("Pg1 ")));
    for (void* p : small_blocks) pages.push_back(reinterpret_cast<std::uintptr_t>(p) & ~std::uintptr_t{4095});
    std::sort(pages.begin(), pages.end());
    pages.erase(std::unique(pages.begin(), pages.end()), pages.end());
    for (void* p : small_blocks) ex::pool::free(p, 0);

    // Another size class (and so other pages) now finds those pages in the arena.
    std::vector<void*> other;
    std::size_t reused = 0;
    for (int i = 0; i < 1000; ++i) {
        void* p = alloc(1000, 0, tag("Pg2 "));
        other.push_back(p);
        reused += std::binary_search(pages.begin(), pages.end(), reinterpret_cast<std::uintptr_t>(p) & ~std::uintptr_t{4095});
    }
    EXPECT_GT(reused, 500u) << pages.size() << " emptied pages, " << reused << " blocks of 1000 went there";
    for (void* p : other) ex::pool::free(p, 0);
}

}  // namespace

namespace {

// IRQL rules (windows-behavior.md 3.1): paged pool up to APC_LEVEL, nonpaged up to
// DISPATCH_LEVEL; 0xC2/0x08 for allocations, 0x09 for frees.
TEST(PoolIrql, NonpagedWorksAtDispatchLevel) {
    nt::KIRQL old = ke::set_irql(ke::dispatch_level);
    void* p = alloc(64, 0);
    EXPECT_NE(p, nullptr);
    ex::pool::free(p, 0);
    ke::set_irql(old);
}

TEST(PoolIrqlDeathTest, PagedAtDispatchLevelAndNonpagedAboveIt) {
    EXPECT_EXIT(
        {
            ke::set_irql(ke::dispatch_level);
            alloc(100, 1);
        },
        testing::ExitedWithCode(0xC2),
        stop("0x000000C2 \\(0x0000000000000008,0x0000000000000002,0x0000000000000001,0x0000000000000064\\)"));
    EXPECT_EXIT(
        {
            ke::set_irql(ke::dispatch_level + 1);
            alloc(100, 0);
        },
        testing::ExitedWithCode(0xC2), stop("0x000000C2 \\(0x0000000000000008,0x0000000000000003,"));
    void* paged = alloc(100, 1);
    EXPECT_EXIT(
        {
            ke::set_irql(ke::dispatch_level);
            ex::pool::free(paged, 0);
        },
        testing::ExitedWithCode(0xC2), stop("0x000000C2 \\(0x0000000000000009,0x0000000000000002,0x0000000000000001,"));
    ex::pool::free(paged, 0);
}

// The exports' path for plain legacy types (allocate_plain) serves what allocate() serves, and
// stops for the same misuse with the same parameters.
TEST(PoolPlain, ServesWhatAllocateServes) {
    // The plain types, and two that allocate_plain hands to allocate() (session, raise on failure).
    for (nt::ULONG type : {0x0u, 0x1u, 0x4u, 0x5u, 0x200u, 0x204u, 0x20u, 0x10u}) {
        for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{64}, ex::pool::small_max, ex::pool::small_max + 1,
                              std::size_t{3 * 4096}}) {
            void* a = ex::pool::allocate_plain(type, n, tag("Pln1"));
            void* b = alloc(n, type, tag("Pln1"));
            ASSERT_NE(a, nullptr) << type << " " << n;
            ASSERT_NE(b, nullptr) << type << " " << n;
            const ex::pool::BlockInfo ia = ex::pool::query(a), ib = ex::pool::query(b);
            EXPECT_EQ(ia.usable_bytes, ib.usable_bytes) << type << " " << n;
            EXPECT_EQ(ia.requested_bytes, ib.requested_bytes) << type << " " << n;
            EXPECT_EQ(ia.arena, ib.arena) << type << " " << n;
            EXPECT_EQ(ia.big, ib.big) << type << " " << n;
            EXPECT_FALSE(ia.quota_charged);
            if (!ia.big) {
                EXPECT_EQ(header_of(a).Ulong1 & 0xFFFF0000u, header_of(b).Ulong1 & 0xFFFF0000u) << "type and size";
                EXPECT_EQ(header_of(a).PoolTag, tag("Pln1"));
            }
            ex::pool::free(a, 0);
            ex::pool::free(b, 0);
        }
    }
}

TEST(PoolPlainDeathTest, PagedAtDispatchLevel) {
    EXPECT_EXIT(
        {
            ke::set_irql(ke::dispatch_level);
            ex::pool::allocate_plain(1, 100, tag("Pln2"));
        },
        testing::ExitedWithCode(0xC2),
        stop("0x000000C2 \\(0x0000000000000008,0x0000000000000002,0x0000000000000001,0x0000000000000064\\)"));
}

// A freed big block of up to 64 KiB stays with its thread for the next request of its size
// (no region lock), is still known as freed while it waits (PoolBigDeathTest), and goes back to
// the region when the thread ends.
TEST(PoolBig, AThreadReusesItsLastFreedRunOfTheSameSize) {
    void* a = alloc(16 * 4096, 1);
    ASSERT_NE(a, nullptr);
    ex::pool::free(a, 0);
    void* b = alloc(16 * 4096 - 100, 1);
    EXPECT_EQ(a, b);
    EXPECT_EQ(ex::pool::query(b).requested_bytes, 16u * 4096 - 100);
    static_cast<std::uint8_t*>(b)[16 * 4096 - 101] = 1;
    ex::pool::free(b, 0);
}

TEST(PoolBig, AnEndingThreadGivesItsCachedRunBack) {
    // The heap of a thread that ended waits for another thread to adopt it; whatever big run it
    // kept must not wait with it.
    ex::pool::detail::ThreadHeap* heap = nullptr;
    std::thread([&] {
        void* t = alloc(8 * 4096, 0x200);
        ASSERT_NE(t, nullptr);
        ex::pool::free(t, 0);
        heap = &ex::pool::detail::this_thread_heap();
        EXPECT_EQ(heap->big_cache[static_cast<int>(Arena::nonpaged_nx)].pages, 8u) << "kept while the thread runs";
    }).join();   // the TLS destructor runs ex::pool::thread_exit
    ASSERT_NE(heap, nullptr);
    for (const auto& cached : heap->big_cache) EXPECT_EQ(cached.pages, 0u);
}

TEST(PoolBigDeathTest, DoubleFreeOfACachedRun) {
    void* p = alloc(2 * 4096);
    ex::pool::free(p, 0);   // cached by this thread
    EXPECT_EXIT(ex::pool::free(p, 0), testing::ExitedWithCode(0xC2),
                stop("0x000000C2 \\(0x0000000000000007,0x0000000000000000,0x0000000000000000,"));
}

}  // namespace
