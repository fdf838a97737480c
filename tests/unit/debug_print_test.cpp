// DbgPrint's portable core (ntoskrnl/kd/debug_print.h): Windows' filtering rules (Microsoft,
// "Reading and Filtering Debugging Messages") and the kernel formatter, with the 512-byte limit.
#include "kd/debug_print.h"

#include <gtest/gtest.h>

#include <cstdarg>
#include <map>
#include <string>

namespace {

std::string fmt(const char* prefix, const char* f, ...) {
    char out[kd::max_message_bytes];
    va_list ap;
    va_start(ap, f);
    const std::size_t n = kd::format(out, sizeof(out), prefix, f, ap);
    va_end(ap);
    EXPECT_EQ(n, std::string(out).size());
    return out;
}

std::map<std::u16string, std::uint32_t> registry;
bool read_registry(const char16_t* name, std::uint32_t* mask) {
    auto it = registry.find(name);
    if (it == registry.end()) return false;
    *mask = it->second;
    return true;
}

TEST(DebugPrintFilter, LevelsBelow32AreBitIndexesAboveAreMasks) {
    EXPECT_EQ(kd::level_mask(kd::error_level), 1u);
    EXPECT_EQ(kd::level_mask(kd::info_level), 8u);
    EXPECT_EQ(kd::level_mask(31), 0x80000000u);
    EXPECT_EQ(kd::level_mask(32), 32u);
    EXPECT_EQ(kd::level_mask(kd::mask_flag | 0x10), 0x10u);
}

TEST(DebugPrintFilter, DefaultsShowErrorsOnlySoDbgPrintIsFiltered) {
    registry.clear();
    kd::Filter f(read_registry);
    EXPECT_TRUE(f.enabled(kd::ihvdriver_id, kd::error_level));     // WIN2000 mask 1
    EXPECT_FALSE(f.enabled(kd::ihvdriver_id, kd::warning_level));
    EXPECT_FALSE(f.enabled(kd::default_id, kd::info_level));       // DbgPrint, Vista and later
    EXPECT_TRUE(f.enabled(500, kd::error_level));                  // outside the table: WIN2000 only
    EXPECT_FALSE(f.enabled(500, kd::trace_level));
}

TEST(DebugPrintFilter, TheDebugPrintFilterKeyEnablesPerComponent) {
    registry = {{u"DEFAULT", 0xFFFFFFFF}, {u"IHVDRIVER", 0x4}};
    kd::Filter f(read_registry);
    EXPECT_TRUE(f.enabled(kd::default_id, kd::info_level));
    EXPECT_TRUE(f.enabled(kd::ihvdriver_id, kd::trace_level));
    EXPECT_FALSE(f.enabled(kd::ihvdriver_id, kd::info_level));
    EXPECT_TRUE(f.enabled(kd::ihvdriver_id, kd::mask_flag | 0x4));
    EXPECT_FALSE(f.enabled(kd::ihvdriver_id, kd::mask_flag | 0x20));
    EXPECT_EQ(std::u16string(kd::component_name(kd::ihvdriver_id)), u"IHVDRIVER");
    EXPECT_EQ(std::u16string(kd::component_name(kd::default_id)), u"DEFAULT");
    EXPECT_EQ(kd::component_name(kd::component_count), nullptr);
}

TEST(DebugPrintFilter, Win2000MaskAndSetDebugFilterState) {
    registry = {{u"WIN2000", 0x3}};
    kd::Filter f(read_registry);
    EXPECT_TRUE(f.enabled(kd::ihvdriver_id, kd::warning_level));
    EXPECT_FALSE(f.enabled(kd::ihvdriver_id, kd::info_level));
    EXPECT_TRUE(f.set(kd::ihvdriver_id, kd::info_level, true));
    EXPECT_TRUE(f.enabled(kd::ihvdriver_id, kd::info_level));
    EXPECT_TRUE(f.set(kd::ihvdriver_id, kd::info_level, false));
    EXPECT_FALSE(f.enabled(kd::ihvdriver_id, kd::info_level));
    EXPECT_FALSE(f.set(kd::component_count, kd::info_level, true));
}

TEST(DebugPrintFormat, IntegersWidthsAndSizes) {
    EXPECT_EQ(fmt(nullptr, "%d %i %u", -5, 7, 4000000000u), "-5 7 4000000000");
    EXPECT_EQ(fmt(nullptr, "[%5d][%-5d][%05d][%+d][% d]", 42, 42, 42, 42, 42), "[   42][42   ][00042][+42][ 42]");
    EXPECT_EQ(fmt(nullptr, "%x %X %#x %o %#o", 255u, 255u, 255u, 8u, 8u), "ff FF 0xff 10 010");
    EXPECT_EQ(fmt(nullptr, "%I64x %I64d %lld", 0x123456789ABCull, -1ll, 5ll), "123456789abc -1 5");
    EXPECT_EQ(fmt(nullptr, "%hd %hx", 70000, 0x12345), "4464 2345");
    EXPECT_EQ(fmt(nullptr, "%.3d|%*d|%-*d|", 7, 4, 1, 3, 2), "007|   1|2  |");
    EXPECT_EQ(fmt(nullptr, "%lu %ld", 9u, -9), "9 -9");   // long is 32-bit
}

TEST(DebugPrintFormat, StringsCharactersAndCountedStrings) {
    EXPECT_EQ(fmt(nullptr, "%s|%.2s|%5s|%-4s|", "abc", "abc", "ab", "ab"), "abc|ab|   ab|ab  |");
    EXPECT_EQ(fmt(nullptr, "%ws %S %ls", u"wide", u"W2", u"l\u00e9"), "wide W2 l?");
    EXPECT_EQ(fmt(nullptr, "%hs %c%C%wc", "narrow", 'a', u'b', u'c'), "narrow abc");
    EXPECT_EQ(fmt(nullptr, "%s", static_cast<const char*>(nullptr)), "(null)");
    struct Counted {
        std::uint16_t length, maximum;
        const void* buffer;
    };
    const char16_t w[] = u"Service\\Key";
    const Counted us{14, 24, w};   // 7 characters: "Service"
    const char a[] = "ANSIxx";
    const Counted as{4, 7, a};
    EXPECT_EQ(fmt(nullptr, "%wZ %Z", &us, &as), "Service ANSI");
    EXPECT_EQ(fmt(nullptr, "100%% %q"), "100% %q");
}

TEST(DebugPrintFormat, PointersPrefixAndTheLimit) {
    const std::string p = fmt(nullptr, "%p", reinterpret_cast<void*>(0xABC));
    EXPECT_EQ(p, sizeof(void*) == 8 ? "0000000000000ABC" : "00000ABC");
    EXPECT_EQ(fmt("pre: ", "x=%d", 3), "pre: x=3");
    // At most 511 characters and the terminator: 512 bytes, the most one call transmits.
    const std::string long_text(700, 'z');
    const std::string out = fmt("p", "%s", long_text.c_str());
    EXPECT_EQ(out.size(), kd::max_message_bytes - 1);
    EXPECT_EQ(out[0], 'p');
}

}  // namespace
