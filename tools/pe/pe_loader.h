// The portable half of loading a driver image the way the kernel does: validation, mapping into a
// caller-supplied buffer, base relocation, import binding and section protections. Nothing here
// touches the operating system, so the Linux unit tests and the fuzzer drive every path with
// crafted images; the driver host (tools/ntoshost) does the VirtualAlloc/VirtualProtect around it.
// Every check fails with a message naming what is wrong, never with a crash.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "pe_image.h"

namespace pe {

inline constexpr std::uint16_t machine_i386 = 0x14c;
inline constexpr std::uint16_t machine_amd64 = 0x8664;
inline constexpr std::uint32_t loader_page_size = 0x1000;
// No driver comes near this; a bigger SizeOfImage is a corrupt header, not something to allocate.
inline constexpr std::uint32_t max_image_size = 256u << 20;

// "i386", "x86_64" or nullptr for another machine.
const char* machine_name(std::uint16_t machine);

// Checks that the image can be mapped and run: a known machine matching the optional header's
// magic, sane alignments and sizes, every section inside SizeOfImage and in ascending,
// non-overlapping order, directories inside the image, an entry point in a section. Section
// alignments below the page size are accepted (old drivers use 0x20..0x200). Returns the first
// problem, or nullopt.
std::optional<std::string> validate(const Image& image);

// Copies the headers and each section's raw data to its RVA in `memory` (SizeOfImage bytes,
// already zero-filled: the tail of a section beyond its raw data stays zero).
bool map_image(const Image& image, std::uint8_t* memory, std::size_t size, std::string* error);

struct Relocation {
    std::uint32_t rva;
    std::uint8_t type;   // IMAGE_REL_BASED_*: 1 HIGH, 2 LOW, 3 HIGHLOW, 10 DIR64
};
// Reads the base relocation directory from the mapped image. ABSOLUTE (padding) entries are
// dropped; an unknown type, a block that is too short or overruns the directory, or a target
// outside the image is an error.
bool parse_relocations(const Image& image, const std::uint8_t* memory, std::size_t size,
                       std::vector<Relocation>* out, std::string* error);
// Moves the mapped image from its preferred base to `new_base`.
bool relocate(const Image& image, std::uint8_t* memory, std::size_t size, std::uint64_t new_base,
              std::string* error);

// ---- Imports ----
struct ImportSlot {
    std::string module;      // as the image names it, e.g. "ntoskrnl.exe"
    std::string name;        // empty when imported by ordinal
    std::uint16_t ordinal = 0;
    bool by_ordinal = false;
    std::uint32_t iat_rva = 0;
    // "ntoskrnl.exe!ExAllocatePoolWithTag", "foo.sys!#12"
    std::string display() const;
};
std::vector<ImportSlot> import_slots(const Image& image);

// What a resolver answers for one import: its address, or why it has none.
struct Resolution {
    std::uint64_t address = 0;
    std::string missing_reason;   // set when address == 0, e.g. "module not found"
};
using Resolver = std::function<Resolution(const ImportSlot&)>;

struct Unresolved {
    ImportSlot slot;
    std::string reason;
};
// Resolves every import and writes the addresses into the mapped image's IAT (pointer-sized
// slots). Unresolvable ones are collected, their slots left as they are. Returns false (with
// *error) only when a slot lies outside the image.
bool bind_imports(const Image& image, std::uint8_t* memory, std::size_t size, const Resolver& resolve,
                  std::vector<Unresolved>* unresolved, std::string* error);

// ---- Protections ----
struct PageProtection {
    std::uint32_t rva;   // page aligned
    std::uint32_t size;  // multiple of the page size
    bool read, write, execute;
};
// The protections the sections ask for, per page: pages shared by several sections (section
// alignment below the page size) get the union of their rights; headers and gaps are read-only.
// Adjacent pages with the same rights are merged.
std::vector<PageProtection> page_protections(const Image& image);

// ---- Stubs for imports that cannot be bound ----
// Machine code of a stub that calls handler(index) (cdecl, never returns): x86_64
//   mov rcx, index; mov rax, handler; jmp rax
// i386
//   push index; mov eax, handler; call eax
std::vector<std::uint8_t> stub_code(bool x86_64, std::uint32_t index, std::uint64_t handler);

}  // namespace pe
