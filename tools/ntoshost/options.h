// Command line of ntoshost.exe (and, unchanged, of the Linux front-end tools/ntoshost.sh).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ntoshost {

struct RegistryParam {
    std::string subkey;   // below the service key; empty for the key itself
    std::string name;
    bool dword = false;
    std::uint32_t dword_value = 0;
    std::string string_value;
};

struct Options {
    std::string driver;                 // path of the .sys (Windows path under Wine)
    std::string service;                // service name: the file name without extension
    std::string json_path;              // --json FILE
    bool child = false;                 // internal: this process runs the driver
    bool stub_missing = false;          // --stub-missing
    bool wine_fallback = false;         // --wine-fallback
    bool verifier = false;              // --verifier
    bool imports_only = false;          // --imports-only: load, bind, report, do not run
    bool debug_echo = false;            // --debug-echo: DbgPrint messages to stderr as they are sent
    bool kernel_dll = false;            // --kernel-dll: run the image as an imported export driver would be
    unsigned keep_seconds = 0;          // --keep N
    std::optional<std::uint64_t> seed;  // --seed N
    std::optional<std::uint64_t> base;  // --base ADDR
    std::vector<RegistryParam> params;  // --param [Subkey\]Name=Value | Name=dword:N
    // --debug-filter COMPONENT=MASK: Debug Print Filter values set for the run (restored after).
    std::vector<std::pair<std::string, std::uint32_t>> debug_filters;
    int verbose = 0;                    // -v
    bool quiet = false;                 // -q: no text report
};

// Parses argv[1..]; on error returns false with *error set.
bool parse_options(int argc, char** argv, Options* out, std::string* error);
extern const char* const usage_text;

}  // namespace ntoshost
