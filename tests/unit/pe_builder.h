// Builds small PE images in memory for the loader tests: headers, sections, an import table and
// base relocations, with every field settable so tests can break exactly one of them.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace pe_test {

struct Builder {
    bool pe64 = false;
    std::uint32_t section_alignment = 0x1000;
    std::uint32_t file_alignment = 0x200;
    std::uint64_t image_base = 0x10000;
    std::uint16_t characteristics = 0x0102;   // executable image, 32-bit machine
    std::uint32_t entry_rva = 0;

    struct Sec {
        std::string name;
        std::uint32_t rva, vsize, chars;
        std::vector<std::uint8_t> data;
        std::uint32_t raw_offset = 0;   // set by build()
    };
    std::vector<Sec> sections;
    std::uint32_t dirs[16][2] = {};

    std::uint32_t headers_size() const {
        std::uint32_t raw = 0x40 + 4 + 20 + (pe64 ? 240u : 224u) + 40u * 12u;   // room for 12 sections: adding one never moves the others
        return align(raw, file_alignment);
    }
    static std::uint32_t align(std::uint32_t v, std::uint32_t a) { return (v + a - 1) / a * a; }

    // Adds a section of `vsize` bytes after the previous one; returns its index.
    std::size_t add(const std::string& name, std::uint32_t vsize, std::uint32_t chars) {
        std::uint32_t rva = sections.empty() ? align(headers_size(), section_alignment)
                                             : align(sections.back().rva + sections.back().vsize, section_alignment);
        sections.push_back({name, rva, vsize, chars, std::vector<std::uint8_t>(vsize), 0});
        return sections.size() - 1;
    }
    Sec& sec(std::size_t i) { return sections[i]; }

    template <typename T>
    void put(std::size_t sec_index, std::uint32_t offset, T v) {
        std::memcpy(sections[sec_index].data.data() + offset, &v, sizeof(T));
    }
    void put_ptr(std::size_t s, std::uint32_t off, std::uint64_t v) {
        pe64 ? put<std::uint64_t>(s, off, v) : put<std::uint32_t>(s, off, static_cast<std::uint32_t>(v));
    }

    // Writes an import table for `modules` into section s (which must be large enough) and points
    // directory 1 at it. A name starting with '#' is imported by ordinal. Returns the IAT RVAs of
    // each entry, in order.
    std::vector<std::uint32_t> imports(std::size_t s,
                                       const std::vector<std::pair<std::string, std::vector<std::string>>>& modules) {
        const std::uint32_t ptr = pe64 ? 8 : 4, base = sections[s].rva;
        std::uint32_t pos = 20 * static_cast<std::uint32_t>(modules.size() + 1);
        std::vector<std::uint32_t> iat_rvas;
        for (std::size_t m = 0; m < modules.size(); ++m) {
            const auto& names = modules[m].second;
            const std::uint32_t table = static_cast<std::uint32_t>(names.size() + 1) * ptr;
            const std::uint32_t ilt = pos, iat = pos + table;
            pos += 2 * table;
            const std::uint32_t dll = pos;
            std::memcpy(sections[s].data.data() + pos, modules[m].first.c_str(), modules[m].first.size() + 1);
            pos += static_cast<std::uint32_t>(modules[m].first.size()) + 2;
            for (std::size_t i = 0; i < names.size(); ++i) {
                std::uint64_t value;
                if (names[i][0] == '#') {
                    value = (pe64 ? (1ull << 63) : (1ull << 31)) | std::stoul(names[i].substr(1));
                } else {
                    value = base + pos;
                    put<std::uint16_t>(s, pos, 0);
                    std::memcpy(sections[s].data.data() + pos + 2, names[i].c_str(), names[i].size() + 1);
                    pos += static_cast<std::uint32_t>(names[i].size()) + 4;
                }
                put_ptr(s, ilt + static_cast<std::uint32_t>(i) * ptr, value);
                put_ptr(s, iat + static_cast<std::uint32_t>(i) * ptr, value);
                iat_rvas.push_back(base + iat + static_cast<std::uint32_t>(i) * ptr);
            }
            put<std::uint32_t>(s, 20 * static_cast<std::uint32_t>(m), base + ilt);
            put<std::uint32_t>(s, 20 * static_cast<std::uint32_t>(m) + 12, base + dll);
            put<std::uint32_t>(s, 20 * static_cast<std::uint32_t>(m) + 16, base + iat);
        }
        dirs[1][0] = base;
        dirs[1][1] = 20 * static_cast<std::uint32_t>(modules.size() + 1);
        return iat_rvas;
    }

    // Writes one base relocation block per page for (rva, type) entries into section s.
    void relocations(std::size_t s, const std::vector<std::pair<std::uint32_t, std::uint8_t>>& entries) {
        std::uint32_t pos = 0;
        std::size_t i = 0;
        while (i < entries.size()) {
            const std::uint32_t page = entries[i].first & ~0xFFFu;
            const std::uint32_t start = pos;
            pos += 8;
            for (; i < entries.size() && (entries[i].first & ~0xFFFu) == page; ++i, pos += 2)
                put<std::uint16_t>(s, pos, static_cast<std::uint16_t>(entries[i].second << 12 | (entries[i].first & 0xFFF)));
            if ((pos - start) % 4) pos += 2;   // ABSOLUTE padding entry
            put<std::uint32_t>(s, start, page);
            put<std::uint32_t>(s, start + 4, pos - start);
        }
        dirs[5][0] = sections[s].rva;
        dirs[5][1] = pos;
    }

    std::uint32_t size_of_image() const {
        return align(sections.back().rva + sections.back().vsize, section_alignment);
    }

    std::vector<std::uint8_t> build() {
        const std::uint32_t hdr = headers_size();
        std::uint32_t raw = hdr;
        for (auto& s : sections) {
            s.raw_offset = raw;
            raw += align(static_cast<std::uint32_t>(s.data.size()), file_alignment);
        }
        std::vector<std::uint8_t> f(raw);
        auto w16 = [&](std::size_t o, std::uint16_t v) { std::memcpy(&f[o], &v, 2); };
        auto w32 = [&](std::size_t o, std::uint32_t v) { std::memcpy(&f[o], &v, 4); };
        auto w64 = [&](std::size_t o, std::uint64_t v) { std::memcpy(&f[o], &v, 8); };
        w16(0, 0x5A4D);
        w32(0x3C, 0x40);
        w32(0x40, 0x4550);
        const std::size_t coff = 0x44, opt = coff + 20;
        const std::uint16_t opt_size = pe64 ? 240 : 224;
        w16(coff, pe64 ? 0x8664 : 0x14c);
        w16(coff + 2, static_cast<std::uint16_t>(sections.size()));
        w16(coff + 16, opt_size);
        w16(coff + 18, characteristics);
        w16(opt, pe64 ? 0x20b : 0x10b);
        w32(opt + 16, entry_rva);
        if (pe64) w64(opt + 24, image_base); else w32(opt + 28, static_cast<std::uint32_t>(image_base));
        w32(opt + 32, section_alignment);
        w32(opt + 36, file_alignment);
        w32(opt + 56, size_of_image());
        w32(opt + 60, hdr);
        w16(opt + 68, 1);   // IMAGE_SUBSYSTEM_NATIVE
        const std::size_t dd = opt + (pe64 ? 112 : 96);
        w32(dd - 4, 16);
        for (int i = 0; i < 16; ++i) {
            w32(dd + 8 * i, dirs[i][0]);
            w32(dd + 8 * i + 4, dirs[i][1]);
        }
        std::size_t st = opt + opt_size;
        for (const auto& s : sections) {
            std::memcpy(&f[st], s.name.c_str(), std::min<std::size_t>(8, s.name.size()));
            w32(st + 8, s.vsize);
            w32(st + 12, s.rva);
            w32(st + 16, align(static_cast<std::uint32_t>(s.data.size()), file_alignment));
            w32(st + 20, s.raw_offset);
            w32(st + 36, s.chars);
            std::memcpy(&f[s.raw_offset], s.data.data(), s.data.size());
            st += 40;
        }
        return f;
    }
};

inline constexpr std::uint32_t text_chars = 0x60000020;    // code, execute, read
inline constexpr std::uint32_t data_chars = 0xC0000040;    // initialized data, read, write
inline constexpr std::uint32_t rdata_chars = 0x40000040;   // initialized data, read

}  // namespace pe_test
