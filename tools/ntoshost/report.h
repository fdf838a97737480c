// The driver host's account of one run, in portable C++ (unit-tested natively): what the child's
// event stream (events.h) and the module's STOP line say happened, and the exit status. The
// report is split by concern: report_events.cpp builds it from the stream, pool_tracker.h counts
// the pool, report_text.cpp and report_json.cpp write it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events.h"
#include "kernel_objects.h"
#include "pool_tracker.h"

namespace ntoshost {

inline constexpr std::string_view event_prefix = events::prefix;

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

// An export driver the image imports, loaded by the host as Windows' loader loads one.
struct DependentModule {
    std::string name;
    std::string path;
    std::uint64_t base = 0, size = 0;
    bool has_initialize = false;
    std::optional<std::int32_t> initialize_status;   // DllInitialize's, once it returned
    std::optional<bool> unload_called;               // known once the host unloaded it
    PoolTracker pool;                                // its own pool use (the routines called from its image)
    // Unloaded (DllUnload returned): what it still holds is leaked.
    bool unloaded() const { return unload_called && *unload_called; }
};

// Where an exception the driver did not handle happened, and the callers a stack walk found.
struct Crash {
    std::uint32_t code = 0;
    std::uint64_t address = 0;
    std::string where;                                         // "driver.sys+0x1234" or ""
    std::vector<std::pair<std::uint64_t, std::string>> frames;   // innermost first
};

struct Report {
    std::string driver;
    std::string arch;
    std::optional<std::string> load_error;
    std::vector<std::pair<std::string, std::string>> imports;   // (module!name, what it is bound to)
    std::vector<std::string> unresolved_imports;   // "module!name (reason)"
    bool refused = false;                          // unresolved imports and no --stub-missing
    std::uint64_t image_base = 0, image_size = 0, entry_point = 0;
    std::vector<DependentModule> modules;          // imported export drivers, in load order
    DependentModule* module_named(const std::string& name);
    std::optional<std::pair<std::uint64_t, std::uint64_t>> security_cookie;   // (address, value set)
    std::optional<std::int32_t> entry_status;
    std::optional<bool> has_unload;                // known once DriverEntry returned
    // A kernel-mode DLL (--kernel-dll): started through DllInitialize (if exported) instead of
    // its entry point, unloaded through DllUnload; entry_status is DllInitialize's.
    bool kernel_dll = false;
    bool has_dll_initialize = false;
    bool unloaded = false;                         // DriverUnload was called and returned
    unsigned kept_seconds = 0;                     // --keep: how long the driver stayed loaded first
    std::optional<BugCheck> bugcheck;
    std::optional<Crash> crash;
    bool fast_fail = false;                        // the bug check is a fast fail seen only as the child's exit status
    std::optional<std::string> unimplemented_called;
    std::vector<std::string> debug_output;         // DbgPrint messages, in order
    std::optional<int> child_exit;                 // the child's exit status, if it ended
    std::string service_key;                       // the service key the host created (and removed), or ""
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
    void apply(const events::Event& event);
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
