#include "mm/system_size.h"

#include <gtest/gtest.h>

namespace {

using mm::ProductType;

constexpr std::uint64_t mb(std::uint64_t n) { return n * 1024 * 1024 / 4096; }   // in 4 KiB pages

TEST(MmSystemSize, ProductTypeStrings) {
    EXPECT_EQ(mm::product_type_from_registry(u"WinNt"), ProductType::win_nt);
    EXPECT_EQ(mm::product_type_from_registry(u"WinNT"), ProductType::win_nt);   // as Wine writes it
    EXPECT_EQ(mm::product_type_from_registry(u"LanmanNt"), ProductType::lanman_nt);
    EXPECT_EQ(mm::product_type_from_registry(u"LANMANNT"), ProductType::lanman_nt);
    EXPECT_EQ(mm::product_type_from_registry(u"ServerNt"), ProductType::server);
    EXPECT_EQ(mm::product_type_from_registry(u"serverNT"), ProductType::server);
    // Missing or unknown: a workstation, as Windows assumes.
    EXPECT_EQ(mm::product_type_from_registry(u""), ProductType::win_nt);
    EXPECT_EQ(mm::product_type_from_registry(u"Server"), ProductType::win_nt);
    EXPECT_EQ(mm::product_type_from_registry(u"LanmanNtX"), ProductType::win_nt);
}

TEST(MmSystemSize, ServerProductTypes) {
    EXPECT_FALSE(mm::is_server(ProductType::win_nt));
    EXPECT_TRUE(mm::is_server(ProductType::lanman_nt));
    EXPECT_TRUE(mm::is_server(ProductType::server));
}

TEST(MmSystemSize, WorkstationThresholds) {
    EXPECT_EQ(mm::system_size_for(mb(8), ProductType::win_nt), nt::MmSmallSystem);
    EXPECT_EQ(mm::system_size_for(mb(13), ProductType::win_nt), nt::MmSmallSystem);
    EXPECT_EQ(mm::system_size_for(mb(19), ProductType::win_nt), nt::MmSmallSystem);
    EXPECT_EQ(mm::system_size_for(mb(19) + 1, ProductType::win_nt), nt::MmMediumSystem);
    EXPECT_EQ(mm::system_size_for(mb(32) - 1, ProductType::win_nt), nt::MmMediumSystem);
    EXPECT_EQ(mm::system_size_for(mb(32), ProductType::win_nt), nt::MmLargeSystem);
    EXPECT_EQ(mm::system_size_for(mb(16384), ProductType::win_nt), nt::MmLargeSystem);
}

TEST(MmSystemSize, ServersNeed64MBToBeLarge) {
    for (ProductType p : {ProductType::lanman_nt, ProductType::server}) {
        EXPECT_EQ(mm::system_size_for(mb(19), p), nt::MmSmallSystem);
        EXPECT_EQ(mm::system_size_for(mb(32), p), nt::MmMediumSystem);
        EXPECT_EQ(mm::system_size_for(mb(64) - 1, p), nt::MmMediumSystem);
        EXPECT_EQ(mm::system_size_for(mb(64), p), nt::MmLargeSystem);
    }
}

TEST(MmSystemSize, ComputedOnceFromThisMachine) {
    const mm::SystemSizeInfo& a = mm::system_size_info();
    const mm::SystemSizeInfo& b = mm::system_size_info();
    EXPECT_EQ(&a, &b);
    EXPECT_GT(a.physical_pages, mb(64));
    // Linux has no registry: the host build is a workstation.
    EXPECT_EQ(a.product, ProductType::win_nt);
    EXPECT_EQ(a.size, nt::MmLargeSystem);
}

}  // namespace
