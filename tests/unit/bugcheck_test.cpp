#include "ke/bugcheck.h"

#include <gtest/gtest.h>

#include <string>

namespace {

std::string format(nt::ULONG code, nt::ULONG_PTR p1 = 0, nt::ULONG_PTR p2 = 0, nt::ULONG_PTR p3 = 0,
                   nt::ULONG_PTR p4 = 0) {
    char buf[256];
    std::size_t n = ke::format_bugcheck(buf, sizeof(buf), code, p1, p2, p3, p4);
    return std::string(buf, n);
}

TEST(BugCheck, StopLineHasCodeParametersAndName) {
    // Host builds have 64-bit parameters, as x64 Windows prints them.
    EXPECT_EQ(format(0xC2, 7, 0x1234, 0xDEADBEEF, ~nt::ULONG_PTR{0}),
              "*** STOP: 0x000000C2 (0x0000000000000007,0x0000000000001234,0x00000000DEADBEEF,"
              "0xFFFFFFFFFFFFFFFF) BAD_POOL_CALLER\n");
}

TEST(BugCheck, UnknownCodeIsStillReported) {
    EXPECT_EQ(format(0x1234ABCD, 1),
              "*** STOP: 0x1234ABCD (0x0000000000000001,0x0000000000000000,0x0000000000000000,"
              "0x0000000000000000) UNKNOWN_BUGCHECK_CODE\n");
}

TEST(BugCheck, NamesOfThePoolAndVerifierCodes) {
    EXPECT_STREQ(ke::bugcheck_name(0x0A), "IRQL_NOT_LESS_OR_EQUAL");
    EXPECT_STREQ(ke::bugcheck_name(0x19), "BAD_POOL_HEADER");
    EXPECT_STREQ(ke::bugcheck_name(0x41), "MUST_SUCCEED_POOL_EMPTY");
    EXPECT_STREQ(ke::bugcheck_name(0xC2), "BAD_POOL_CALLER");
    EXPECT_STREQ(ke::bugcheck_name(0xC4), "DRIVER_VERIFIER_DETECTED_VIOLATION");
    EXPECT_STREQ(ke::bugcheck_name(0xC5), "DRIVER_CORRUPTED_EXPOOL");
    EXPECT_EQ(ke::bugcheck_name(0xFFFF), nullptr);
}

TEST(BugCheck, TruncatesSafelyIntoSmallBuffers) {
    char buf[16];
    std::size_t n = ke::format_bugcheck(buf, sizeof(buf), 0xC2, 0, 0, 0, 0);
    EXPECT_EQ(n, sizeof(buf) - 1);
    EXPECT_EQ(std::string(buf), "*** STOP: 0x000");
    char one[1] = {'x'};
    EXPECT_EQ(ke::format_bugcheck(one, 1, 0xC2, 0, 0, 0, 0), 0u);
    EXPECT_EQ(one[0], '\0');
}

TEST(BugCheckDeathTest, PrintsTheStopLineAndExitsWithTheCode) {
    EXPECT_EXIT(ke::bug_check(0xC2, 7, 0, 0, 0), testing::ExitedWithCode(0xC2),
                "^\\*\\*\\* STOP: 0x000000C2 \\(0x0000000000000007,0x0000000000000000,0x0000000000000000,"
                "0x0000000000000000\\) BAD_POOL_CALLER\n$");
    EXPECT_EXIT(ke::bug_check(0x19), testing::ExitedWithCode(0x19), "BAD_POOL_HEADER");
}

}  // namespace
