#include "image_setup.h"

#include <windows.h>

#include <cstring>

namespace ntoshost {

// The linker's default /GS cookies (MSVC's gs_support.c DEFAULT_SECURITY_COOKIE): 0xBB40E64E on
// x86, 0x00002B992DDFA232 on x64. GsDriverEntry refuses to run with the default (it fast-fails),
// since the loader is meant to have replaced it. Windows' loader sets a random value that is not
// the default and, on x64, has the top 16 bits clear (so a cookie is never a valid kernel
// pointer); the layout of IMAGE_LOAD_CONFIG_DIRECTORY32/64 puts SecurityCookie at 0x3C / 0x58
// (winnt.h).
std::optional<std::pair<std::uint64_t, std::uint64_t>> init_security_cookie(const pe::Image& img, std::uint8_t* base,
                                                                            std::uint64_t seed) {
    const auto& dir = img.directories[10];   // IMAGE_DIRECTORY_ENTRY_LOAD_CONFIG
    const bool x64 = img.is_pe32_plus;
    const std::uint32_t cookie_field = x64 ? 0x58 : 0x3C, field_size = x64 ? 8 : 4;
    if (!dir.rva || dir.rva >= img.size_of_image || img.size_of_image - dir.rva < cookie_field + field_size) return std::nullopt;
    std::uint32_t struct_size = 0;
    std::memcpy(&struct_size, base + dir.rva, 4);
    if (struct_size < cookie_field + field_size) return std::nullopt;   // an old load config without the field
    std::uint64_t va = 0;
    std::memcpy(&va, base + dir.rva + cookie_field, field_size);
    const std::uint64_t image = reinterpret_cast<std::uintptr_t>(base);
    if (!va || va < image || va - image > img.size_of_image - field_size) return std::nullopt;
    std::uint8_t* cookie = base + (va - image);
    std::uint64_t value = 0;
    std::memcpy(&value, cookie, field_size);
    const std::uint64_t default_cookie = x64 ? 0x00002B992DDFA232ull : 0xBB40E64Eull;
    if (value != default_cookie && value != 0) return std::nullopt;   // already set: left alone
    // Derived from the run's seed, so a seeded run is repeatable; mixed with the address so that
    // two images of one run differ.
    std::uint64_t x = (seed ^ va) * 0x9E3779B97F4A7C15ull + 0xD1B54A32D192ED03ull;
    x ^= x >> 31, x *= 0xBF58476D1CE4E5B9ull, x ^= x >> 29;
    std::uint64_t fresh = x64 ? (x & 0x0000FFFFFFFFFFFFull) : (x & 0xFFFFFFFFull);
    if (fresh == default_cookie || fresh == 0) fresh ^= 0x5A5A;
    std::memcpy(cookie, &fresh, field_size);
    return std::make_pair(va, fresh);
}

void register_function_table(const pe::Image& img, std::uint8_t* base) {
#if defined(__x86_64__)
    const auto& dir = img.directories[3];   // IMAGE_DIRECTORY_ENTRY_EXCEPTION
    if (!dir.rva || dir.size < sizeof(RUNTIME_FUNCTION) || dir.rva >= img.size_of_image || img.size_of_image - dir.rva < dir.size)
        return;
    RtlAddFunctionTable(reinterpret_cast<PRUNTIME_FUNCTION>(base + dir.rva), dir.size / sizeof(RUNTIME_FUNCTION),
                        reinterpret_cast<DWORD64>(base));
#else
    (void)img, (void)base;
#endif
}

}  // namespace ntoshost
