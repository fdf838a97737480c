// ABI tests of the project's hal.dll (i386 only; spec/hal.dll.spec): its export table read back
// from the file (undecorated names, exactly the spec's), the spec against Windows' hal.dll matrix
// (windows-hal-exports.txt) and against MinGW-w64's i386 libhal.a (generated from Windows' own
// hal.dll exports), the import library drivers and the kernel link with, per-architecture
// presence (no x86_64 hal.dll), and the imports between hal.dll and ntoskrnl.exe (the cycle i386
// Windows has: the kernel imports the IRQL routines, hal.dll imports KeBugCheckEx, and here the
// kernel's KefAcquireSpinLockAtDpcLevel/KefReleaseSpinLockFromDpcLevel, owners of the lock word).
#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "abi_support.h"
#include "pe_image.h"
#include "spec.h"

namespace {

using specgen::Arch;

const std::string i386_bin = std::string(NTOSKRNL_PE_DIR_I386) + "/bin/";

using abi_test::run;

const specgen::Spec& hal_spec() { return abi_test::spec_at(NTOSKRNL_HAL_SPEC_PATH); }
const specgen::Spec& ntoskrnl_spec() { return abi_test::spec_at(NTOSKRNL_SPEC_PATH); }

std::map<std::string, abi_test::MatrixRow> hal_matrix() { return abi_test::read_matrix(NTOSKRNL_HAL_MATRIX_PATH); }

// Defined __imp_ symbols of an import library.
std::set<std::string> import_symbols(const std::string& lib) {
    std::set<std::string> symbols;
    std::istringstream ls(run(std::string(NTOSKRNL_NM_I386) + " -g --defined-only '" + lib + "' 2>/dev/null"));
    std::string line;
    while (std::getline(ls, line)) {
        auto sp = line.rfind(' ');
        if (sp != std::string::npos && line.compare(sp + 1, 6, "__imp_") == 0) symbols.insert(line.substr(sp + 7));
    }
    return symbols;
}

std::set<std::string> imported_from(const pe::Image& img, const std::string& dll) {
    std::set<std::string> names;
    auto lower = [](std::string s) {
        for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
    };
    for (const auto& m : img.imports)
        if (lower(m.dll) == dll)   // MinGW-w64's libhal.a names it HAL.dll
            for (const auto& e : m.entries) names.insert(e.name);
    return names;
}

pe::Image load(const std::string& path) {
    std::string err;
    auto img = pe::load(path, &err);
    EXPECT_TRUE(img) << err;
    return img ? std::move(*img) : pe::Image{};
}

TEST(HalAbi, ModuleIsAnI386DllNamedHal) {
    const pe::Image hal = load(i386_bin + "hal.dll");
    EXPECT_EQ(hal.machine, 0x14c);
    EXPECT_TRUE(hal.is_dll);
    EXPECT_EQ(hal.export_dll_name, "hal.dll");
    EXPECT_TRUE(hal.subsystem == 2 || hal.subsystem == 3) << hal.subsystem;
}

TEST(HalAbi, ExportTableMatchesTheSpecWithUndecoratedNames) {
    const pe::Image hal = load(i386_bin + "hal.dll");
    std::set<std::string> exported, spec;
    for (const auto& e : hal.exports) {
        EXPECT_FALSE(e.name.empty()) << "ordinal-only export " << e.ordinal;
        if (!e.forwarder.empty()) continue;   // the rest forwards to Wine's (delegation_test.cpp)
        EXPECT_EQ(e.name.find('@'), std::string::npos) << "decorated export name " << e.name;
        EXPECT_NE(e.name.front(), '_') << "decorated export name " << e.name;
        exported.insert(e.name);
    }
    for (const auto* e : hal_spec().for_arch(Arch::i386)) spec.insert(e->name);
    EXPECT_FALSE(spec.empty());
    EXPECT_EQ(exported, spec);
}

TEST(HalAbi, SpecAgreesWithWindowsHalConventionsAndArgumentBytes) {
    const auto matrix = hal_matrix();
    ASSERT_FALSE(matrix.empty()) << "cannot read " << NTOSKRNL_HAL_MATRIX_PATH;
    // Windows' own list: MinGW-w64's i386 libhal.a.
    const auto windows = import_symbols(NTOSKRNL_MINGW_LIBHAL_I386);
    ASSERT_FALSE(windows.empty()) << "cannot read " << NTOSKRNL_MINGW_LIBHAL_I386;
    for (const auto* e : hal_spec().for_arch(Arch::i386)) {
        auto it = matrix.find(e->name);
        ASSERT_NE(it, matrix.end()) << e->name << " is not in the Windows hal.dll matrix";
        EXPECT_EQ(e->i386_import_symbol(), it->second.i386_symbol) << e->name;
        EXPECT_TRUE(windows.count(e->i386_import_symbol())) << e->i386_import_symbol() << " is not in Windows' hal.dll";
    }
    for (const auto& [name, row] : matrix) EXPECT_TRUE(windows.count(row.i386_symbol)) << row.i386_symbol << " (matrix row)";
}

TEST(HalAbi, NoX86_64HalBecauseWindowsHasNoIrqlRoutinesThere) {
    // The matrix's x86_64 column is Windows' x64 hal.dll (MinGW-w64's x64 libhal.a): none of the
    // IRQL, spin lock or fast mutex routines; so the project builds no x64 hal.dll (Wine's builtin
    // one keeps serving the timing routines there).
    std::set<std::string> x64;
    std::istringstream ls(run(std::string(NTOSKRNL_NM_X86_64) + " -g --defined-only '" NTOSKRNL_MINGW_LIBHAL_X86_64 "' 2>/dev/null"));
    std::string line;
    while (std::getline(ls, line)) {
        auto sp = line.rfind(' ');
        if (sp != std::string::npos && line.compare(sp + 1, 6, "__imp_") == 0) x64.insert(line.substr(sp + 7));
    }
    ASSERT_FALSE(x64.empty()) << "cannot read " << NTOSKRNL_MINGW_LIBHAL_X86_64;
    for (const auto& [name, row] : hal_matrix()) EXPECT_EQ(row.x86_64, x64.count(name) == 1) << name;
    for (const char* irql : {"KeGetCurrentIrql", "KfRaiseIrql", "KfAcquireSpinLock", "ExAcquireFastMutex"})
        EXPECT_FALSE(hal_matrix().at(irql).x86_64) << irql;
    EXPECT_TRUE(hal_spec().for_arch(Arch::x86_64).empty());
    EXPECT_FALSE(std::filesystem::exists(std::string(NTOSKRNL_PE_DIR_X86_64) + "/bin/hal.dll"));
}

TEST(HalAbi, ImportLibraryDefinesTheSymbolsCallersReference) {
    const auto symbols = import_symbols(std::string(NTOSKRNL_PE_DIR_I386) + "/lib/libhal.a");
    for (const auto* e : hal_spec().for_arch(Arch::i386))
        EXPECT_TRUE(symbols.count(e->i386_import_symbol())) << "libhal.a lacks __imp_" << e->i386_import_symbol();
}

TEST(HalAbi, HalImportsSystemDllsAndKernelExportsOnly) {
    const pe::Image hal = load(i386_bin + "hal.dll");
    const std::set<std::string> allowed = {"kernel32.dll", "ntdll.dll", "msvcrt.dll", "ntoskrnl.exe"};
    std::set<std::string> kernel_exports;
    for (const auto* e : ntoskrnl_spec().for_arch(Arch::i386)) kernel_exports.insert(e->name);
    for (const auto& m : hal.imports) {
        std::string lower = m.dll;
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        EXPECT_TRUE(allowed.count(lower)) << "hal.dll imports " << m.dll;
    }
    // KeBugCheckEx, and the kernel's spin lock word routines the raising hal.dll forms take and
    // release the lock through (one owner of the word and of the verifier's owner record).
    EXPECT_EQ(imported_from(hal, "ntoskrnl.exe"),
              (std::set<std::string>{"KeBugCheckEx", "KefAcquireSpinLockAtDpcLevel", "KefReleaseSpinLockFromDpcLevel"}));
    for (const auto& name : imported_from(hal, "ntoskrnl.exe")) EXPECT_TRUE(kernel_exports.count(name)) << name;
}

TEST(HalAbi, KernelImportsTheIrqlFromHalOnI386Only) {
    const pe::Image i386 = load(i386_bin + "ntoskrnl.exe");
    EXPECT_EQ(imported_from(i386, "hal.dll"), (std::set<std::string>{"KeGetCurrentIrql", "KfLowerIrql", "KfRaiseIrql"}));
    const pe::Image x64 = load(std::string(NTOSKRNL_PE_DIR_X86_64) + "/bin/ntoskrnl.exe");
    EXPECT_TRUE(imported_from(x64, "hal.dll").empty());
}

TEST(HalAbi, DriverCodeImportsUndecoratedHalNames) {
    // hal.exe's driver half was compiled against the DDK headers and linked with MinGW-w64's libhal.a.
    const pe::Image exe = load(i386_bin + "hal_test.exe");
    std::set<std::string> spec;
    for (const auto* e : hal_spec().for_arch(Arch::i386)) spec.insert(e->name);
    const auto imported = imported_from(exe, "hal.dll");
    EXPECT_TRUE(imported.count("KfAcquireSpinLock"));
    EXPECT_TRUE(imported.count("KeAcquireSpinLock"));
    for (const auto& name : imported) EXPECT_TRUE(spec.count(name)) << name << " imported but not in the spec";
}

}  // namespace
