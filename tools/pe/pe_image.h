// A bounds-checked reader of PE images on disk: headers, sections, the export table and the
// import table. Every read is checked against the file size, so malformed or truncated images
// give an error message, never a crash. Used by the ABI tests, the driver host and pe-craft.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pe {

struct Section {
    std::string name;
    std::uint32_t virtual_address = 0;
    std::uint32_t virtual_size = 0;
    std::uint32_t raw_offset = 0;
    std::uint32_t raw_size = 0;
    std::uint32_t characteristics = 0;
};

struct ExportEntry {
    std::string name;              // empty for ordinal-only exports
    std::uint32_t ordinal = 0;     // biased (Base added)
    std::uint32_t rva = 0;
    std::string forwarder;         // "DLL.Name" if the export forwards
};

struct ImportEntry {
    std::string name;              // empty when imported by ordinal
    std::uint16_t hint_or_ordinal = 0;
    bool by_ordinal = false;
    std::uint32_t iat_rva = 0;     // the import address table slot the loader writes
};

struct ImportedModule {
    std::string dll;
    std::vector<ImportEntry> entries;
};

struct Image {
    std::uint16_t machine = 0;         // 0x14c i386, 0x8664 x86_64
    bool is_pe32_plus = false;
    bool is_dll = false;
    std::uint16_t subsystem = 0;
    std::uint64_t image_base = 0;
    std::uint32_t size_of_image = 0;
    std::uint32_t section_alignment = 0;
    std::uint32_t entry_point_rva = 0;
    std::uint32_t file_alignment = 0;
    std::uint32_t size_of_headers = 0;
    std::uint16_t characteristics = 0;     // COFF: 0x0001 relocations stripped, 0x2000 DLL
    std::uint16_t dll_characteristics = 0;
    std::uint32_t checksum = 0;
    std::uint32_t headers_end = 0;         // file offset just past the section table
    // Data directories (IMAGE_DIRECTORY_ENTRY_*): 0 export, 1 import, 5 base relocation, 12 IAT.
    struct Directory {
        std::uint32_t rva = 0;
        std::uint32_t size = 0;
    };
    Directory directories[16];
    std::vector<Section> sections;
    std::string export_dll_name;
    std::vector<ExportEntry> exports;
    std::vector<ImportedModule> imports;
    std::vector<std::uint8_t> bytes;   // the file

    // File offset of an RVA, if it lies in the headers or in a section's raw data.
    std::optional<std::uint32_t> rva_to_offset(std::uint32_t rva) const;
};

// Parses a PE file. On failure returns nullopt and sets *error.
std::optional<Image> parse(std::vector<std::uint8_t> bytes, std::string* error);
std::optional<Image> load(const std::string& path, std::string* error);

}  // namespace pe
