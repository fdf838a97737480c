// The sample drivers of tests/drivers, read back from the PE sub-builds: real kernel-mode
// images (native subsystem, an entry point, imports from ntoskrnl.exe only) whose imports are
// what a driver of their header style imports (windows-behavior.md 5.1, 5.2, 7) and are all
// exported by the project's module of the same architecture; and images that need base relocations.
#include <gtest/gtest.h>

#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "pe_image.h"
#include "pe_loader.h"

namespace {

struct SampleCase {
    const char* name;   // test-name suffix: architecture and header style
    const char* build_dir;
    const char* image;  // under <build_dir>/drivers
    std::uint16_t machine;
    std::set<std::string> expected_imports;
};

// lookaside_sample.c in each header style (windows-behavior.md 5.1, 5.2, 7). The import sets are
// exact, so each proves which allocate/free path the DDK compiled in:
//  - i386 _WIN2K_COMPAT_SLIST_USAGE (lookaside_sample.sys): the NPaged inlines call the fastcall
//    ExInterlockedPop/PushEntrySList with the list lock, the paged allocate/free are imports;
//  - i386 XP+ (lookaside_sample_xp.sys): all four inline over the fastcall InterlockedPop/Push-
//    EntrySList (Depth is read from the header), so no ExInterlocked* and no paged imports;
//  - x64: inline over the Exp* SList exports and ExQueryDepthSList.
const SampleCase cases[] = {
    {"i386_win2k", NTOSKRNL_PE_DIR_I386, "lookaside_sample.sys", 0x14c,
     {"ExInitializeNPagedLookasideList", "ExInitializePagedLookasideList", "ExDeleteNPagedLookasideList",
      "ExDeletePagedLookasideList", "ExInterlockedPopEntrySList", "ExInterlockedPushEntrySList",
      "ExAllocateFromPagedLookasideList", "ExFreeToPagedLookasideList"}},
    {"i386_xp", NTOSKRNL_PE_DIR_I386, "lookaside_sample_xp.sys", 0x14c,
     {"ExInitializeNPagedLookasideList", "ExInitializePagedLookasideList", "ExDeleteNPagedLookasideList",
      "ExDeletePagedLookasideList", "InterlockedPopEntrySList", "InterlockedPushEntrySList"}},
    {"x86_64", NTOSKRNL_PE_DIR_X86_64, "lookaside_sample.sys", 0x8664,
     {"ExInitializeNPagedLookasideList", "ExInitializePagedLookasideList", "ExDeleteNPagedLookasideList",
      "ExDeletePagedLookasideList", "ExpInterlockedPopEntrySList", "ExpInterlockedPushEntrySList", "ExQueryDepthSList"}},
};

// Names the case in test listings (gtest would otherwise print the struct's bytes).
void PrintTo(const SampleCase& c, std::ostream* os) { *os << c.name << " " << c.image; }

class SampleDriver : public testing::TestWithParam<SampleCase> {};

TEST_P(SampleDriver, LookasideSampleIsANativeImageImportingTheModulesRoutines) {
    std::string err;
    auto sys = pe::load(std::string(GetParam().build_dir) + "/drivers/" + GetParam().image, &err);
    ASSERT_TRUE(sys) << err;
    auto module = pe::load(std::string(GetParam().build_dir) + "/bin/ntoskrnl.exe", &err);
    ASSERT_TRUE(module) << err;
    EXPECT_EQ(sys->machine, GetParam().machine);
    EXPECT_EQ(sys->subsystem, 1);   // IMAGE_SUBSYSTEM_NATIVE
    EXPECT_FALSE(sys->is_dll);
    EXPECT_NE(sys->entry_point_rva, 0u);
    ASSERT_EQ(sys->imports.size(), 1u);
    EXPECT_EQ(sys->imports[0].dll, "ntoskrnl.exe");
    std::set<std::string> imported, exported;
    for (const auto& e : sys->imports[0].entries) imported.insert(e.name);
    for (const auto& e : module->exports) exported.insert(e.name);
    EXPECT_EQ(imported, GetParam().expected_imports);
    for (const auto& name : imported) EXPECT_TRUE(exported.count(name)) << name << " is not exported";
}

// tagged_pool.c keeps a table of absolute pointers in initialised data, as real drivers do: its
// image has base relocations on both architectures (on x86_64, DIR64 ones for the table alone),
// so the host's runs of it, at a seeded random base, exercise the relocation of x64 images too.
TEST_P(SampleDriver, TaggedPoolSampleHasBaseRelocations) {
    std::string err;
    auto sys = pe::load(std::string(GetParam().build_dir) + "/drivers/tagged_pool.sys", &err);
    ASSERT_TRUE(sys) << err;
    ASSERT_FALSE(pe::validate(*sys));
    EXPECT_FALSE(sys->characteristics & 0x0001) << "IMAGE_FILE_RELOCS_STRIPPED";
    EXPECT_NE(sys->directories[5].size, 0u) << "no base relocation directory";
    std::vector<std::uint8_t> memory(sys->size_of_image);
    ASSERT_TRUE(pe::map_image(*sys, memory.data(), memory.size(), &err)) << err;
    std::vector<pe::Relocation> relocs;
    ASSERT_TRUE(pe::parse_relocations(*sys, memory.data(), memory.size(), &relocs, &err)) << err;
    EXPECT_FALSE(relocs.empty());
    const std::uint8_t pointer_type = GetParam().machine == 0x8664 ? 10 : 3;   // DIR64, HIGHLOW
    for (const auto& r : relocs) EXPECT_EQ(r.type, pointer_type) << "at " << r.rva;
}

INSTANTIATE_TEST_SUITE_P(Arch, SampleDriver, testing::ValuesIn(cases),
                         [](const testing::TestParamInfo<SampleCase>& info) { return std::string(info.param.name); });

}  // namespace
