// The driver host's account of one run, in portable C++ (unit-tested natively): the pool tracker
// that sees every allocation and free of the driver, the event lines the child process streams to
// the parent, the STOP line of a bug check, and the text and JSON reports with the exit status.
//
// Why a stream of events: a bug check ends the process that runs the driver at once, so the
// process that writes the report (the parent ntoshost.exe) is another one. The child writes one
// line per event on its stdout, before the call that could stop the system:
//   #ntoshost image <base-hex> <size-hex> <entry-hex>
//   #ntoshost import <module>!<name> <bound-to>
//   #ntoshost unresolved <module>!<name> <reason...>
//   #ntoshost refused
//   #ntoshost alloc <addr-hex> <tag-hex> <pool-type-hex> <paged 0|1> <bytes> <routine>
//   #ntoshost free <addr-hex> <tag-hex> <routine>
//   #ntoshost lookaside <addr-hex> <NPaged|Paged|Ex> <tag-hex> <size> <pool-type-hex> <status-hex>
//   #ntoshost lookaside-delete <addr-hex> [<total-allocates> <allocate-misses> <total-frees> <free-misses>]
//   #ntoshost zone <addr-hex> <block-size> <segment-hex> <segment-size> <status-hex>
//   #ntoshost zone-extend <addr-hex> <segment-hex> <segment-size> <status-hex>
//   #ntoshost lookaside-snapshot
//   #ntoshost lookaside-info <depth> <max-depth> <allocates> <allocate-misses> <frees> <free-misses> <type-hex> <tag-hex> <size>
//   #ntoshost entry <status-hex>
//   #ntoshost unload <0|1: the driver has an unload routine>
//   #ntoshost unloaded
//   #ntoshost unimplemented <module>!<name>
//   #ntoshost load-error <message...>
// and the module's own "*** STOP: ..." line arrives on stderr (ntoskrnl/ke/bugcheck.h).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kernel_objects.h"

namespace ntoshost {

inline constexpr std::string_view event_prefix = "#ntoshost ";

// Exit statuses of ntoshost (besides 0 and a bug check code). Chosen away from the bug check
// codes a memory or pool fault produces; the report always says which case it was.
namespace exit_code {
inline constexpr int clean = 0;
inline constexpr int usage = 2;
inline constexpr int load_failure = 0x70;          // 112: malformed image, mapping or relocation failed
inline constexpr int unresolved_imports = 0x71;    // 113: refused to run with unbound imports
inline constexpr int entry_failure = 0x72;         // 114: DriverEntry returned an error status
inline constexpr int leaks = 0x73;                 // 115: allocations or lookaside lists still live after DriverUnload
inline constexpr int unimplemented_called = 0x74;  // 116: the driver called a --stub-missing stub
inline constexpr int host_failure = 0x75;          // 117: the host itself failed (child did not run)
}  // namespace exit_code

struct TagKey {
    std::uint32_t tag;
    bool paged;
    auto operator<=>(const TagKey&) const = default;
};

struct TagStats {
    std::uint64_t allocs = 0;
    std::uint64_t frees = 0;
    std::int64_t bytes_live = 0;
};

struct LiveBlock {
    std::uint32_t tag;
    bool paged;
    std::uint32_t pool_type;
    std::uint64_t bytes;
    std::string routine;
};

struct Leak {
    std::uint32_t tag;
    bool paged;
    std::uint64_t count = 0;
    std::uint64_t bytes = 0;
    std::vector<std::uint64_t> first_addresses;   // the lowest few, for the report
};

// Driver Verifier's pool tracking, for one driver: every allocation it made through the pool
// routines the host interposes, and every free.
class PoolTracker {
public:
    void allocated(std::uint64_t address, std::uint32_t tag, bool paged, std::uint32_t pool_type, std::uint64_t bytes,
                   const std::string& routine);
    // Returns false when the address is not a live block of this driver (double free, or memory
    // another component allocated); the module decides whether that stops the system.
    bool freed(std::uint64_t address, std::uint32_t tag_passed, const std::string& routine);

    const std::map<TagKey, TagStats>& tags() const { return tags_; }
    const std::map<std::uint64_t, LiveBlock>& live() const { return live_; }
    std::vector<Leak> leaks(std::size_t addresses_per_tag = 4) const;
    // Frees the driver made of addresses it did not own at that moment, as "routine(0x...)".
    const std::vector<std::string>& foreign_frees() const { return foreign_frees_; }

private:
    std::map<TagKey, TagStats> tags_;
    std::map<std::uint64_t, LiveBlock> live_;
    std::vector<std::string> foreign_frees_;
};

struct BugCheck {
    std::uint32_t code = 0;
    std::string name;
    std::uint64_t params[4] = {};
};
// Parses "*** STOP: 0x000000C2 (0x...,0x...,0x...,0x...) NAME"; nullopt for any other line.
std::optional<BugCheck> parse_stop_line(std::string_view line);

// One row of the system's lookaside lists as ZwQuerySystemInformation(SystemLookasideInformation)
// returns them (what poolmon's lookaside view and the debugger's !lookaside show).
struct LookasideSnapshotRow {
    std::uint32_t depth = 0, max_depth = 0;
    std::uint64_t allocates = 0, allocate_misses = 0, frees = 0, free_misses = 0;
    std::uint32_t pool_type = 0, tag = 0, size = 0;
};

struct Report {
    std::string driver;
    std::string arch;
    std::optional<std::string> load_error;
    std::vector<std::pair<std::string, std::string>> imports;   // (module!name, what it is bound to)
    std::vector<std::string> unresolved_imports;   // "module!name (reason)"
    bool refused = false;                          // unresolved imports and no --stub-missing
    std::uint64_t image_base = 0, image_size = 0, entry_point = 0;
    std::optional<std::int32_t> entry_status;
    std::optional<bool> has_unload;                // known once DriverEntry returned
    // A kernel-mode DLL (IMAGE_FILE_DLL): started through DllInitialize (if exported) instead of
    // its entry point, unloaded through DllUnload; entry_status is DllInitialize's.
    bool kernel_dll = false;
    bool has_dll_initialize = false;
    bool unloaded = false;                         // DriverUnload was called and returned
    unsigned kept_seconds = 0;                     // --keep: how long the driver stayed loaded first
    std::optional<BugCheck> bugcheck;
    std::optional<std::string> unimplemented_called;
    std::optional<int> child_exit;                 // the child's exit status, if it ended
    std::uint64_t seed = 0;
    bool verifier = false;
    bool imports_only = false;
    PoolTracker pool;
    KernelObjects objects;   // lookaside lists and zones
    // Every registered lookaside list once the driver has run (after --keep), before DriverUnload:
    // their Depth is what the module's tuner made of the driver's workload.
    std::optional<std::vector<LookasideSnapshotRow>> lookaside_snapshot;

    // Feeds one line of the child's output. Returns true if it was an event or a STOP line.
    bool consume_line(std::string_view line);
    // The image is gone: DriverUnload returned, or DriverEntry failed (Windows then unloads the
    // image without calling DriverUnload). What the driver still holds then is leaked.
    bool image_unloaded() const { return unloaded || (entry_status && *entry_status < 0); }
    int exit_status() const;
};

// Tag as poolmon prints it: four characters, non-printable ones as '.'; the PROTECTED_POOL
// bit is not part of the name.
std::string tag_text(std::uint32_t tag);
std::string format_text(const Report& report);
std::string format_json(const Report& report);

}  // namespace ntoshost
