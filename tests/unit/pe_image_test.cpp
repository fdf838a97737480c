#include "pe_image.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

namespace {

// A Wine PE module shipped by Debian, if this machine has one (the setup script installs Wine).
std::string wine_module(const char* arch_dir, const char* name) {
    for (const char* root : {"/usr/lib/x86_64-linux-gnu/wine/", "/usr/lib/i386-linux-gnu/wine/", "/usr/lib/wine/"}) {
        std::string p = std::string(root) + arch_dir + "/" + name;
        if (std::filesystem::exists(p)) return p;
    }
    return {};
}

TEST(PeImage, ReadsExportsAndImportsOfARealModule) {
    std::string path = wine_module("x86_64-windows", "ntoskrnl.exe");
    if (path.empty()) GTEST_SKIP() << "Wine's x86_64 PE modules are not installed";
    std::string err;
    auto img = pe::load(path, &err);
    ASSERT_TRUE(img) << err;
    EXPECT_EQ(img->machine, 0x8664);
    EXPECT_TRUE(img->is_pe32_plus);
    EXPECT_EQ(img->export_dll_name, "ntoskrnl.exe");
    bool found = false;
    for (const auto& e : img->exports) found = found || e.name == "ExAllocatePoolWithTag";
    EXPECT_TRUE(found);
    bool imports_ntdll = false;
    for (const auto& m : img->imports) imports_ntdll = imports_ntdll || m.dll == "ntdll.dll";
    EXPECT_TRUE(imports_ntdll);
}

TEST(PeImage, RejectsGarbageWithAMessage) {
    std::string err;
    EXPECT_FALSE(pe::parse({}, &err));
    EXPECT_EQ(err, "not an MZ image");
    EXPECT_FALSE(pe::parse({'M', 'Z'}, &err));
    EXPECT_EQ(err, "truncated DOS header");
}

TEST(PeImage, TruncationsAndBitFlipsNeverCrash) {
    std::string path = wine_module("x86_64-windows", "hal.dll");
    if (path.empty()) GTEST_SKIP() << "Wine's x86_64 PE modules are not installed";
    std::string err;
    auto img = pe::load(path, &err);
    ASSERT_TRUE(img) << err;
    const std::vector<std::uint8_t> good = img->bytes;
    for (std::size_t cut = 0; cut < good.size(); cut += 97)
        pe::parse(std::vector<std::uint8_t>(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(cut)), &err);
    std::mt19937 rng(1234);
    for (int round = 0; round < 2000; ++round) {
        std::vector<std::uint8_t> bad = good;
        for (int k = 0; k < 4; ++k) bad[rng() % std::min<std::size_t>(bad.size(), 4096)] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
        pe::parse(std::move(bad), &err);
    }
    SUCCEED();
}

}  // namespace
