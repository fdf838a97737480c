// Driver Verifier's settings as Windows keeps them: two values under
// HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\Memory Management, written by
// verifier.exe (Microsoft, "Driver Verifier command syntax"; "Using Driver Verifier"):
//   VerifyDrivers      REG_SZ     image names separated by spaces, or "*" for every driver;
//   VerifyDriverLevel  REG_DWORD  the option bits (/flags). Absent: the standard options.
// Read when a driver image is loaded (vf/driver_verifier.h); the parsing is portable and unit-tested.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace vf {

// The option bits of VerifyDriverLevel / verifier /flags (verifier /querysettings lists them;
// Microsoft, "Driver Verifier options and rule classes").
namespace option {
inline constexpr std::uint32_t special_pool = 0x00000001;
inline constexpr std::uint32_t force_irql_checking = 0x00000002;
inline constexpr std::uint32_t low_resources_simulation = 0x00000004;
inline constexpr std::uint32_t pool_tracking = 0x00000008;
inline constexpr std::uint32_t io_verification = 0x00000010;
inline constexpr std::uint32_t deadlock_detection = 0x00000020;
inline constexpr std::uint32_t dma_checking = 0x00000080;
inline constexpr std::uint32_t security_checks = 0x00000100;
inline constexpr std::uint32_t force_pending_io = 0x00000200;
inline constexpr std::uint32_t irp_logging = 0x00000400;
inline constexpr std::uint32_t miscellaneous_checks = 0x00000800;
inline constexpr std::uint32_t ddi_compliance = 0x00020000;
// verifier /standard: special pool, IRQL, pool tracking, I/O, deadlock, DMA, security,
// miscellaneous, DDI compliance (the "Standard Flags" verifier /querysettings marks).
inline constexpr std::uint32_t standard = 0x000209BB;
// What the module implements: special pool for the driver's allocations, the IRQL rules of the
// pool and spin-lock routines it calls, pool tracking with the leak check at unload.
inline constexpr std::uint32_t supported = special_pool | force_irql_checking | pool_tracking;
}  // namespace option

// The name Windows' verifier shows for one option bit, or nullptr for a bit it does not define.
const char* option_name(std::uint32_t bit);

struct Settings {
    static constexpr std::size_t max_drivers = 32;
    static constexpr std::size_t max_name = 64;
    bool all = false;               // "*"
    std::size_t count = 0;          // names[0..count)
    char16_t names[max_drivers][max_name] = {};
    std::uint32_t level = option::standard;
    bool any() const { return all || count; }
};

// VerifyDrivers as verifier.exe writes it (names separated by spaces or tabs; "*" alone is every
// driver; names longer than max_name or beyond max_drivers are dropped). `level` is the
// VerifyDriverLevel value, or nullopt-like `has_level == false` for the standard options.
Settings parse_settings(std::u16string_view verify_drivers, bool has_level, std::uint32_t level);

// Whether the image (its base name, e.g. u"leaky.sys", any case) is verified.
bool applies(const Settings& settings, std::u16string_view image_base_name);

}  // namespace vf
