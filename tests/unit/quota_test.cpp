// Process pool quota (ps/quota): charges, limits, returns and QUOTA_UNDERFLOW.
#include "ps/quota.h"

#include <gtest/gtest.h>

namespace {

TEST(Quota, ChargesAreCountedPerKindAndReturned) {
    ps::EmulatedProcess process;
    EXPECT_TRUE(ps::charge(&process, ps::QuotaKind::paged, 100));
    EXPECT_TRUE(ps::charge(&process, ps::QuotaKind::nonpaged, 30));
    EXPECT_EQ(ps::usage(&process).paged_bytes, 100u);
    EXPECT_EQ(ps::usage(&process).nonpaged_bytes, 30u);
    ps::give_back(&process, ps::QuotaKind::paged, 60);
    EXPECT_EQ(ps::usage(&process).paged_bytes, 40u);
    EXPECT_EQ(ps::usage(&process).nonpaged_bytes, 30u);
}

TEST(Quota, AChargePastTheLimitFailsAndChargesNothing) {
    ps::EmulatedProcess process;
    ps::set_limits(&process, 1000, ~std::uint64_t{0});
    EXPECT_TRUE(ps::charge(&process, ps::QuotaKind::paged, 600));
    EXPECT_FALSE(ps::charge(&process, ps::QuotaKind::paged, 401));
    EXPECT_EQ(ps::usage(&process).paged_bytes, 600u);
    EXPECT_TRUE(ps::charge(&process, ps::QuotaKind::paged, 400));   // exactly up to the limit
    EXPECT_TRUE(ps::charge(&process, ps::QuotaKind::nonpaged, std::uint64_t{1} << 40))
        << "the other kind has no limit";
    EXPECT_FALSE(ps::charge(&process, ps::QuotaKind::nonpaged, ~std::uint64_t{0})) << "no wrap-around";
}

TEST(Quota, RegistryMegabytesBecomeLimits) {
    EXPECT_EQ(ps::limit_from_megabytes(0), ~std::uint64_t{0}) << "0 means no limit (KB 153480)";
    EXPECT_EQ(ps::limit_from_megabytes(1), std::uint64_t{1} << 20);
    EXPECT_EQ(ps::limit_from_megabytes(128), std::uint64_t{128} << 20);
}

TEST(Quota, PoolTypesChargeTheirKind) {
    EXPECT_EQ(ps::kind_of_pool_type(0), ps::QuotaKind::nonpaged);   // NonPagedPool
    EXPECT_EQ(ps::kind_of_pool_type(1), ps::QuotaKind::paged);      // PagedPool
    EXPECT_EQ(ps::kind_of_pool_type(4), ps::QuotaKind::nonpaged);   // NonPagedPoolCacheAligned
    EXPECT_EQ(ps::kind_of_pool_type(5), ps::QuotaKind::paged);      // PagedPoolCacheAligned
}

TEST(QuotaDeathTest, ReturningMoreThanChargedIsQuotaUnderflow) {
    ps::EmulatedProcess process;
    ASSERT_TRUE(ps::charge(&process, ps::QuotaKind::paged, 10));
    EXPECT_EXIT(ps::give_back(&process, ps::QuotaKind::paged, 16), testing::ExitedWithCode(0x21),
                "STOP: 0x00000021 \\(0x[0-9A-F]+,0x0+1,0x0+10,0x0+6\\) QUOTA_UNDERFLOW");
}

}  // namespace
