// ExAllocatePool2/3 argument rules and the legacy raise rules (windows-behavior.md 3.1, 3.2).
#include "ex/pool_args.h"

#include <gtest/gtest.h>

namespace {

using namespace nt;
using ex::pool::FlagsRequest;

FlagsRequest pool2(POOL_FLAGS flags, ULONG tag = 0x74736554) {
    return ex::pool::flags_request(flags, 64, tag, nullptr, 0);
}

TEST(PoolArgs, LegacyRaiseRules) {
    EXPECT_FALSE(ex::pool::legacy_raises(0, false));
    EXPECT_TRUE(ex::pool::legacy_raises(POOL_RAISE_IF_ALLOCATION_FAILURE, false));
    EXPECT_TRUE(ex::pool::legacy_raises(1, true)) << "quota routines raise by default";
    EXPECT_FALSE(ex::pool::legacy_raises(1 | POOL_QUOTA_FAIL_INSTEAD_OF_RAISE, true));
}

TEST(PoolArgs, EachMemoryKindMapsToItsPool) {
    auto nx = pool2(POOL_FLAG_NON_PAGED);
    ASSERT_TRUE(nx.valid);
    EXPECT_EQ(nx.request.type.arena, ex::pool::Arena::nonpaged_nx);
    auto exec = pool2(POOL_FLAG_NON_PAGED_EXECUTE);
    ASSERT_TRUE(exec.valid);
    EXPECT_EQ(exec.request.type.arena, ex::pool::Arena::nonpaged);
    auto paged = pool2(POOL_FLAG_PAGED | POOL_FLAG_CACHE_ALIGNED | POOL_FLAG_USE_QUOTA);
    ASSERT_TRUE(paged.valid);
    EXPECT_EQ(paged.request.type.arena, ex::pool::Arena::paged);
    EXPECT_TRUE(paged.request.type.cache_aligned);
    EXPECT_TRUE(paged.request.quota);
}

TEST(PoolArgs, ZeroedUnlessUninitialized) {
    EXPECT_TRUE(pool2(POOL_FLAG_PAGED).zero);
    EXPECT_FALSE(pool2(POOL_FLAG_PAGED | POOL_FLAG_UNINITIALIZED).zero);
}

TEST(PoolArgs, RejectedFlagsAndTags) {
    EXPECT_FALSE(pool2(0).valid) << "no memory kind";
    EXPECT_FALSE(pool2(POOL_FLAG_PAGED | POOL_FLAG_NON_PAGED).valid) << "two memory kinds";
    EXPECT_FALSE(pool2(POOL_FLAG_PAGED | POOL_FLAG_RESERVED1).valid);
    EXPECT_FALSE(pool2(POOL_FLAG_PAGED | POOL_FLAG_RESERVED3).valid);
    EXPECT_FALSE(pool2(POOL_FLAG_PAGED | 0x800).valid) << "unknown required bit";
    EXPECT_FALSE(pool2(POOL_FLAG_PAGED | POOL_FLAG_REQUIRED_END).valid);
    EXPECT_FALSE(pool2(POOL_FLAG_PAGED, 0).valid) << "tag 0";
    auto raising = pool2(POOL_FLAG_PAGED | POOL_FLAG_RAISE_ON_FAILURE, 0);
    EXPECT_FALSE(raising.valid);
    EXPECT_TRUE(raising.raise_on_failure);
}

TEST(PoolArgs, UnknownOptionalFlagsAreIgnored) {
    EXPECT_TRUE(pool2(POOL_FLAG_PAGED | POOL_FLAG_SPECIAL_POOL).valid);
    EXPECT_TRUE(pool2(POOL_FLAG_PAGED | (1ull << 40) | POOL_FLAG_OPTIONAL_END).valid);
}

TEST(PoolArgs, ExtendedParameters) {
    POOL_EXTENDED_PARAMETER p[2] = {};
    p[0].Type = PoolExtendedParameterPriority;
    p[0].Priority = HighPoolPriority;
    EXPECT_TRUE(ex::pool::flags_request(POOL_FLAG_PAGED, 8, 0x41414141, p, 1).valid);
    p[1].Type = 0x7F;   // unknown
    p[1].Optional = 1;
    EXPECT_TRUE(ex::pool::flags_request(POOL_FLAG_PAGED, 8, 0x41414141, p, 2).valid);
    p[1].Optional = 0;
    EXPECT_FALSE(ex::pool::flags_request(POOL_FLAG_PAGED, 8, 0x41414141, p, 2).valid);
    p[1].Type = PoolExtendedParameterSecurePool;   // needs ExCreatePool: not emulated
    EXPECT_FALSE(ex::pool::flags_request(POOL_FLAG_PAGED, 8, 0x41414141, p, 2).valid);
    EXPECT_FALSE(ex::pool::flags_request(POOL_FLAG_PAGED, 8, 0x41414141, nullptr, 1).valid);
}

}  // namespace
