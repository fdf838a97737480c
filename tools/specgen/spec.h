// Reader for Wine's .spec syntax, restricted to what a kernel export list uses: stdcall, cdecl and
// varargs functions (with -fastcall, -arch=, -noname, -private, -norelay, -ret64 flags) and
// extern data. It answers the questions the build and the ABI test ask: which names an
// architecture exports, with which calling convention, and how many argument bytes on i386.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace specgen {

enum class Arch { i386, x86_64 };

enum class Kind { stdcall_fn, cdecl_fn, varargs_fn, extern_data, stub };

struct Export {
    int line = 0;                      // 1-based line in the spec, for messages
    std::optional<unsigned> ordinal;   // absent for '@'
    Kind kind = Kind::stdcall_fn;
    bool fastcall = false;             // "-fastcall": fastcall on i386
    bool noname = false;
    bool is_private = false;
    std::vector<std::string> archs;    // from -arch=; empty means every architecture
    bool archs_negated = false;        // -arch=!a,b
    std::string name;
    std::vector<std::string> args;     // long, ptr, int64, ...
    std::string target;                // implementation symbol if it differs from name

    bool exported_on(Arch arch) const;
    // Bytes of arguments popped by the callee on i386 (stdcall/fastcall decoration number).
    unsigned i386_arg_bytes() const;
    // Symbol an i386 object file references through __imp_: _Name@N, @Name@N or _Name.
    std::string i386_import_symbol() const;
    // Symbol the implementation defines in the module's objects for this architecture, as a
    // .def file spells it (no leading underscore for cdecl/stdcall on i386).
    std::string def_internal_symbol(Arch arch) const;
    std::string convention(Arch arch) const;   // "stdcall", "fastcall", "cdecl" (x86_64: "ms_abi")
};

struct Spec {
    std::vector<Export> exports;
    std::vector<const Export*> for_arch(Arch arch) const;   // sorted by name
};

// Parses spec text. On error returns nullopt and sets *error to "line N: message".
std::optional<Spec> parse_spec(std::string_view text, std::string* error);
std::optional<Spec> read_spec_file(const std::string& path, std::string* error);

std::optional<Arch> parse_arch(std::string_view s);
const char* arch_name(Arch arch);   // "i386" / "x86_64"

// The .def file GNU ld needs to give the module undecorated export names.
std::string make_link_def(const Spec& spec, Arch arch, std::string_view module_name);

}  // namespace specgen
