// What Windows' loader does to a driver image between relocation and DriverEntry, besides the
// imports (image_setup.cpp): the /GS security cookie and, on x64, the unwind data.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>

#include "pe_image.h"

namespace ntoshost {

// Sets the load config's SecurityCookie when it still holds the linker's default, as Windows'
// loader does; returns (address, new value), or nullopt if the image has no cookie to set.
std::optional<std::pair<std::uint64_t, std::uint64_t>> init_security_cookie(const pe::Image& img, std::uint8_t* base,
                                                                            std::uint64_t seed);
// x64: registers the image's .pdata with ntdll, so exceptions unwind through the driver's frames
// (its __try handlers run) and stack walks find its callers; the system's loader would know the
// table of an image it loaded itself. No-op on i386 (frame-based SEH).
void register_function_table(const pe::Image& img, std::uint8_t* base);

}  // namespace ntoshost
