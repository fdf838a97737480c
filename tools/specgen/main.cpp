// specgen: turns spec/ntoskrnl.exe.spec into what the build needs.
//   specgen def  --arch i386|x86_64 --module ntoskrnl.exe SPEC OUT.def   link .def (undecorated exports)
//   specgen list --arch i386|x86_64 SPEC                                 "name convention argbytes import-symbol"
//   With --delegate WINE_BUILTIN [--delegate-dll NAME] (def, delegation): every export of Wine's
//   builtin module that the spec lacks is forwarded to NAME (wine_ntoskrnl by default) or to
//   Wine's own forwarder target (delegation.h).
//   specgen delegation --arch ARCH --delegate WINE_BUILTIN SPEC           "name kind forwarder"
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include "delegation.h"
#include "spec.h"

namespace {

int usage() {
    std::fprintf(stderr,
                 "usage: specgen def --arch ARCH [--module NAME] SPEC OUT.def\n"
                 "       specgen list --arch ARCH SPEC\n"
                 "       specgen delegation --arch ARCH --delegate WINE_BUILTIN [--delegate-dll NAME] SPEC\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) return usage();
    std::string mode = argv[1];
    std::string arch_s, module = "ntoskrnl.exe", builtin_path, private_dll = "wine_ntoskrnl";
    std::vector<std::string> pos;
    for (int i = 2; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--arch") && i + 1 < argc) arch_s = argv[++i];
        else if (!std::strcmp(argv[i], "--module") && i + 1 < argc) module = argv[++i];
        else if (!std::strcmp(argv[i], "--delegate") && i + 1 < argc) builtin_path = argv[++i];
        else if (!std::strcmp(argv[i], "--delegate-dll") && i + 1 < argc) private_dll = argv[++i];
        else pos.emplace_back(argv[i]);
    }
    auto arch = specgen::parse_arch(arch_s);
    if (!arch) return usage();
    if (pos.empty()) return usage();

    std::string err;
    auto spec = specgen::read_spec_file(pos[0], &err);
    if (!spec) {
        std::fprintf(stderr, "specgen: %s\n", err.c_str());
        return 1;
    }
    std::vector<specgen::Delegation> delegated;
    if (!builtin_path.empty()) {
        auto builtin = specgen::read_builtin_exports(builtin_path, &err);
        if (!builtin) {
            std::fprintf(stderr, "specgen: %s\n", err.c_str());
            return 1;
        }
        delegated = specgen::delegations(*spec, *arch, *builtin, private_dll);
    }
    if (mode == "delegation" && pos.size() == 1 && !builtin_path.empty()) {
        for (const auto& d : delegated)
            std::printf("%s %s %s\n", d.builtin.name.c_str(), specgen::builtin_kind_name(d.builtin.kind), d.forwarder.c_str());
        return 0;
    }
    if (mode == "def" && pos.size() == 2) {
        std::string text = specgen::make_link_def(*spec, *arch, module) + specgen::make_delegation_def(delegated);
        // Rewrite only on change, so an unchanged spec does not relink the module.
        std::ifstream old(pos[1], std::ios::binary);
        std::string previous((std::istreambuf_iterator<char>(old)), std::istreambuf_iterator<char>());
        if (previous != text) {
            std::ofstream out(pos[1], std::ios::binary | std::ios::trunc);
            out << text;
            if (!out) {
                std::fprintf(stderr, "specgen: cannot write %s\n", pos[1].c_str());
                return 1;
            }
        }
        return 0;
    }
    if (mode == "list" && pos.size() == 1) {
        for (const auto* e : spec->for_arch(*arch))
            std::printf("%s %s %u %s\n", e->name.c_str(), e->convention(*arch).c_str(), e->i386_arg_bytes(),
                        *arch == specgen::Arch::i386 ? e->i386_import_symbol().c_str() : e->name.c_str());
        return 0;
    }
    return usage();
}
