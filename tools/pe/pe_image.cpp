#include "pe_image.h"

#include <cstring>
#include <fstream>
#include <iterator>

namespace pe {
namespace {

// Checked little-endian reads from the file image.
class Reader {
public:
    explicit Reader(const std::vector<std::uint8_t>& b) : b_(b) {}
    bool has(std::uint64_t off, std::uint64_t len) const { return off <= b_.size() && len <= b_.size() - off; }
    template <typename T>
    bool read(std::uint64_t off, T* out) const {
        if (!has(off, sizeof(T))) return false;
        std::memcpy(out, b_.data() + off, sizeof(T));
        return true;
    }
    // NUL-terminated string of at most max bytes.
    bool cstr(std::uint64_t off, std::string* out, std::size_t max = 512) const {
        out->clear();
        for (std::size_t i = 0; i < max; ++i) {
            if (!has(off + i, 1)) return false;
            char c = static_cast<char>(b_[off + i]);
            if (c == '\0') return true;
            out->push_back(c);
        }
        return false;
    }

private:
    const std::vector<std::uint8_t>& b_;
};

constexpr std::uint32_t max_entries = 1u << 16;   // sanity bound on table sizes

}  // namespace

std::optional<std::uint32_t> Image::rva_to_offset(std::uint32_t rva) const {
    for (const auto& s : sections) {
        std::uint32_t span = s.virtual_size ? s.virtual_size : s.raw_size;
        if (rva >= s.virtual_address && rva - s.virtual_address < span) {
            std::uint32_t delta = rva - s.virtual_address;
            if (delta >= s.raw_size) return std::nullopt;   // in the zero-filled tail
            return s.raw_offset + delta;
        }
    }
    if (!sections.empty() && rva < sections.front().raw_offset && rva < bytes.size()) return rva;   // headers
    return std::nullopt;
}

std::optional<Image> parse(std::vector<std::uint8_t> bytes, std::string* error) {
    Image img;
    img.bytes = std::move(bytes);
    Reader r(img.bytes);
    auto fail = [&](const std::string& m) -> std::optional<Image> {
        if (error) *error = m;
        return std::nullopt;
    };

    std::uint16_t mz = 0;
    std::uint32_t lfanew = 0, sig = 0;
    if (!r.read(0, &mz) || mz != 0x5A4D) return fail("not an MZ image");
    if (!r.read(0x3C, &lfanew)) return fail("truncated DOS header");
    if (!r.read(lfanew, &sig) || sig != 0x00004550) return fail("no PE signature");

    std::uint64_t coff = lfanew + 4ull;
    std::uint16_t nsections = 0, opt_size = 0, characteristics = 0;
    if (!r.read(coff, &img.machine) || !r.read(coff + 2, &nsections) || !r.read(coff + 16, &opt_size) ||
        !r.read(coff + 18, &characteristics))
        return fail("truncated COFF header");
    img.is_dll = (characteristics & 0x2000) != 0;

    std::uint64_t opt = coff + 20;
    std::uint16_t magic = 0;
    if (!r.read(opt, &magic)) return fail("truncated optional header");
    if (magic != 0x10b && magic != 0x20b) return fail("unknown optional header magic");
    img.is_pe32_plus = magic == 0x20b;
    if (!r.read(opt + 16, &img.entry_point_rva) || !r.read(opt + 32, &img.section_alignment) ||
        !r.read(opt + 36, &img.file_alignment) || !r.read(opt + 56, &img.size_of_image) ||
        !r.read(opt + 60, &img.size_of_headers) || !r.read(opt + 64, &img.checksum) ||
        !r.read(opt + 68, &img.subsystem) || !r.read(opt + 70, &img.dll_characteristics))
        return fail("truncated optional header");
    img.characteristics = characteristics;
    if (img.is_pe32_plus) {
        if (!r.read(opt + 24, &img.image_base)) return fail("truncated optional header");
    } else {
        std::uint32_t base32 = 0;
        if (!r.read(opt + 28, &base32)) return fail("truncated optional header");
        img.image_base = base32;
    }
    std::uint64_t dirs = opt + (img.is_pe32_plus ? 112 : 96);
    std::uint32_t ndirs = 0;
    if (!r.read(dirs - 4, &ndirs)) return fail("truncated optional header");
    auto directory = [&](std::uint32_t index, std::uint32_t* rva, std::uint32_t* size) {
        *rva = *size = 0;
        if (index >= ndirs || dirs + index * 8ull + 8 > opt + opt_size) return;
        r.read(dirs + index * 8ull, rva);
        r.read(dirs + index * 8ull + 4, size);
    };

    for (std::uint32_t i = 0; i < 16; ++i) directory(i, &img.directories[i].rva, &img.directories[i].size);

    std::uint64_t sec = opt + opt_size;
    if (nsections > 96) return fail("too many sections");
    if (!r.has(sec, 40ull * nsections)) return fail("truncated section table");
    img.headers_end = static_cast<std::uint32_t>(sec + 40ull * nsections);
    for (unsigned i = 0; i < nsections; ++i, sec += 40) {
        Section s;
        if (!r.has(sec, 40)) return fail("truncated section table");
        s.name.assign(reinterpret_cast<const char*>(img.bytes.data() + sec), 8);
        s.name.resize(std::strlen(s.name.c_str()));
        r.read(sec + 8, &s.virtual_size);
        r.read(sec + 12, &s.virtual_address);
        r.read(sec + 16, &s.raw_size);
        r.read(sec + 20, &s.raw_offset);
        r.read(sec + 36, &s.characteristics);
        if (s.raw_size && !r.has(s.raw_offset, s.raw_size)) return fail("section '" + s.name + "' lies beyond the file");
        img.sections.push_back(std::move(s));
    }

    // Export directory.
    std::uint32_t exp_rva = 0, exp_size = 0;
    directory(0, &exp_rva, &exp_size);
    if (exp_rva) {
        auto off = img.rva_to_offset(exp_rva);
        std::uint32_t name_rva = 0, base = 0, nfuncs = 0, nnames = 0, funcs = 0, names = 0, ords = 0;
        if (!off || !r.read(*off + 12, &name_rva) || !r.read(*off + 16, &base) || !r.read(*off + 20, &nfuncs) ||
            !r.read(*off + 24, &nnames) || !r.read(*off + 28, &funcs) || !r.read(*off + 32, &names) ||
            !r.read(*off + 36, &ords))
            return fail("bad export directory");
        if (nfuncs > max_entries || nnames > max_entries) return fail("export table too large");
        if (auto n = img.rva_to_offset(name_rva)) r.cstr(*n, &img.export_dll_name);
        auto funcs_off = img.rva_to_offset(funcs);
        if (nfuncs && !funcs_off) return fail("bad export address table");
        std::vector<std::string> names_by_index(nfuncs);
        auto names_off = img.rva_to_offset(names), ords_off = img.rva_to_offset(ords);
        if (nnames && (!names_off || !ords_off)) return fail("bad export name table");
        for (std::uint32_t i = 0; i < nnames; ++i) {
            std::uint32_t nrva = 0;
            std::uint16_t idx = 0;
            std::string name;
            if (!r.read(*names_off + 4ull * i, &nrva) || !r.read(*ords_off + 2ull * i, &idx)) return fail("bad export name table");
            auto noff = img.rva_to_offset(nrva);
            if (!noff || !r.cstr(*noff, &name) || idx >= nfuncs) return fail("bad export name");
            names_by_index[idx] = name;
        }
        for (std::uint32_t i = 0; i < nfuncs; ++i) {
            ExportEntry e;
            if (!r.read(*funcs_off + 4ull * i, &e.rva)) return fail("bad export address table");
            if (!e.rva) continue;
            e.ordinal = base + i;
            e.name = names_by_index[i];
            if (e.rva >= exp_rva && e.rva - exp_rva < exp_size) {
                auto foff = img.rva_to_offset(e.rva);
                if (!foff || !r.cstr(*foff, &e.forwarder)) return fail("bad export forwarder");
            }
            img.exports.push_back(std::move(e));
        }
    }

    // Import directory.
    std::uint32_t imp_rva = 0, imp_size = 0;
    directory(1, &imp_rva, &imp_size);
    if (imp_rva) {
        auto off = img.rva_to_offset(imp_rva);
        if (!off) return fail("bad import directory");
        for (std::uint32_t d = 0;; ++d) {
            if (d > 4096) return fail("import directory not terminated");
            std::uint64_t desc = *off + 20ull * d;
            std::uint32_t lookup = 0, name_rva = 0, iat = 0;
            if (!r.read(desc, &lookup) || !r.read(desc + 12, &name_rva) || !r.read(desc + 16, &iat))
                return fail("truncated import directory");
            if (!name_rva && !lookup && !iat) break;
            ImportedModule m;
            auto noff = img.rva_to_offset(name_rva);
            if (!noff || !r.cstr(*noff, &m.dll)) return fail("bad imported module name");
            auto toff = img.rva_to_offset(lookup ? lookup : iat);
            if (!toff) return fail("bad import lookup table for " + m.dll);
            for (std::uint32_t t = 0;; ++t) {
                if (t > max_entries) return fail("import lookup table for " + m.dll + " not terminated");
                std::uint64_t value = 0;
                if (img.is_pe32_plus) {
                    if (!r.read(*toff + 8ull * t, &value)) return fail("truncated import lookup table");
                } else {
                    std::uint32_t v32 = 0;
                    if (!r.read(*toff + 4ull * t, &v32)) return fail("truncated import lookup table");
                    value = v32;
                }
                if (!value) break;
                ImportEntry e;
                e.iat_rva = iat + t * (img.is_pe32_plus ? 8u : 4u);
                std::uint64_t ordinal_flag = img.is_pe32_plus ? (1ull << 63) : (1ull << 31);
                if (value & ordinal_flag) {
                    e.by_ordinal = true;
                    e.hint_or_ordinal = static_cast<std::uint16_t>(value & 0xFFFF);
                } else {
                    auto hoff = img.rva_to_offset(static_cast<std::uint32_t>(value));
                    if (!hoff || !r.read(*hoff, &e.hint_or_ordinal) || !r.cstr(*hoff + 2, &e.name))
                        return fail("bad import name in " + m.dll);
                }
                m.entries.push_back(std::move(e));
            }
            img.imports.push_back(std::move(m));
        }
    }
    return img;
}

std::optional<Image> load(const std::string& path, std::string* error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (error) *error = "cannot open " + path;
        return std::nullopt;
    }
    std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::string err;
    auto img = parse(std::move(bytes), &err);
    if (!img && error) *error = path + ": " + err;
    return img;
}

}  // namespace pe
