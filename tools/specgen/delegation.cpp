#include "delegation.h"

#include <cstring>
#include <set>

#include "pe_image.h"

namespace specgen {
namespace {

constexpr std::uint32_t scn_mem_execute = 0x20000000;   // IMAGE_SCN_MEM_EXECUTE
constexpr std::uint32_t scn_cnt_code = 0x00000020;      // IMAGE_SCN_CNT_CODE

// Names of the COFF symbols in the file (PE/COFF: 18-byte records after PointerToSymbolTable,
// then the string table, whose first 4 bytes are its size).
std::optional<std::vector<std::string>> coff_symbol_names(const pe::Image& img) {
    const auto& b = img.bytes;
    auto u32 = [&](std::size_t off) {
        std::uint32_t v = 0;
        std::memcpy(&v, b.data() + off, 4);
        return v;
    };
    if (b.size() < 0x40) return std::nullopt;
    const std::size_t coff = u32(0x3C) + 4ull;
    if (coff + 20 > b.size()) return std::nullopt;
    const std::size_t table = u32(coff + 8), count = u32(coff + 12);
    if (!table || !count || table > b.size() || count > (b.size() - table) / 18) return std::nullopt;
    const std::size_t strings = table + count * 18;
    const std::size_t strings_size = strings + 4 <= b.size() ? u32(strings) : 0;
    std::vector<std::string> names;
    for (std::size_t i = 0; i < count; ++i) {
        const std::size_t rec = table + i * 18;
        std::string name;
        if (u32(rec) == 0) {
            const std::size_t off = u32(rec + 4);
            if (off < strings_size && strings + off < b.size()) {
                const char* s = reinterpret_cast<const char*>(b.data() + strings + off);
                name.assign(s, strnlen(s, b.size() - strings - off));
            }
        } else {
            const char* s = reinterpret_cast<const char*>(b.data() + rec);
            name.assign(s, strnlen(s, 8));
        }
        names.push_back(std::move(name));
        i += b[rec + 17];   // auxiliary records
    }
    return names;
}

}  // namespace

const char* builtin_kind_name(BuiltinKind kind) {
    switch (kind) {
    case BuiltinKind::code: return "code";
    case BuiltinKind::data: return "data";
    case BuiltinKind::stub: return "stub";
    case BuiltinKind::forward: return "forward";
    }
    return "?";
}

std::optional<std::vector<BuiltinExport>> read_builtin_exports(const std::string& path, std::string* error) {
    auto img = pe::load(path, error);
    if (!img) return std::nullopt;
    auto symbols = coff_symbol_names(*img);
    if (!symbols) {
        if (error) *error = path + ": no COFF symbol table, so Wine's stubs cannot be told from its functions";
        return std::nullopt;
    }
    // winebuild names a stub __wine_stub_NAME (i386 COFF adds a leading underscore).
    std::set<std::string> stubs;
    static const std::string marker = "__wine_stub_";
    for (const auto& s : *symbols)
        if (auto at = s.find(marker); at != std::string::npos && at <= 1) stubs.insert(s.substr(at + marker.size()));

    std::vector<BuiltinExport> out;
    for (const auto& e : img->exports) {
        if (e.name.empty()) continue;
        BuiltinExport x;
        x.name = e.name;
        if (!e.forwarder.empty()) {
            x.kind = BuiltinKind::forward;
            x.target = e.forwarder;
        } else if (stubs.count(e.name)) {
            x.kind = BuiltinKind::stub;
        } else {
            x.kind = BuiltinKind::data;
            for (const auto& s : img->sections) {
                const std::uint32_t span = s.virtual_size ? s.virtual_size : s.raw_size;
                if (e.rva >= s.virtual_address && e.rva - s.virtual_address < span &&
                    (s.characteristics & (scn_mem_execute | scn_cnt_code)))
                    x.kind = BuiltinKind::code;
            }
        }
        out.push_back(std::move(x));
    }
    if (out.empty() && error) *error = path + ": no named exports";
    if (out.empty()) return std::nullopt;
    return out;
}

std::vector<Delegation> delegations(const Spec& spec, Arch arch, const std::vector<BuiltinExport>& builtin,
                                    const std::string& private_dll) {
    std::set<std::string> ours;
    for (const Export* e : spec.for_arch(arch)) ours.insert(e->name);
    std::vector<Delegation> out;
    for (const auto& b : builtin) {
        if (ours.count(b.name)) continue;
        Delegation d{b, b.kind == BuiltinKind::forward ? b.target : private_dll + "." + b.name};
        out.push_back(std::move(d));
    }
    return out;
}

std::string make_delegation_def(const std::vector<Delegation>& list) {
    std::string out;
    if (!list.empty()) out += "; Delegated to Wine's builtin (specgen delegation.h)\n";
    for (const auto& d : list) {
        out += "  " + d.builtin.name + " = " + d.forwarder;
        if (d.builtin.kind == BuiltinKind::data) out += " DATA";
        out += "\n";
    }
    return out;
}

}  // namespace specgen
