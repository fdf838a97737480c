// The drop-in's export surface, read back from the built files: the module exports every name
// Wine's builtin ntoskrnl.exe (and on i386 hal.dll) exports; the names the spec does not implement
// forward to the private copy of Wine's builtin (wine_ntoskrnl / wine_hal) or, where Wine itself
// forwards, to Wine's target; and a name Windows exports as data resolves to data, never to code:
// the project's own object, or Wine's where Wine has a real one (not a stub).
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include "abi_support.h"
#include "delegation.h"
#include "pe_image.h"
#include "spec.h"

namespace {

using specgen::Arch;
using specgen::BuiltinKind;

struct Case {
    Arch arch;
    const char* bin;          // the PE build's bin/
    const char* module;       // ntoskrnl.exe / hal.dll
    const char* private_dll;  // wine_ntoskrnl / wine_hal
    const char* spec;
    const char* mingw_lib;    // MinGW-w64's import library: Windows' export list with DATA marks
    const char* nm;
};

const Case cases[] = {
    {Arch::i386, NTOSKRNL_PE_DIR_I386 "/bin/", "ntoskrnl.exe", "wine_ntoskrnl", NTOSKRNL_SPEC_PATH,
     "/usr/i686-w64-mingw32/lib/libntoskrnl.a", NTOSKRNL_NM_I386},
    {Arch::x86_64, NTOSKRNL_PE_DIR_X86_64 "/bin/", "ntoskrnl.exe", "wine_ntoskrnl", NTOSKRNL_SPEC_PATH,
     "/usr/x86_64-w64-mingw32/lib/libntoskrnl.a", NTOSKRNL_NM_X86_64},
    {Arch::i386, NTOSKRNL_PE_DIR_I386 "/bin/", "hal.dll", "wine_hal", NTOSKRNL_HAL_SPEC_PATH,
     "/usr/i686-w64-mingw32/lib/libhal.a", NTOSKRNL_NM_I386},
};

void PrintTo(const Case& c, std::ostream* os) { *os << specgen::arch_name(c.arch) << " " << c.module; }

// Names an import library marks as data: an __imp_ symbol with no code thunk beside it.
std::set<std::string> windows_data_exports(const Case& c) {
    int status = 0;
    std::istringstream out(abi_test::run(std::string(c.nm) + " -g --defined-only '" + c.mingw_lib + "' 2>/dev/null", &status));
    std::set<std::string> imps, thunks;
    std::string line;
    auto undecorate = [&](std::string s) {
        if (c.arch == Arch::i386 && !s.empty() && (s[0] == '_' || s[0] == '@')) s.erase(0, 1);
        if (auto at = s.find('@'); at != std::string::npos) s.erase(at);
        return s;
    };
    while (std::getline(out, line)) {
        const auto sp = line.rfind(' ');
        if (sp == std::string::npos) continue;
        const std::string sym = line.substr(sp + 1);
        if (sym.rfind("__imp_", 0) == 0) imps.insert(undecorate(sym.substr(6)));
        else thunks.insert(undecorate(sym));
    }
    std::set<std::string> data;
    for (const auto& n : imps)
        if (!thunks.count(n)) data.insert(n);
    return data;
}

class Delegation : public testing::TestWithParam<Case> {
protected:
    void SetUp() override {
        const Case& c = GetParam();
        std::string err;
        auto m = pe::load(std::string(c.bin) + c.module, &err);
        ASSERT_TRUE(m) << err;
        module_ = std::move(*m);
        auto b = specgen::read_builtin_exports(std::string(c.bin) + c.private_dll + ".dll", &err);
        ASSERT_TRUE(b) << err;
        builtin_ = std::move(*b);
        auto s = specgen::read_spec_file(c.spec, &err);
        ASSERT_TRUE(s) << err;
        for (const auto* e : s->for_arch(c.arch)) ours_[e->name] = e;
    }
    pe::Image module_;
    std::vector<specgen::BuiltinExport> builtin_;
    std::map<std::string, const specgen::Export*> ours_;
};

TEST_P(Delegation, EveryExportOfWinesBuiltinIsExported) {
    std::map<std::string, const pe::ExportEntry*> exported;
    for (const auto& e : module_.exports) exported[e.name] = &e;
    std::size_t counts[4] = {};
    for (const auto& b : builtin_) {
        auto it = exported.find(b.name);
        ASSERT_NE(it, exported.end()) << b.name << " (Wine: " << specgen::builtin_kind_name(b.kind) << ") is not exported";
        const std::string& forwarder = it->second->forwarder;
        if (ours_.count(b.name)) {
            EXPECT_TRUE(forwarder.empty()) << b.name << " is the project's but forwards to " << forwarder;
            continue;
        }
        ++counts[static_cast<int>(b.kind)];
        const std::string expected = b.kind == BuiltinKind::forward ? b.target : std::string(GetParam().private_dll) + "." + b.name;
        EXPECT_EQ(forwarder, expected) << b.name;
    }
    // Forwarded only what Wine has: nothing the module forwards is missing from the builtin.
    std::set<std::string> wine_names;
    for (const auto& b : builtin_) wine_names.insert(b.name);
    for (const auto& e : module_.exports)
        if (!e.forwarder.empty()) EXPECT_TRUE(wine_names.count(e.name)) << e.name << " forwards to " << e.forwarder << ", which Wine lacks";
    RecordProperty("delegated_code", static_cast<int>(counts[0]));
    RecordProperty("delegated_data", static_cast<int>(counts[1]));
    RecordProperty("delegated_stubs", static_cast<int>(counts[2]));
    RecordProperty("delegated_wine_forwards", static_cast<int>(counts[3]));
    std::printf("%s %s: %zu own, %zu of Wine's: %zu code, %zu data, %zu stubs (reported as unimplemented when called), "
                "%zu forwarded on as Wine does\n",
                specgen::arch_name(GetParam().arch), GetParam().module, ours_.size(),
                counts[0] + counts[1] + counts[2] + counts[3], counts[0], counts[1], counts[2], counts[3]);
}

// A data export (Windows' kind, from MinGW-w64's import library, or Wine's where it has a real
// object) that a driver reads must hold data: the project's object in a section that does not
// execute, or Wine's object through the forwarder, never a Wine stub's code.
TEST_P(Delegation, DataExportsResolveToData) {
    const auto windows_data = windows_data_exports(GetParam());
    ASSERT_FALSE(windows_data.empty()) << "cannot read " << GetParam().mingw_lib;
    std::map<std::string, BuiltinKind> wine;
    for (const auto& b : builtin_) wine[b.name] = b.kind;
    for (const auto& e : module_.exports) {
        const bool data = windows_data.count(e.name) || (wine.count(e.name) && wine[e.name] == BuiltinKind::data);
        if (!data) continue;
        if (e.forwarder.empty()) {
            bool in_code = false;
            for (const auto& s : module_.sections)
                if (e.rva >= s.virtual_address && e.rva - s.virtual_address < std::max(s.virtual_size, s.raw_size))
                    in_code = (s.characteristics & 0x20000020) != 0;
            EXPECT_FALSE(in_code) << e.name << " is data on Windows but the project exports code";
        } else if (e.forwarder.rfind(std::string(GetParam().private_dll) + ".", 0) == 0) {
            EXPECT_EQ(wine[e.name], BuiltinKind::data)
                << e.name << " is data on Windows, forwarded to Wine's " << specgen::builtin_kind_name(wine[e.name])
                << ": the project must provide it (spec @ extern)";
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Modules, Delegation, testing::ValuesIn(cases), [](const testing::TestParamInfo<Case>& i) {
    return std::string(specgen::arch_name(i.param.arch)) + "_" + (i.param.module[0] == 'h' ? "hal" : "ntoskrnl");
});

}  // namespace
