// KeStallExecutionProcessor's arithmetic and wait (ke/stall.h): ticks are rounded up, never
// overflow for any ULONG, and the stall lasts at least what was asked on the counter it uses.
#include "ke/stall.h"

#include <gtest/gtest.h>

namespace {

TEST(Stall, TicksRoundUpAndCoverTheWholeRange) {
    EXPECT_EQ(ke::stall_ticks(0, 10000000), 0u);
    EXPECT_EQ(ke::stall_ticks(1, 10000000), 10u);          // 10 MHz: 10 ticks per microsecond
    EXPECT_EQ(ke::stall_ticks(1, 3579545), 4u);            // ACPI PM timer: 3.58 ticks, rounded up
    EXPECT_EQ(ke::stall_ticks(1000000, 3579545), 3579545u);
    EXPECT_EQ(ke::stall_ticks(1, 1000000000), 1000u);
    // The largest ULONG at a 4 GHz counter: no overflow (4294.967295 s * 4e9).
    EXPECT_EQ(ke::stall_ticks(0xFFFFFFFFu, 4000000000u), 4294ull * 4000000000ull + 967295ull * 4000ull);
}

TEST(Stall, LastsAtLeastTheRequestedMicroseconds) {
    std::uint64_t frequency = 0;
    const std::uint64_t before = platform::performance_counter(&frequency);
    ASSERT_GT(frequency, 0u);
    ke::stall_execution(1500);
    const std::uint64_t after = platform::performance_counter(nullptr);
    EXPECT_GE(after - before, ke::stall_ticks(1500, frequency));
}

}  // namespace
