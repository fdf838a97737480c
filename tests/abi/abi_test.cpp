// ABI tests of the built modules: the export table each PE build produced is read back from the
// file and checked against the spec and against Windows' export/convention matrix
// (windows-exports.txt); the import library is checked for the decorated symbols a driver's
// object files reference; a linked test program is checked to import undecorated names; and
// the project's spec generator is checked against winebuild, the field's reference tool.
#include <gtest/gtest.h>

#include <algorithm>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iterator>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "abi_support.h"
#include "pe_image.h"
#include "spec.h"

namespace {

using specgen::Arch;

struct ArchInfo {
    Arch arch;
    const char* build_dir;
    const char* triplet;
    const char* nm;
    std::uint16_t machine;
};

const ArchInfo arch_infos[] = {
    {Arch::i386, NTOSKRNL_PE_DIR_I386, "i686-w64-mingw32", NTOSKRNL_NM_I386, 0x14c},
    {Arch::x86_64, NTOSKRNL_PE_DIR_X86_64, "x86_64-w64-mingw32", NTOSKRNL_NM_X86_64, 0x8664},
};

using abi_test::run;

const specgen::Spec& project_spec() { return abi_test::spec_at(NTOSKRNL_SPEC_PATH); }

std::map<std::string, abi_test::MatrixRow> windows_matrix() { return abi_test::read_matrix(NTOSKRNL_MATRIX_PATH); }

std::set<std::string> spec_names(Arch arch) {
    std::set<std::string> names;
    for (const auto* e : project_spec().for_arch(arch)) names.insert(e->name);
    return names;
}

// Test names and failure messages show the architecture, not the struct's bytes.
void PrintTo(const ArchInfo& info, std::ostream* os) { *os << specgen::arch_name(info.arch); }

class Abi : public testing::TestWithParam<ArchInfo> {
protected:
    void SetUp() override {
        std::string err;
        auto img = pe::load(std::string(GetParam().build_dir) + "/bin/ntoskrnl.exe", &err);
        ASSERT_TRUE(img) << err;
        module_ = std::move(*img);
    }
    pe::Image module_;
};

TEST_P(Abi, ModuleIsADllForThisMachine) {
    EXPECT_EQ(module_.machine, GetParam().machine);
    EXPECT_TRUE(module_.is_dll);
    EXPECT_EQ(module_.export_dll_name, "ntoskrnl.exe");
    // A Windows-subsystem image (GUI 2 or CUI 3) gets its DllMain run by Wine; a native one that
    // imports no system DLL would be taken for a driver.
    EXPECT_TRUE(module_.subsystem == 2 || module_.subsystem == 3) << module_.subsystem;
}

// The module's own exports (those that do not forward to Wine's builtin: delegation_test.cpp)
// are exactly the spec's, with undecorated names.
TEST_P(Abi, ExportTableMatchesTheSpecWithUndecoratedNames) {
    std::set<std::string> exported;
    for (const auto& e : module_.exports) {
        EXPECT_FALSE(e.name.empty()) << "ordinal-only export " << e.ordinal;
        if (!e.forwarder.empty()) continue;   // Wine's names are Wine's (_alldiv...)
        EXPECT_EQ(e.name.find('@'), std::string::npos) << "decorated export name " << e.name;
        EXPECT_NE(e.name.front(), '_') << "decorated export name " << e.name;
        exported.insert(e.name);
    }
    EXPECT_EQ(exported, spec_names(GetParam().arch));
}

TEST_P(Abi, ImportsOnlySystemDllsPresentEverywhere) {
    // No C++ runtime or winpthread DLL: the module loads on a bare Wine prefix and on Windows.
    // On i386 also the project's hal.dll, which owns the IRQL there as on Windows (hal_abi_test.cpp).
    std::set<std::string> allowed = {"kernel32.dll", "ntdll.dll", "msvcrt.dll"};
    if (GetParam().arch == Arch::i386) allowed.insert("hal.dll");
    for (const auto& m : module_.imports) {
        std::string lower = m.dll;
        std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
        EXPECT_TRUE(allowed.count(lower)) << "module imports " << m.dll;
    }
}

TEST_P(Abi, SpecAgreesWithWindowsConventionsAndArgumentBytes) {
    auto matrix = windows_matrix();
    ASSERT_FALSE(matrix.empty()) << "cannot read " << NTOSKRNL_MATRIX_PATH;
    for (const auto* e : project_spec().for_arch(GetParam().arch)) {
        auto it = matrix.find(e->name);
        ASSERT_NE(it, matrix.end()) << e->name << " is not in the Windows export matrix";
        if (GetParam().arch == Arch::i386) {
            EXPECT_NE(it->second.i386_symbol, "-") << e->name << " is not exported by Windows on i386";
            EXPECT_EQ(e->i386_import_symbol(), it->second.i386_symbol) << e->name;
        } else {
            EXPECT_TRUE(it->second.x86_64) << e->name << " is not exported by Windows on x86_64";
        }
    }
}

TEST_P(Abi, ImportLibraryDefinesTheSymbolsDriversReference) {
    int status = 0;
    std::string lib = std::string(GetParam().build_dir) + "/lib/libntoskrnl.a";
    std::string out = run(std::string(GetParam().nm) + " -g --defined-only '" + lib + "' 2>&1", &status);
    ASSERT_EQ(status, 0) << out;
    std::set<std::string> symbols;
    std::istringstream ls(out);
    std::string line;
    while (std::getline(ls, line)) {
        auto sp = line.rfind(' ');
        if (sp != std::string::npos) symbols.insert(line.substr(sp + 1));
    }
    for (const auto* e : project_spec().for_arch(GetParam().arch)) {
        std::string sym = GetParam().arch == Arch::i386 ? e->i386_import_symbol() : e->name;
        EXPECT_TRUE(symbols.count("__imp_" + sym)) << "libntoskrnl.a lacks __imp_" << sym;
    }
}

TEST_P(Abi, LinkedDriverCodeImportsUndecoratedNames) {
    // mm_system_size.exe's driver half was compiled against <ddk/ntddk.h> and linked with our
    // import library: its import table must name the routines exactly as the module exports them.
    std::string err;
    auto exe = pe::load(std::string(GetParam().build_dir) + "/bin/mm_system_size.exe", &err);
    ASSERT_TRUE(exe) << err;
    std::set<std::string> imported;
    for (const auto& m : exe->imports)
        if (m.dll == "ntoskrnl.exe")
            for (const auto& e : m.entries) imported.insert(e.name);
    // memcpy too: the compiler's structure copies call it, and a driver gets it from ntoskrnl.exe,
    // as on Windows.
    EXPECT_EQ(imported, (std::set<std::string>{"KeBugCheck", "KeBugCheckEx", "MmIsThisAnNtAsSystem",
                                               "MmQuerySystemSize", "memcpy"}));
}

TEST_P(Abi, SpecgenAgreesWithWinebuild) {
    int status = 0;
    // winebuild renames a temporary file into place, so it needs a real output path.
    std::string def = (std::filesystem::temp_directory_path() /
                       ("abi-winebuild-" + std::to_string(getpid()) + "-" + GetParam().triplet + ".def"))
                          .string();
    std::string diag = run(std::string(NTOSKRNL_WINEBUILD_PATH) + " --def -E '" NTOSKRNL_SPEC_PATH "' -F ntoskrnl.exe -b " +
                               GetParam().triplet + " -o '" + def + "' 2>&1",
                           &status);
    ASSERT_EQ(status, 0) << diag;
    std::ifstream in(def);
    std::string out((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::filesystem::remove(def);
    std::set<std::string> names;
    std::istringstream ls(out);
    std::string line;
    bool in_exports = false;
    while (std::getline(ls, line)) {
        if (line.rfind("EXPORTS", 0) == 0) {
            in_exports = true;
            continue;
        }
        std::istringstream ws(line);
        std::string first;
        // Fastcall entries read "@Name@N=@Name@N" (winebuild spells out the alias), entries with an
        // implementation of another name "name=impl": the symbol is the part after '=' if any.
        if (in_exports && (ws >> first) && first[0] != ';') names.insert(first.substr(first.find('=') + 1));
    }
    // On i386 winebuild's .def names carry the decoration (Name@N, @Name@N): the same symbols
    // specgen maps the undecorated exports to.
    std::set<std::string> ours;
    for (const auto* e : project_spec().for_arch(GetParam().arch)) ours.insert(e->def_internal_symbol(GetParam().arch));
    EXPECT_EQ(names, ours) << out;
}

INSTANTIATE_TEST_SUITE_P(Arch, Abi, testing::ValuesIn(arch_infos),
                         [](const testing::TestParamInfo<ArchInfo>& info) { return std::string(specgen::arch_name(info.param.arch)); });

TEST(AbiMatrix, EveryMatrixRowIsWellFormed) {
    auto matrix = windows_matrix();
    EXPECT_GT(matrix.size(), 40u);
    for (const auto& [name, row] : matrix) {
        if (row.i386_symbol == "-") continue;
        bool fast = row.i386_symbol[0] == '@', std = row.i386_symbol[0] == '_';
        EXPECT_TRUE(fast || std) << name;
        std::string stem = row.i386_symbol.substr(1, row.i386_symbol.rfind('@') - 1);
        EXPECT_EQ(stem, name) << row.i386_symbol;
    }
}

}  // namespace
