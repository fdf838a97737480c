// Special pool (Driver Verifier): placement at the page end, checks at free (0xC1 subcodes),
// faults past the end or after free (0xD6/0xD5: the host build has no module image, so every
// instruction counts as a driver's).
#include "ex/special_pool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "ex/pool_args.h"
#include "ke/irql.h"
#include "vf/verifier.h"

namespace {

constexpr nt::ULONG tag(const char (&s)[5]) {
    return static_cast<nt::ULONG>(s[0]) | static_cast<nt::ULONG>(s[1]) << 8 | static_cast<nt::ULONG>(s[2]) << 16 |
           static_cast<nt::ULONG>(s[3]) << 24;
}

class SpecialPool : public testing::Test {
protected:
    void SetUp() override { vf::set_enabled(true); }
    void TearDown() override { vf::set_enabled(false); }
    static std::uint8_t* alloc(std::size_t n, nt::ULONG pool_type = 0, nt::ULONG t = tag("Spcl")) {
        return static_cast<std::uint8_t*>(ex::pool::allocate(ex::pool::legacy_request(pool_type, n, t, false)));
    }
};
using SpecialPoolDeathTest = SpecialPool;

constexpr std::size_t page = 4096;

TEST_F(SpecialPool, BlocksEndAtTheirPageEndAligned) {
    for (std::size_t n : {1u, 8u, 60u, 64u, 100u, 4000u}) {
        std::uint8_t* p = alloc(n);
        ASSERT_NE(p, nullptr) << n;
        EXPECT_TRUE(ex::pool::special::contains(p));
        const std::size_t span = (n + ex::pool::unit - 1) / ex::pool::unit * ex::pool::unit;
        EXPECT_EQ((reinterpret_cast<std::uintptr_t>(p) + span) % page, 0u) << n;
        std::memset(p, 0x5A, n);   // the whole request is usable
        const ex::pool::BlockInfo info = ex::pool::query(p);
        EXPECT_EQ(info.requested_bytes, n);
        EXPECT_EQ(info.tag, tag("Spcl"));
        // The POOL_HEADER before the body names the tag, as drivers peeking at it expect.
        const auto* h = reinterpret_cast<const nt::POOL_HEADER*>(p) - 1;
        EXPECT_EQ(h->PoolTag, tag("Spcl"));
        ex::pool::free(p, 0);
    }
}

TEST_F(SpecialPool, CacheAlignedBlocksStartOnACacheLine) {
    std::uint8_t* p = alloc(100, 4 /* NonPagedPoolCacheAligned */);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % 64, 0u);
    ex::pool::free(p, 0);
}

TEST_F(SpecialPool, BigRequestsStayInTheNormalPool) {
    std::uint8_t* p = alloc(3 * page);
    ASSERT_NE(p, nullptr);
    EXPECT_FALSE(ex::pool::special::contains(p));
    ex::pool::free(p, 0);
}

TEST_F(SpecialPool, FreedBlocksLeaveAndTagsAreCounted) {
    const std::size_t before = ex::pool::special::live_blocks();
    std::uint8_t* a = alloc(10, 1, tag("SpcT"));
    std::uint8_t* b = alloc(20, 0, tag("SpcT"));
    EXPECT_EQ(ex::pool::special::live_blocks(), before + 2);
    ex::pool::free(a, 0);
    ex::pool::free(b, tag("SpcT"));
    EXPECT_EQ(ex::pool::special::live_blocks(), before);
    // Every tag the process has used is a row (all unit tests in one process have many more
    // than a handful): ask for the count first, then read them all.
    std::vector<ex::pool::TagUsage> rows(ex::pool::tag_usage(nullptr, 0) + 16);
    const std::size_t n = std::min(ex::pool::tag_usage(rows.data(), rows.size()), rows.size());
    int seen = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (rows[i].tag != tag("SpcT")) continue;
        EXPECT_EQ(rows[i].allocs, 1u);
        EXPECT_EQ(rows[i].frees, 1u);
        EXPECT_EQ(rows[i].bytes_live, 0);
        ++seen;
    }
    EXPECT_EQ(seen, 2) << "one row for paged, one for nonpaged";
}

TEST_F(SpecialPool, VerifierOffMeansTheNormalPool) {
    vf::set_enabled(false);
    std::uint8_t* p = alloc(64);
    EXPECT_FALSE(ex::pool::special::contains(p));
    ex::pool::free(p, 0);
}

#define STOP(code, rest) "STOP: 0x000000" code " \\(" rest
TEST_F(SpecialPoolDeathTest, OverrunWithinTheAlignmentSlackIsFoundAtFree) {
    std::uint8_t* p = alloc(60);   // 4 bytes of slack on x86_64 (16-byte units), 4 on i386 (8)
    p[60] = 1;
    EXPECT_EXIT(ex::pool::free(p, 0), testing::ExitedWithCode(0xC1), STOP("C1", ".*,0x0+24\\) SPECIAL_POOL"));
}

TEST_F(SpecialPoolDeathTest, LastHeaderByteOverwriteIsFoundAtFree) {
    std::uint8_t* p = alloc(32);
    p[-1] ^= 0x40;
    EXPECT_EXIT(ex::pool::free(p, 0), testing::ExitedWithCode(0xC1), STOP("C1", ".*,0x0+23\\)"));
}

TEST_F(SpecialPoolDeathTest, UnderrunIsFoundAtFree) {
    std::uint8_t* p = alloc(32);
    p[-static_cast<std::ptrdiff_t>(ex::pool::unit) - 1] = 0;   // just before the header
    EXPECT_EXIT(ex::pool::free(p, 0), testing::ExitedWithCode(0xC1), STOP("C1", ".*,0x0+23\\)"));
}

TEST_F(SpecialPoolDeathTest, HeaderTagOverwriteIsFoundAtFree) {
    std::uint8_t* p = alloc(32);
    reinterpret_cast<nt::POOL_HEADER*>(p)[-1].PoolTag ^= 0x40;
    EXPECT_EXIT(ex::pool::free(p, 0), testing::ExitedWithCode(0xC1), STOP("C1", ".*,0x0+23\\)"));
}

TEST_F(SpecialPoolDeathTest, DoubleFreeIsFreeingUnallocatedPool) {
    std::uint8_t* p = alloc(32);
    ex::pool::free(p, 0);
    EXPECT_EXIT(ex::pool::free(p, 0), testing::ExitedWithCode(0xC1), STOP("C1", ".*,0x0+,0x0+,0x0+20\\)"));
}

TEST_F(SpecialPoolDeathTest, InteriorPointerIsABadAddress) {
    std::uint8_t* p = alloc(32);
    EXPECT_EXIT(ex::pool::free(p + 16, 0), testing::ExitedWithCode(0xC1), STOP("C1", ".*,0x0+20,0x0+20,0x0+21\\)"));
}

TEST_F(SpecialPoolDeathTest, OverrunPastThePageFaultsAtOnce) {
    std::uint8_t* p = alloc(64);
    EXPECT_EXIT(*reinterpret_cast<volatile std::uint8_t*>(p + 64) = 1, testing::ExitedWithCode(0xD6),
                "DRIVER_PAGE_FAULT_BEYOND_END_OF_ALLOCATION");
}

TEST_F(SpecialPoolDeathTest, UseAfterFreeFaults) {
    std::uint8_t* p = alloc(64);
    ex::pool::free(p, 0);
    EXPECT_EXIT((void)*reinterpret_cast<volatile std::uint8_t*>(p), testing::ExitedWithCode(0xD5),
                "DRIVER_PAGE_FAULT_IN_FREED_SPECIAL_POOL");
}

TEST_F(SpecialPoolDeathTest, BadIrqlIsReportedTheSpecialPoolWay) {
    std::uint8_t* p = alloc(32, 1);
    EXPECT_EXIT(
        {
            ke::set_irql(ke::dispatch_level);
            ex::pool::free(p, 0);
        },
        testing::ExitedWithCode(0xC1), STOP("C1", "0x0+2,0x0+1,.*,0x0+31\\)"));
    EXPECT_EXIT(
        {
            ke::set_irql(ke::dispatch_level);
            alloc(32, 1);
        },
        testing::ExitedWithCode(0xC1), STOP("C1", "0x0+2,0x0+1,0x0+20,0x0+30\\)"));
}

}  // namespace
