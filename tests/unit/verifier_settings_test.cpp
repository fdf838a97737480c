// Driver Verifier's registry settings as verifier.exe writes them (vf/settings.h).
#include <gtest/gtest.h>

#include "vf/settings.h"

TEST(VerifierSettings, NamesAreSpaceSeparatedAndMatchWithoutCase) {
    const vf::Settings s = vf::parse_settings(u"leaky.sys  Zone_Service.SYS\tother.sys", true, 0x9);
    EXPECT_FALSE(s.all);
    EXPECT_EQ(s.count, 3u);
    EXPECT_EQ(s.level, 0x9u);
    EXPECT_TRUE(vf::applies(s, u"LEAKY.SYS"));
    EXPECT_TRUE(vf::applies(s, u"zone_service.sys"));
    EXPECT_FALSE(vf::applies(s, u"leaky"));
    EXPECT_FALSE(vf::applies(s, u"pool2.sys"));
}

TEST(VerifierSettings, StarIsEveryDriverAndAbsentLevelIsStandard) {
    const vf::Settings s = vf::parse_settings(u"*", false, 0);
    EXPECT_TRUE(s.all);
    EXPECT_TRUE(vf::applies(s, u"anything.sys"));
    EXPECT_EQ(s.level, vf::option::standard);
    EXPECT_EQ(vf::option::standard, 0x209BBu);
}

TEST(VerifierSettings, EmptyOrTerminatedValues) {
    EXPECT_FALSE(vf::parse_settings(u"", true, 1).any());
    EXPECT_FALSE(vf::parse_settings(u"   ", true, 1).any());
    const char16_t with_terminator[] = u"a.sys\0b.sys";
    const vf::Settings s = vf::parse_settings(std::u16string_view(with_terminator, 11), true, 1);
    EXPECT_EQ(s.count, 1u);   // a REG_SZ ends at its terminator
}

TEST(VerifierSettings, OptionNamesAreVerifiersOwn) {
    EXPECT_STREQ(vf::option_name(0x1), "Special pool");
    EXPECT_STREQ(vf::option_name(0x8), "Pool tracking");
    EXPECT_STREQ(vf::option_name(0x20), "Deadlock detection");
    EXPECT_EQ(vf::option_name(0x40), nullptr);
    EXPECT_EQ(vf::option::supported & vf::option::io_verification, 0u);
}
