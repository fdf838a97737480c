#include "spec.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

namespace specgen {
namespace {

std::vector<std::string_view> split_ws(std::string_view s) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
        std::size_t start = i;
        // A parenthesised argument list stays one token even if it holds spaces.
        int depth = 0;
        while (i < s.size() && (depth > 0 || !std::isspace(static_cast<unsigned char>(s[i])))) {
            if (s[i] == '(') ++depth;
            if (s[i] == ')') --depth;
            ++i;
        }
        if (i > start) out.push_back(s.substr(start, i - start));
    }
    return out;
}

bool is_identifier(std::string_view s) {
    if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    });
}

unsigned arg_size_i386(std::string_view type) {
    if (type == "int64" || type == "double") return 8;
    if (type == "int128") return 16;
    return 4;   // long, ptr, str, wstr, float, segptr...
}

const std::vector<std::string_view> known_arg_types = {"long",  "ptr",    "str",  "wstr",
                                                       "int64", "int128", "float", "double"};

// An architecture name as Wine's -arch= accepts it, reduced to the two we build.
bool arch_matches(std::string_view name, Arch arch) {
    if (name == "win32" || name == "i386") return arch == Arch::i386;
    if (name == "win64" || name == "x86_64") return arch == Arch::x86_64;
    return false;   // arm, arm64, ...: never ours
}

}  // namespace

std::optional<Arch> parse_arch(std::string_view s) {
    if (s == "i386" || s == "win32" || s == "i686") return Arch::i386;
    if (s == "x86_64" || s == "win64" || s == "amd64") return Arch::x86_64;
    return std::nullopt;
}

const char* arch_name(Arch arch) { return arch == Arch::i386 ? "i386" : "x86_64"; }

bool Export::exported_on(Arch arch) const {
    if (archs.empty()) return true;
    bool listed = std::any_of(archs.begin(), archs.end(),
                              [&](const std::string& a) { return arch_matches(a, arch); });
    return archs_negated ? !listed : listed;
}

unsigned Export::i386_arg_bytes() const {
    unsigned n = 0;
    for (const auto& a : args) n += arg_size_i386(a);
    return n;
}

std::string Export::i386_import_symbol() const {
    if (kind == Kind::stdcall_fn && fastcall) return "@" + name + "@" + std::to_string(i386_arg_bytes());
    if (kind == Kind::stdcall_fn) return "_" + name + "@" + std::to_string(i386_arg_bytes());
    return "_" + name;
}

std::string Export::def_internal_symbol(Arch arch) const {
    const std::string& impl = target.empty() ? name : target;
    if (arch != Arch::i386 || kind != Kind::stdcall_fn) return impl;
    std::string bytes = std::to_string(i386_arg_bytes());
    return fastcall ? "@" + impl + "@" + bytes : impl + "@" + bytes;
}

std::string Export::convention(Arch arch) const {
    if (kind == Kind::extern_data) return "data";
    if (arch == Arch::x86_64) return "ms_abi";
    if (kind == Kind::stdcall_fn) return fastcall ? "fastcall" : "stdcall";
    return "cdecl";
}

std::vector<const Export*> Spec::for_arch(Arch arch) const {
    std::vector<const Export*> out;
    for (const auto& e : exports)
        if (e.kind != Kind::stub && e.exported_on(arch)) out.push_back(&e);
    std::sort(out.begin(), out.end(), [](const Export* a, const Export* b) { return a->name < b->name; });
    return out;
}

std::optional<Spec> parse_spec(std::string_view text, std::string* error) {
    Spec spec;
    auto fail = [&](int line, const std::string& msg) -> std::optional<Spec> {
        if (error) *error = "line " + std::to_string(line) + ": " + msg;
        return std::nullopt;
    };
    int lineno = 0;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        std::size_t eol = text.find('\n', pos);
        if (eol == std::string_view::npos) eol = text.size();
        std::string_view line = text.substr(pos, eol - pos);
        pos = eol + 1;
        ++lineno;
        if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
        auto tok = split_ws(line);
        if (tok.empty()) continue;
        if (tok.size() < 3) return fail(lineno, "expected 'ordinal type name'");

        Export e;
        e.line = lineno;
        if (tok[0] != "@") {
            unsigned v = 0;
            for (char c : tok[0]) {
                if (!std::isdigit(static_cast<unsigned char>(c))) return fail(lineno, "bad ordinal '" + std::string(tok[0]) + "'");
                v = v * 10 + static_cast<unsigned>(c - '0');
            }
            e.ordinal = v;
        }
        std::string_view type = tok[1];
        if (type == "stdcall") e.kind = Kind::stdcall_fn;
        else if (type == "cdecl") e.kind = Kind::cdecl_fn;
        else if (type == "varargs") e.kind = Kind::varargs_fn;
        else if (type == "extern") e.kind = Kind::extern_data;
        else if (type == "stub") e.kind = Kind::stub;
        else return fail(lineno, "unsupported entry type '" + std::string(type) + "'");

        std::size_t i = 2;
        for (; i < tok.size() && tok[i].substr(0, 1) == "-"; ++i) {
            std::string_view f = tok[i];
            if (f == "-fastcall") e.fastcall = true;
            else if (f == "-noname") e.noname = true;
            else if (f == "-private") e.is_private = true;
            else if (f == "-norelay" || f == "-ret64" || f == "-register") {}
            else if (f.substr(0, 6) == "-arch=") {
                std::string_view list = f.substr(6);
                if (!list.empty() && list[0] == '!') { e.archs_negated = true; list.remove_prefix(1); }
                while (!list.empty()) {
                    auto comma = list.find(',');
                    e.archs.emplace_back(list.substr(0, comma));
                    if (comma == std::string_view::npos) break;
                    list.remove_prefix(comma + 1);
                }
                if (e.archs.empty()) return fail(lineno, "empty -arch=");
            } else return fail(lineno, "unknown flag '" + std::string(f) + "'");
        }
        if (e.fastcall && e.kind != Kind::stdcall_fn) return fail(lineno, "-fastcall needs a stdcall entry");
        if (i >= tok.size()) return fail(lineno, "missing name");

        std::string_view decl = tok[i++];
        if (e.kind == Kind::stdcall_fn || e.kind == Kind::cdecl_fn || e.kind == Kind::varargs_fn) {
            auto open = decl.find('(');
            if (open == std::string_view::npos || decl.back() != ')') return fail(lineno, "function needs '(args)'");
            e.name = std::string(decl.substr(0, open));
            for (auto a : split_ws(decl.substr(open + 1, decl.size() - open - 2))) {
                if (std::find(known_arg_types.begin(), known_arg_types.end(), a) == known_arg_types.end())
                    return fail(lineno, "unknown argument type '" + std::string(a) + "'");
                e.args.emplace_back(a);
            }
        } else {
            e.name = std::string(decl);
        }
        if (!is_identifier(e.name)) return fail(lineno, "bad name '" + e.name + "'");
        if (i < tok.size()) {
            e.target = std::string(tok[i++]);
            if (!is_identifier(e.target)) return fail(lineno, "bad target '" + e.target + "'");
        }
        if (i < tok.size()) return fail(lineno, "trailing text '" + std::string(tok[i]) + "'");

        for (const auto& other : spec.exports) {
            bool overlap = false;
            for (Arch a : {Arch::i386, Arch::x86_64})
                overlap = overlap || (other.exported_on(a) && e.exported_on(a));
            if (other.name == e.name && overlap)
                return fail(lineno, "'" + e.name + "' already exported at line " + std::to_string(other.line));
        }
        spec.exports.push_back(std::move(e));
    }
    return spec;
}

std::optional<Spec> read_spec_file(const std::string& path, std::string* error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (error) *error = "cannot open " + path;
        return std::nullopt;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    std::string err;
    auto spec = parse_spec(ss.str(), &err);
    if (!spec && error) *error = path + ": " + err;
    return spec;
}

std::string make_link_def(const Spec& spec, Arch arch, std::string_view module_name) {
    std::string out = "; Generated from the spec by specgen; do not edit.\nLIBRARY ";
    out += module_name;
    out += "\nEXPORTS\n";
    for (const Export* e : spec.for_arch(arch)) {
        out += "  " + e->name;
        std::string internal = e->def_internal_symbol(arch);
        if (internal != e->name) out += "=" + internal;
        if (e->ordinal) out += " @" + std::to_string(*e->ordinal);
        if (e->noname) out += " NONAME";
        if (e->kind == Kind::extern_data) out += " DATA";
        if (e->is_private) out += " PRIVATE";
        out += "\n";
    }
    return out;
}

}  // namespace specgen
