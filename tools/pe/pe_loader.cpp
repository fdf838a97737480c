#include "pe_loader.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace pe {
namespace {

std::string hex(std::uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof(buf), "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

bool power_of_two(std::uint32_t v) { return v && (v & (v - 1)) == 0; }

// Bytes of a section that occupy the image: VirtualSize, or the raw size for linkers that leave
// VirtualSize zero.
std::uint32_t mapped_span(const Section& s) { return s.virtual_size ? s.virtual_size : s.raw_size; }

// Bytes copied from the file: never more than the section occupies in memory.
std::uint32_t copied_bytes(const Section& s) {
    return s.virtual_size ? std::min(s.raw_size, s.virtual_size) : s.raw_size;
}

bool fail(std::string* error, const std::string& message) {
    if (error) *error = message;
    return false;
}

constexpr std::uint32_t scn_execute = 0x20000000, scn_write = 0x80000000;
constexpr std::uint32_t scn_code = 0x00000020;

}  // namespace

const char* machine_name(std::uint16_t machine) {
    switch (machine) {
    case machine_i386: return "i386";
    case machine_amd64: return "x86_64";
    default: return nullptr;
    }
}

std::optional<std::string> validate(const Image& img) {
    if (img.machine != machine_i386 && img.machine != machine_amd64)
        return "unsupported machine " + hex(img.machine) + " (the host runs i386 and x86_64 drivers)";
    if ((img.machine == machine_amd64) != img.is_pe32_plus)
        return std::string("machine ") + machine_name(img.machine) + " does not match the optional header (" +
               (img.is_pe32_plus ? "PE32+" : "PE32") + ")";
    if (!power_of_two(img.section_alignment)) return "section alignment " + hex(img.section_alignment) + " is not a power of two";
    if (!power_of_two(img.file_alignment)) return "file alignment " + hex(img.file_alignment) + " is not a power of two";
    if (img.file_alignment > img.section_alignment)
        return "file alignment " + hex(img.file_alignment) + " exceeds section alignment " + hex(img.section_alignment);
    if (img.size_of_image == 0 || img.size_of_image > max_image_size) return "SizeOfImage " + hex(img.size_of_image) + " is out of range";
    if (img.size_of_headers < img.headers_end || img.size_of_headers > img.size_of_image)
        return "SizeOfHeaders " + hex(img.size_of_headers) + " does not cover the headers or exceeds SizeOfImage";
    if (img.sections.empty()) return "the image has no sections";
    std::uint32_t previous_end = 0;
    for (const auto& s : img.sections) {
        const std::string what = "section '" + s.name + "'";
        if (s.virtual_address % img.section_alignment)
            return what + " at " + hex(s.virtual_address) + " is not aligned to " + hex(img.section_alignment);
        if (s.virtual_address < previous_end || s.virtual_address < std::min(img.size_of_headers, img.section_alignment))
            return what + " at " + hex(s.virtual_address) + " overlaps the headers or the previous section";
        const std::uint64_t end = std::uint64_t{s.virtual_address} + mapped_span(s);
        if (end > img.size_of_image) return what + " ends at " + hex(end) + ", beyond SizeOfImage " + hex(img.size_of_image);
        if (copied_bytes(s) && std::uint64_t{s.raw_offset} + copied_bytes(s) > img.bytes.size())
            return what + " raw data lies beyond the end of the file";
        previous_end = static_cast<std::uint32_t>(end);
    }
    static const char* const dir_names[] = {"export", "import", "resource", "exception", nullptr /* certificates: file offsets */,
                                            "base relocation", "debug", "architecture", "global pointer", "TLS", "load config",
                                            "bound import", "import address table", "delay import", "CLR", "reserved"};
    for (unsigned i = 0; i < 16; ++i) {
        const auto& d = img.directories[i];
        if (!dir_names[i] || !d.rva) continue;
        if (std::uint64_t{d.rva} + d.size > img.size_of_image)
            return std::string(dir_names[i]) + " directory " + hex(d.rva) + "+" + hex(d.size) + " lies outside the image";
    }
    if (!img.entry_point_rva) return "the image has no entry point (DriverEntry)";
    bool in_section = false;
    for (const auto& s : img.sections)
        in_section = in_section || (img.entry_point_rva >= s.virtual_address && img.entry_point_rva - s.virtual_address < mapped_span(s));
    if (!in_section) return "entry point " + hex(img.entry_point_rva) + " lies in no section";
    for (const auto& m : img.imports)
        for (const auto& e : m.entries)
            if (std::uint64_t{e.iat_rva} + (img.is_pe32_plus ? 8 : 4) > img.size_of_image || e.iat_rva < img.size_of_headers)
                return "import address table slot " + hex(e.iat_rva) + " of " + m.dll + " lies outside the image";
    return std::nullopt;
}

bool map_image(const Image& img, std::uint8_t* memory, std::size_t size, std::string* error) {
    if (size < img.size_of_image) return fail(error, "mapping buffer smaller than SizeOfImage");
    const std::size_t headers = std::min<std::size_t>({img.size_of_headers, img.bytes.size(), size});
    std::memcpy(memory, img.bytes.data(), headers);
    for (const auto& s : img.sections) {
        const std::uint32_t n = copied_bytes(s);
        if (!n) continue;
        if (std::uint64_t{s.raw_offset} + n > img.bytes.size() || std::uint64_t{s.virtual_address} + n > size)
            return fail(error, "section '" + s.name + "' does not fit (run validate() first)");
        std::memcpy(memory + s.virtual_address, img.bytes.data() + s.raw_offset, n);
    }
    return true;
}

bool parse_relocations(const Image& img, const std::uint8_t* memory, std::size_t size, std::vector<Relocation>* out,
                       std::string* error) {
    out->clear();
    const auto& dir = img.directories[5];
    if (!dir.rva || !dir.size) return true;
    if (std::uint64_t{dir.rva} + dir.size > size) return fail(error, "base relocation directory lies outside the image");
    const std::uint32_t width64 = 8, width32 = 4;
    std::uint32_t pos = 0;
    while (pos < dir.size) {
        if (dir.size - pos < 8) return fail(error, "truncated base relocation block at " + hex(dir.rva + pos));
        std::uint32_t page = 0, block = 0;
        std::memcpy(&page, memory + dir.rva + pos, 4);
        std::memcpy(&block, memory + dir.rva + pos + 4, 4);
        if (block < 8 || block % 2 || block > dir.size - pos)
            return fail(error, "bad base relocation block size " + hex(block) + " at " + hex(dir.rva + pos));
        for (std::uint32_t i = 8; i + 2 <= block; i += 2) {
            std::uint16_t entry = 0;
            std::memcpy(&entry, memory + dir.rva + pos + i, 2);
            const std::uint8_t type = static_cast<std::uint8_t>(entry >> 12);
            const std::uint64_t target = std::uint64_t{page} + (entry & 0xFFF);
            std::uint32_t width = 0;
            switch (type) {
            case 0: continue;   // IMAGE_REL_BASED_ABSOLUTE: padding
            case 1: case 2: width = 2; break;
            case 3: width = width32; break;
            case 10: width = width64; break;
            default:
                return fail(error, "unsupported base relocation type " + std::to_string(type) + " at " + hex(target));
            }
            if (type == 10 && !img.is_pe32_plus) return fail(error, "64-bit base relocation in a 32-bit image at " + hex(target));
            if (target + width > img.size_of_image)
                return fail(error, "base relocation target " + hex(target) + " lies outside the image");
            out->push_back({static_cast<std::uint32_t>(target), type});
        }
        pos += block;
    }
    return true;
}

bool relocate(const Image& img, std::uint8_t* memory, std::size_t size, std::uint64_t new_base, std::string* error) {
    if (new_base == img.image_base) return true;
    if (img.characteristics & 0x0001)
        return fail(error, "the image cannot move from its preferred base " + hex(img.image_base) + ": its relocations were stripped");
    std::vector<Relocation> relocs;
    if (!parse_relocations(img, memory, size, &relocs, error)) return false;
    // No relocation directory without the stripped flag: nothing is position dependent (x86_64
    // code addresses its data RIP-relative), and the image may go anywhere.
    const std::uint64_t delta = new_base - img.image_base;
    for (const auto& r : relocs) {
        std::uint8_t* p = memory + r.rva;
        switch (r.type) {
        case 1: case 2: {
            std::uint16_t v;
            std::memcpy(&v, p, 2);
            v = static_cast<std::uint16_t>(v + (r.type == 1 ? (delta >> 16) : delta));
            std::memcpy(p, &v, 2);
            break;
        }
        case 3: {
            std::uint32_t v;
            std::memcpy(&v, p, 4);
            v = static_cast<std::uint32_t>(v + delta);
            std::memcpy(p, &v, 4);
            break;
        }
        case 10: {
            std::uint64_t v;
            std::memcpy(&v, p, 8);
            v += delta;
            std::memcpy(p, &v, 8);
            break;
        }
        }
    }
    return true;
}

std::string ImportSlot::display() const {
    return module + "!" + (by_ordinal ? "#" + std::to_string(ordinal) : name);
}

std::vector<ImportSlot> import_slots(const Image& img) {
    std::vector<ImportSlot> out;
    for (const auto& m : img.imports)
        for (const auto& e : m.entries)
            out.push_back({m.dll, e.name, e.hint_or_ordinal, e.by_ordinal, e.iat_rva});
    return out;
}

bool bind_imports(const Image& img, std::uint8_t* memory, std::size_t size, const Resolver& resolve,
                  std::vector<Unresolved>* unresolved, std::string* error) {
    const std::size_t width = img.is_pe32_plus ? 8 : 4;
    for (auto& slot : import_slots(img)) {
        if (std::uint64_t{slot.iat_rva} + width > size)
            return fail(error, "import address table slot of " + slot.display() + " lies outside the image");
        Resolution r = resolve(slot);
        if (!r.address) {
            unresolved->push_back({slot, r.missing_reason.empty() ? "not found" : r.missing_reason});
            continue;
        }
        if (width == 8) {
            std::memcpy(memory + slot.iat_rva, &r.address, 8);
        } else {
            auto v = static_cast<std::uint32_t>(r.address);
            std::memcpy(memory + slot.iat_rva, &v, 4);
        }
    }
    return true;
}

std::vector<PageProtection> page_protections(const Image& img) {
    const std::uint32_t pages = (img.size_of_image + loader_page_size - 1) / loader_page_size;
    // Every mapped page is readable: x86 page tables cannot express write- or execute-only pages.
    struct Rights { bool r = true, w = false, x = false, covered = false; };
    std::vector<Rights> rights(pages);
    for (const auto& s : img.sections) {
        const std::uint32_t span = mapped_span(s);
        if (!span) continue;
        const std::uint32_t first = s.virtual_address / loader_page_size;
        const std::uint32_t last = std::min(pages - 1, (s.virtual_address + span - 1) / loader_page_size);
        const bool x = (s.characteristics & (scn_execute | scn_code)) != 0;
        const bool w = (s.characteristics & scn_write) != 0;
        for (std::uint32_t p = first; p <= last; ++p) {
            if (!rights[p].covered) rights[p] = Rights{true, false, false, true};
            rights[p].w = rights[p].w || w;
            rights[p].x = rights[p].x || x;
        }
    }
    std::vector<PageProtection> out;
    for (std::uint32_t p = 0; p < pages; ++p) {
        const auto& r = rights[p];
        if (!out.empty() && out.back().write == r.w && out.back().execute == r.x) {
            out.back().size += loader_page_size;
            continue;
        }
        out.push_back({p * loader_page_size, loader_page_size, r.r, r.w, r.x});
    }
    return out;
}

std::vector<std::uint8_t> stub_code(bool x86_64, std::uint32_t index, std::uint64_t handler) {
    std::vector<std::uint8_t> code;
    auto put = [&](std::uint64_t v, int bytes) {
        for (int i = 0; i < bytes; ++i) code.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    };
    if (x86_64) {
        code.insert(code.end(), {0x48, 0xB9});   // mov rcx, imm64
        put(index, 8);
        code.insert(code.end(), {0x48, 0xB8});   // mov rax, imm64
        put(handler, 8);
        code.insert(code.end(), {0xFF, 0xE0});   // jmp rax
    } else {
        code.push_back(0x68);                    // push imm32
        put(index, 4);
        code.push_back(0xB8);                    // mov eax, imm32
        put(handler, 4);
        code.insert(code.end(), {0xFF, 0xD0});   // call eax
    }
    return code;
}

}  // namespace pe
