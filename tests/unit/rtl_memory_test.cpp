// RtlCompareMemory's answer: how many leading bytes two blocks share [MSDN:RtlCompareMemory].
#include "rtl/memory.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

namespace {

TEST(RtlCompareMemory, CountsTheLeadingBytesThatMatch) {
    std::vector<unsigned char> a(100), b(100);
    for (std::size_t i = 0; i < a.size(); ++i) a[i] = b[i] = static_cast<unsigned char>(i * 7);
    EXPECT_EQ(rtl::compare_memory(a.data(), b.data(), 100), 100u) << "all match: the length";
    EXPECT_EQ(rtl::compare_memory(a.data(), b.data(), 0), 0u);
    // Every position of the first difference, on and off word boundaries and in the tail.
    for (std::size_t at = 0; at < 100; ++at) {
        b[at] ^= 0x80;
        EXPECT_EQ(rtl::compare_memory(a.data(), b.data(), 100), at);
        EXPECT_EQ(rtl::compare_memory(a.data() + 1, b.data() + 1, 99), at ? at - 1 : 99u) << "unaligned";
        b[at] ^= 0x80;
    }
    EXPECT_EQ(rtl::compare_memory(a.data(), a.data(), 100), 100u) << "a block with itself";
}

}  // namespace
