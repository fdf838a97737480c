// pe-craft: makes the crafted driver images the driver host's end-to-end tests load
// (tests/drivers/CMakeLists.txt), each a good sample driver with one change:
//
//   pe-craft CHANGE INPUT.sys OUTPUT.sys [MODULE]
//
// It finds what to change with the project's PE reader and refuses (exit 1) an input that lacks
// what the change needs, so a test never runs on an image that was not actually changed. Built
// natively (no Wine, no python) and run at build time by the PE sub-builds.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "pe_image.h"

namespace {

const char* const usage_text =
    "usage: pe-craft CHANGE INPUT OUTPUT [MODULE]\n"
    "  truncated-section-data  cut the file in the middle of the first section's raw data\n"
    "  truncated-headers       cut the file inside the section table (second entry)\n"
    "  section-past-eof        the second section's raw data starts at the end of the file\n"
    "  section-overlap         the second section's VirtualAddress is the first one's\n"
    "  reloc-block-overrun     the first base relocation block is longer than the directory\n"
    "  reloc-bad-type          the first base relocation gets type 4 (HIGHADJ, which the loader refuses)\n"
    "  missing-module          the first imported module is renamed notthere.sys\n"
    "  imports-by-ordinal      the ntoskrnl.exe imports by name become imports by the ordinals\n"
    "                          MODULE (the project's ntoskrnl.exe) exports them under\n"
    "  load-config             point the load configuration directory at the image's\n"
    "                          _load_config_used symbol, sized by its Size field (what MSVC's\n"
    "                          linker does and GNU ld 2.40 does not)\n";

constexpr std::uint32_t section_header_size = 40;
constexpr int reloc_directory = 5, import_directory = 1;

std::uint32_t get32(const std::vector<std::uint8_t>& b, std::size_t off) {
    std::uint32_t v;
    std::memcpy(&v, b.data() + off, 4);
    return v;
}
void put32(std::vector<std::uint8_t>& b, std::size_t off, std::uint32_t v) { std::memcpy(b.data() + off, &v, 4); }
void put64(std::vector<std::uint8_t>& b, std::size_t off, std::uint64_t v) { std::memcpy(b.data() + off, &v, 8); }

bool refuse(const std::string& why) {
    std::fprintf(stderr, "pe-craft: %s\n", why.c_str());
    return false;
}

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    return s;
}

// File offset of the RVA, checked to leave `len` bytes in the file.
bool offset_of(const pe::Image& img, std::uint32_t rva, std::size_t len, std::size_t* off) {
    auto o = img.rva_to_offset(rva);
    if (!o || std::uint64_t{*o} + len > img.bytes.size()) return false;
    *off = *o;
    return true;
}

std::size_t section_table(const pe::Image& img) { return img.headers_end - section_header_size * img.sections.size(); }

bool cut_section_data(pe::Image& img, std::vector<std::uint8_t>* out) {
    const auto& s = img.sections.front();
    if (s.raw_size < 2) return refuse("the first section has no raw data to cut");
    out->assign(img.bytes.begin(), img.bytes.begin() + s.raw_offset + s.raw_size / 2);
    return true;
}

bool cut_headers(pe::Image& img, std::vector<std::uint8_t>* out) {
    if (img.sections.size() < 2) return refuse("fewer than two sections");
    out->assign(img.bytes.begin(), img.bytes.begin() + section_table(img) + section_header_size + section_header_size / 2);
    return true;
}

bool section_past_eof(pe::Image& img, std::vector<std::uint8_t>* out) {
    if (img.sections.size() < 2 || !img.sections[1].raw_size) return refuse("no second section with raw data");
    *out = img.bytes;
    put32(*out, section_table(img) + section_header_size + 20, static_cast<std::uint32_t>(out->size()));   // PointerToRawData
    return true;
}

bool section_overlap(pe::Image& img, std::vector<std::uint8_t>* out) {
    if (img.sections.size() < 2) return refuse("fewer than two sections");
    *out = img.bytes;
    put32(*out, section_table(img) + section_header_size + 12, img.sections[0].virtual_address);   // VirtualAddress
    return true;
}

bool first_reloc_block(const pe::Image& img, std::size_t* off) {
    const auto& d = img.directories[reloc_directory];
    if (!d.rva || d.size < 10 || !offset_of(img, d.rva, d.size, off))
        return refuse("the image has no base relocations (nothing to corrupt)");
    return true;
}

bool reloc_block_overrun(pe::Image& img, std::vector<std::uint8_t>* out) {
    std::size_t off;
    if (!first_reloc_block(img, &off)) return false;
    *out = img.bytes;
    put32(*out, off + 4, img.directories[reloc_directory].size + 8);   // SizeOfBlock
    return true;
}

bool reloc_bad_type(pe::Image& img, std::vector<std::uint8_t>* out) {
    std::size_t off;
    if (!first_reloc_block(img, &off)) return false;
    *out = img.bytes;
    const std::uint32_t block = get32(img.bytes, off + 4);
    for (std::uint32_t i = 8; i + 2 <= block && i + 2 <= img.directories[reloc_directory].size; i += 2) {
        std::uint16_t entry;
        std::memcpy(&entry, out->data() + off + i, 2);
        if (!(entry >> 12)) continue;   // ABSOLUTE padding
        entry = static_cast<std::uint16_t>((entry & 0x0FFF) | 0x4000);
        std::memcpy(out->data() + off + i, &entry, 2);
        return true;
    }
    return refuse("the first base relocation block has no relocation");
}

bool missing_module(pe::Image& img, std::vector<std::uint8_t>* out) {
    static const char absent[] = "notthere.sys";
    std::size_t desc, name;
    if (img.imports.empty() || !offset_of(img, img.directories[import_directory].rva, 20, &desc) ||
        !offset_of(img, get32(img.bytes, desc + 12), img.imports[0].dll.size() + 1, &name))
        return refuse("the image imports nothing");
    if (img.imports[0].dll.size() < std::strlen(absent)) return refuse("the first imported module's name is too short");
    *out = img.bytes;
    std::memset(out->data() + name, 0, img.imports[0].dll.size());
    std::memcpy(out->data() + name, absent, std::strlen(absent));
    return true;
}

bool imports_by_ordinal(pe::Image& img, const std::string& module_path, std::vector<std::uint8_t>* out) {
    std::string err;
    auto module = pe::load(module_path, &err);
    if (!module) return refuse(err);
    std::map<std::string, std::uint16_t> ordinals;
    for (const auto& e : module->exports)
        if (!e.name.empty()) ordinals[e.name] = static_cast<std::uint16_t>(e.ordinal);
    *out = img.bytes;
    const std::uint32_t width = img.is_pe32_plus ? 8 : 4;
    const std::uint64_t by_ordinal = img.is_pe32_plus ? (1ull << 63) : (1ull << 31);
    std::size_t desc;
    if (!offset_of(img, img.directories[import_directory].rva, 20 * img.imports.size(), &desc))
        return refuse("the image imports nothing");
    int changed = 0;
    for (std::size_t m = 0; m < img.imports.size(); ++m, desc += 20) {
        if (lower(img.imports[m].dll) != "ntoskrnl.exe") continue;
        // Both tables: the loader reads the lookup table (OriginalFirstThunk) and writes the IAT.
        for (std::uint32_t table_rva : {get32(img.bytes, desc), get32(img.bytes, desc + 16)}) {
            if (!table_rva) continue;
            const auto& entries = img.imports[m].entries;
            for (std::size_t i = 0; i < entries.size(); ++i) {
                if (entries[i].by_ordinal) continue;
                auto it = ordinals.find(entries[i].name);
                if (it == ordinals.end()) return refuse(module_path + " does not export " + entries[i].name);
                std::size_t slot;
                if (!offset_of(img, table_rva + static_cast<std::uint32_t>(i * width), width, &slot))
                    return refuse("import table of ntoskrnl.exe outside the file");
                if (width == 8) put64(*out, slot, by_ordinal | it->second);
                else put32(*out, slot, static_cast<std::uint32_t>(by_ordinal | it->second));
                ++changed;
            }
        }
    }
    return changed ? true : refuse("the image imports nothing from ntoskrnl.exe by name");
}

}  // namespace

namespace {

// The COFF symbol table a MinGW-linked image keeps (PE/COFF: 18-byte records after
// PointerToSymbolTable; Value is the offset in its 1-based SectionNumber): `_load_config_used`
// (i386: `__load_config_used`) gives the load config's RVA; its first ULONG is the Size that goes
// into the directory (data directory 10, IMAGE_DIRECTORY_ENTRY_LOAD_CONFIG).
bool load_config(const pe::Image& img, std::vector<std::uint8_t>* out) {
    const auto& b = img.bytes;
    const std::size_t coff = get32(b, 0x3C) + 4ull;
    const std::size_t table = get32(b, coff + 8), count = get32(b, coff + 12);
    if (!table || table + count * 18 > b.size()) return refuse("no COFF symbol table"), false;
    const std::size_t strings = table + count * 18;
    for (std::size_t i = 0; i < count; ++i) {
        const std::size_t rec = table + i * 18;
        std::string name;
        if (get32(b, rec) == 0) {
            const std::size_t off = strings + get32(b, rec + 4);
            if (off < b.size()) name.assign(reinterpret_cast<const char*>(b.data() + off), strnlen(reinterpret_cast<const char*>(b.data() + off), b.size() - off));
        } else {
            name.assign(reinterpret_cast<const char*>(b.data() + rec), strnlen(reinterpret_cast<const char*>(b.data() + rec), 8));
        }
        std::int16_t section = 0;
        std::memcpy(&section, b.data() + rec + 12, 2);
        if ((name == "_load_config_used" || name == "__load_config_used") && section >= 1 &&
            static_cast<std::size_t>(section) <= img.sections.size()) {
            const std::uint32_t rva = img.sections[section - 1].virtual_address + get32(b, rec + 8);
            auto file = img.rva_to_offset(rva);
            if (!file || *file + 4 > b.size()) return refuse("_load_config_used is not in the file"), false;
            *out = b;
            const std::size_t dirs = coff + 20 + (img.is_pe32_plus ? 112 : 96);
            const std::uint32_t size = get32(b, *file);
            std::memcpy(out->data() + dirs + 10 * 8, &rva, 4);
            std::memcpy(out->data() + dirs + 10 * 8 + 4, &size, 4);
            return true;
        }
        i += b[rec + 17];
    }
    return refuse("the image has no _load_config_used symbol"), false;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fputs(usage_text, stderr);
        return 2;
    }
    const std::string change = argv[1], input = argv[2], output = argv[3];
    std::string err;
    auto img = pe::load(input, &err);
    if (!img) {
        refuse(err);
        return 1;
    }
    std::vector<std::uint8_t> out;
    bool ok;
    if (change == "truncated-section-data") ok = cut_section_data(*img, &out);
    else if (change == "truncated-headers") ok = cut_headers(*img, &out);
    else if (change == "section-past-eof") ok = section_past_eof(*img, &out);
    else if (change == "section-overlap") ok = section_overlap(*img, &out);
    else if (change == "reloc-block-overrun") ok = reloc_block_overrun(*img, &out);
    else if (change == "reloc-bad-type") ok = reloc_bad_type(*img, &out);
    else if (change == "missing-module") ok = missing_module(*img, &out);
    else if (change == "load-config") ok = load_config(*img, &out);
    else if (change == "imports-by-ordinal" && argc >= 5) ok = imports_by_ordinal(*img, argv[4], &out);
    else {
        std::fputs(usage_text, stderr);
        return 2;
    }
    if (!ok) return 1;
    std::ofstream f(output, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(out.data()), static_cast<std::streamsize>(out.size()));
    if (!f) {
        refuse("cannot write " + output);
        return 1;
    }
    return 0;
}
