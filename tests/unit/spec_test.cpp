#include "spec.h"

#include <gtest/gtest.h>

namespace {

using specgen::Arch;

specgen::Spec parse_ok(const char* text) {
    std::string err;
    auto spec = specgen::parse_spec(text, &err);
    EXPECT_TRUE(spec) << err;
    return spec ? *spec : specgen::Spec{};
}

std::string parse_error(const char* text) {
    std::string err;
    EXPECT_FALSE(specgen::parse_spec(text, &err));
    return err;
}

TEST(Spec, DecorationsOnI386) {
    auto spec = parse_ok(
        "@ stdcall ExAllocatePoolWithTag(long long long)\n"
        "@ stdcall -fastcall InterlockedPopEntrySList(ptr)\n"
        "@ stdcall -fastcall ExfInterlockedPushEntryList(ptr ptr ptr)\n"
        "@ stdcall ExAllocatePool2(int64 long long)\n"
        "@ stdcall MmQuerySystemSize()\n"
        "@ cdecl DbgPrint(str)\n");
    ASSERT_EQ(spec.exports.size(), 6u);
    EXPECT_EQ(spec.exports[0].i386_import_symbol(), "_ExAllocatePoolWithTag@12");
    EXPECT_EQ(spec.exports[1].i386_import_symbol(), "@InterlockedPopEntrySList@4");
    EXPECT_EQ(spec.exports[2].i386_import_symbol(), "@ExfInterlockedPushEntryList@12");
    EXPECT_EQ(spec.exports[3].i386_import_symbol(), "_ExAllocatePool2@16");
    EXPECT_EQ(spec.exports[4].i386_import_symbol(), "_MmQuerySystemSize@0");
    EXPECT_EQ(spec.exports[5].i386_import_symbol(), "_DbgPrint");
    EXPECT_EQ(spec.exports[1].convention(Arch::i386), "fastcall");
    EXPECT_EQ(spec.exports[1].convention(Arch::x86_64), "ms_abi");
}

TEST(Spec, ArchFilters) {
    auto spec = parse_ok(
        "@ stdcall -arch=win64 ExpInterlockedPopEntrySList(ptr)\n"
        "@ stdcall -fastcall -arch=i386 InterlockedPopEntrySList(ptr)\n"
        "@ stdcall -arch=!i386 InitializeSListHead(ptr)\n"
        "@ stdcall -arch=arm64 OnlyArm()\n"
        "@ stdcall Everywhere()\n");
    auto names = [&](Arch a) {
        std::vector<std::string> out;
        for (auto* e : spec.for_arch(a)) out.push_back(e->name);
        return out;
    };
    EXPECT_EQ(names(Arch::i386), (std::vector<std::string>{"Everywhere", "InterlockedPopEntrySList"}));
    EXPECT_EQ(names(Arch::x86_64),
              (std::vector<std::string>{"Everywhere", "ExpInterlockedPopEntrySList", "InitializeSListHead"}));
}

TEST(Spec, LinkDefMapsUndecoratedNamesToDecoratedSymbols) {
    auto spec = parse_ok(
        "@ stdcall KeBugCheckEx(long ptr ptr ptr ptr)\n"
        "@ stdcall -fastcall InterlockedPushEntrySList(ptr ptr)\n"
        "@ stdcall ExFreePool(ptr) ExFreePoolImpl\n");
    EXPECT_EQ(specgen::make_link_def(spec, Arch::i386, "ntoskrnl.exe"),
              "; Generated from the spec by specgen; do not edit.\nLIBRARY ntoskrnl.exe\nEXPORTS\n"
              "  ExFreePool=ExFreePoolImpl@4\n"
              "  InterlockedPushEntrySList=@InterlockedPushEntrySList@8\n"
              "  KeBugCheckEx=KeBugCheckEx@20\n");
    EXPECT_EQ(specgen::make_link_def(spec, Arch::x86_64, "ntoskrnl.exe"),
              "; Generated from the spec by specgen; do not edit.\nLIBRARY ntoskrnl.exe\nEXPORTS\n"
              "  ExFreePool=ExFreePoolImpl\n"
              "  InterlockedPushEntrySList\n"
              "  KeBugCheckEx\n");
}

TEST(Spec, CommentsOrdinalsAndBlankLines) {
    auto spec = parse_ok("# comment\n\n12 stdcall Foo(long) # trailing\n@ extern Bar\n");
    ASSERT_EQ(spec.exports.size(), 2u);
    EXPECT_EQ(spec.exports[0].ordinal, 12u);
    EXPECT_EQ(spec.exports[0].line, 3);
    EXPECT_EQ(spec.exports[1].kind, specgen::Kind::extern_data);
}

TEST(Spec, Errors) {
    EXPECT_EQ(parse_error("@ stdcall Foo\n"), "line 1: function needs '(args)'");
    EXPECT_EQ(parse_error("@ stdcall Foo(long bogus)\n"), "line 1: unknown argument type 'bogus'");
    EXPECT_EQ(parse_error("@ stdcall -frobnicate Foo()\n"), "line 1: unknown flag '-frobnicate'");
    EXPECT_EQ(parse_error("@ cdecl -fastcall Foo()\n"), "line 1: -fastcall needs a stdcall entry");
    EXPECT_EQ(parse_error("@ thiscall Foo()\n"), "line 1: unsupported entry type 'thiscall'");
    EXPECT_EQ(parse_error("\n@ stdcall Foo()\n@ stdcall Foo()\n"), "line 3: 'Foo' already exported at line 2");
    EXPECT_EQ(parse_error("x stdcall Foo()\n"), "line 1: bad ordinal 'x'");
    // The same name for disjoint architectures is fine.
    parse_ok("@ stdcall -arch=i386 Foo(long)\n@ stdcall -arch=x86_64 Foo(long long)\n");
}

TEST(Spec, TheProjectSpecParses) {
    std::string err;
    auto spec = specgen::read_spec_file(NTOSKRNL_SOURCE_DIR "/spec/ntoskrnl.exe.spec", &err);
    ASSERT_TRUE(spec) << err;
    EXPECT_FALSE(spec->for_arch(Arch::i386).empty());
    EXPECT_FALSE(spec->for_arch(Arch::x86_64).empty());
}

}  // namespace
