// The CR8 decoder (ke/cr8_emulation.h) against the encodings GCC/GAS emit for the MinGW-w64 DDK's
// __readcr8/__writecr8 (checked with x86_64-w64-mingw32-as: `mov %cr8,%rax` is 44 0F 20 C0,
// `mov %r15,%cr8` is 45 0F 22 C7) and the forms it must leave alone.
#include "ke/cr8_emulation.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

namespace {

using Bytes = std::vector<std::uint8_t>;

std::optional<ke::cr8::Access> decode(const Bytes& b) { return ke::cr8::decode(b.data(), b.size()); }

// mov %cr8, reg (read) or mov reg, %cr8 (write) as GAS encodes it for register number `gpr`.
Bytes encoding(unsigned gpr, bool write) {
    return Bytes{static_cast<std::uint8_t>(gpr >= 8 ? 0x45 : 0x44), 0x0F, static_cast<std::uint8_t>(write ? 0x22 : 0x20),
                 static_cast<std::uint8_t>(0xC0 | (gpr & 7))};
}

struct Registers {
    std::array<std::uint64_t, 16> value{};
    ke::cr8::RegisterFile file() {
        ke::cr8::RegisterFile f{};
        for (unsigned i = 0; i < 16; ++i) f.gpr[i] = &value[i];
        return f;
    }
};

constexpr const char* names[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                   "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};

TEST(Cr8Emulation, ReadIntoEveryRegisterStoresTheIrqlZeroExtended) {
    for (unsigned gpr = 0; gpr < 16; ++gpr) {
        SCOPED_TRACE(names[gpr]);
        const auto access = decode(encoding(gpr, false));
        ASSERT_TRUE(access);
        EXPECT_EQ(access->length, 4);
        EXPECT_FALSE(access->write);
        EXPECT_EQ(access->gpr, gpr);
        Registers regs;
        regs.value.fill(0xAAAAAAAAAAAAAAAAull);
        EXPECT_FALSE(ke::cr8::apply(*access, regs.file(), 2));
        for (unsigned other = 0; other < 16; ++other)
            EXPECT_EQ(regs.value[other], other == gpr ? 2u : 0xAAAAAAAAAAAAAAAAull) << names[other];
    }
}

TEST(Cr8Emulation, WriteFromEveryRegisterSetsTheIrqlToItsLowFourBits) {
    for (unsigned gpr = 0; gpr < 16; ++gpr) {
        SCOPED_TRACE(names[gpr]);
        const auto access = decode(encoding(gpr, true));
        ASSERT_TRUE(access);
        EXPECT_EQ(access->length, 4);
        EXPECT_TRUE(access->write);
        EXPECT_EQ(access->gpr, gpr);
        Registers regs;
        for (unsigned i = 0; i < 16; ++i) regs.value[i] = 0x10 + i;   // low nibble i: tells them apart
        regs.value[gpr] = 0xFFFFFFFF00000000ull | 0x20 | (gpr ^ 0x5);
        const auto irql = ke::cr8::apply(*access, regs.file(), 0);
        ASSERT_TRUE(irql);
        EXPECT_EQ(*irql, static_cast<nt::KIRQL>(gpr ^ 0x5));
        for (unsigned other = 0; other < 16; ++other) {
            if (other == gpr) continue;
            EXPECT_EQ(regs.value[other], 0x10u + other) << names[other];
        }
        EXPECT_EQ(regs.value[gpr], 0xFFFFFFFF00000000ull | 0x20 | (gpr ^ 0x5));   // a write leaves the source
    }
}

TEST(Cr8Emulation, WriteOfAnIrqlRaisesOrLowersWithoutChecks) {
    Registers regs;
    const auto access = decode(encoding(0, true));
    ASSERT_TRUE(access);
    regs.value[0] = 0;   // lowering from HIGH_LEVEL to PASSIVE_LEVEL, straight
    EXPECT_EQ(ke::cr8::apply(*access, regs.file(), 15), nt::KIRQL{0});
    regs.value[0] = 15;
    EXPECT_EQ(ke::cr8::apply(*access, regs.file(), 0), nt::KIRQL{15});
}

TEST(Cr8Emulation, RexWAndRexXDoNotChangeTheAccess) {
    // 4C: REX.W|R (what some assemblers emit), 4E: REX.W|R|X, 4D: REX.W|R|B.
    auto a = decode({0x4C, 0x0F, 0x20, 0xC1});
    ASSERT_TRUE(a);
    EXPECT_EQ(a->gpr, 1);
    EXPECT_FALSE(a->write);
    a = decode({0x4E, 0x0F, 0x22, 0xC2});
    ASSERT_TRUE(a);
    EXPECT_EQ(a->gpr, 2);
    EXPECT_TRUE(a->write);
    a = decode({0x4D, 0x0F, 0x22, 0xC3});
    ASSERT_TRUE(a);
    EXPECT_EQ(a->gpr, 11);
}

TEST(Cr8Emulation, ModFieldIsIgnoredAsTheCpuIgnoresIt) {
    // Intel SDM / AMD APM: MOV CRn is register to register whatever the mod bits say.
    for (int mod : {0x00, 0x40, 0x80}) {
        const auto a = decode({0x44, 0x0F, 0x20, static_cast<std::uint8_t>(mod | 0x03)});
        ASSERT_TRUE(a) << mod;
        EXPECT_EQ(a->length, 4);   // no displacement is read
        EXPECT_EQ(a->gpr, 3);
    }
}

TEST(Cr8Emulation, TrailingBytesAreNotPartOfTheInstruction) {
    const auto a = decode({0x44, 0x0F, 0x22, 0xC0, 0x90, 0xC3});
    ASSERT_TRUE(a);
    EXPECT_EQ(a->length, 4);
}

TEST(Cr8Emulation, OtherControlRegistersAreNotDecoded) {
    EXPECT_FALSE(decode({0x0F, 0x20, 0xC0}));         // mov %cr0, %rax
    EXPECT_FALSE(decode({0x0F, 0x20, 0xD8}));         // mov %cr3, %rax
    EXPECT_FALSE(decode({0x0F, 0x22, 0xE0}));         // mov %rax, %cr4
    EXPECT_FALSE(decode({0x41, 0x0F, 0x20, 0xC0}));   // mov %cr0, %r8 (REX.B only)
    EXPECT_FALSE(decode({0x44, 0x0F, 0x20, 0xC8}));   // REX.R with reg 1: CR9
    EXPECT_FALSE(decode({0x44, 0x0F, 0x22, 0xF8}));   // CR15
}

TEST(Cr8Emulation, OtherInstructionsAreNotDecoded) {
    EXPECT_FALSE(decode({0x44, 0x0F, 0x21, 0xC0}));   // 0F 21 / 0F 23: debug registers
    EXPECT_FALSE(decode({0x44, 0x0F, 0x23, 0xC0}));
    EXPECT_FALSE(decode({0x0F, 0x32}));               // rdmsr
    EXPECT_FALSE(decode({0xF4}));                     // hlt
    EXPECT_FALSE(decode({0xFA}));                     // cli
    EXPECT_FALSE(decode({0xE4, 0x60}));               // in $0x60, %al
    EXPECT_FALSE(decode({0x0F, 0x01, 0xF8}));         // swapgs
    EXPECT_FALSE(decode({0x44, 0x8B, 0xC0}));         // an ordinary REX.R mov
    EXPECT_FALSE(decode({0x44, 0x44, 0x0F, 0x20, 0xC0}));   // two REX prefixes
    EXPECT_FALSE(decode({0x66, 0x44, 0x0F, 0x20, 0xC0}));   // legacy prefixes: not compiler output
    EXPECT_FALSE(decode({0xF0, 0x0F, 0x20, 0xC0}));   // AMD's legacy-mode LOCK alias: not in 64-bit code
    EXPECT_FALSE(decode({0xF0, 0x44, 0x0F, 0x22, 0xC0}));
}

TEST(Cr8Emulation, TruncatedBytesAreNotDecoded) {
    const Bytes full = encoding(9, true);
    for (std::size_t n = 0; n < full.size(); ++n) EXPECT_FALSE(ke::cr8::decode(full.data(), n)) << n;
    EXPECT_FALSE(ke::cr8::decode(nullptr, 0));
}

}  // namespace
