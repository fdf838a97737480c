#include "options.h"

#include <cstdlib>
#include <cstring>

namespace ntoshost {

const char* const usage_text =
    "usage: ntoshost [options] DRIVER.sys\n"
    "Loads an unmodified kernel driver against the project's ntoskrnl.exe, runs DriverEntry and\n"
    "DriverUnload, and reports its pool use, leaks at unload and bug checks.\n"
    "  --json FILE        also write the report as JSON\n"
    "  --stub-missing     bind imports the project lacks to stubs that stop when called\n"
    "  --wine-fallback    bind ntoskrnl.exe routines the project lacks to Wine's builtin ntoskrnl.exe\n"
    "  --verifier         special pool checks (NTOSKRNL_VERIFIER=1 for the module) and a\n"
    "                     DRIVER_VERIFIER_DETECTED_VIOLATION (0xC4/0x62) bug check on leaks at unload\n"
    "  --keep N           keep the driver loaded N seconds before unloading it\n"
    "  --param [Sub\\]Name=Value   registry value under the service key (Value dword:N for REG_DWORD)\n"
    "  --seed N           fixed random seed (the load address)\n"
    "  --base ADDR        load the image at ADDR (hex) instead of a seeded random address\n"
    "  --imports-only     load and bind, report the imports, do not run the driver\n"
    "  --kernel-dll       run the image as a kernel-mode DLL another driver imports: DllInitialize\n"
    "                     and DllUnload instead of DriverEntry (default: as a service, like Windows)\n"
    "  --debug-filter COMPONENT=MASK   Debug Print Filter value (DEFAULT, IHVDRIVER, WIN2000...) for the run\n"
    "  --debug-echo       also write each DbgPrint message that passes the filter to stderr as it is sent\n"
    "  -v                 also show the event stream (every allocation and free) on stderr\n"
    "  -q                 no text report (exit status and --json only)\n";

namespace {
bool parse_u64(const char* s, int base, std::uint64_t* out) {
    if (!s || !*s) return false;
    char* end = nullptr;
    *out = std::strtoull(s, &end, base);
    return *end == '\0';
}
}  // namespace

bool parse_options(int argc, char** argv, Options* o, std::string* error) {
    auto need = [&](int& i) -> const char* {
        if (i + 1 >= argc) {
            *error = std::string(argv[i]) + " needs a value";
            return nullptr;
        }
        return argv[++i];
    };
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        std::uint64_t n = 0;
        if (a == "--child") o->child = true;
        else if (a == "--stub-missing") o->stub_missing = true;
        else if (a == "--wine-fallback") o->wine_fallback = true;
        else if (a == "--verifier") o->verifier = true;
        else if (a == "--imports-only") o->imports_only = true;
        else if (a == "--kernel-dll") o->kernel_dll = true;
        else if (a == "--debug-echo") o->debug_echo = true;
        else if (a == "-v") o->verbose = 1;
        else if (a == "-q") o->quiet = true;
        else if (a == "--json") {
            const char* v = need(i);
            if (!v) return false;
            o->json_path = v;
        } else if (a == "--keep") {
            const char* v = need(i);
            if (!v || !parse_u64(v, 10, &n) || n > 86400) return *error = "--keep needs a number of seconds", false;
            o->keep_seconds = static_cast<unsigned>(n);
        } else if (a == "--seed") {
            const char* v = need(i);
            if (!v || !parse_u64(v, 0, &n)) return *error = "--seed needs a number", false;
            o->seed = n;
        } else if (a == "--base") {
            const char* v = need(i);
            if (!v || !parse_u64(v, 16, &n) || !n || (n & 0xFFFF)) return *error = "--base needs a 64 KiB aligned hex address", false;
            o->base = n;
        } else if (a == "--param") {
            const char* v = need(i);
            if (!v) return false;
            std::string s = v;
            auto eq = s.find('=');
            if (eq == std::string::npos || eq == 0) return *error = "--param needs [Subkey\\]Name=Value", false;
            RegistryParam p;
            std::string key = s.substr(0, eq), value = s.substr(eq + 1);
            auto slash = key.rfind('\\');
            if (slash != std::string::npos) p.subkey = key.substr(0, slash), key = key.substr(slash + 1);
            p.name = key;
            if (value.rfind("dword:", 0) == 0) {
                if (!parse_u64(value.c_str() + 6, 0, &n) || n > 0xFFFFFFFFu) return *error = "--param " + s + ": bad dword", false;
                p.dword = true;
                p.dword_value = static_cast<std::uint32_t>(n);
            } else {
                p.string_value = value;
            }
            o->params.push_back(p);
        } else if (a == "--debug-filter") {
            const char* v = need(i);
            if (!v) return false;
            std::string s = v;
            auto eq = s.find('=');
            if (eq == std::string::npos || eq == 0 || !parse_u64(s.c_str() + eq + 1, 0, &n) || n > 0xFFFFFFFFu)
                return *error = "--debug-filter needs COMPONENT=MASK (e.g. DEFAULT=0xF)", false;
            o->debug_filters.emplace_back(s.substr(0, eq), static_cast<std::uint32_t>(n));
        } else if (a == "-h" || a == "--help") {
            *error = "";
            return false;
        } else if (!a.empty() && a[0] == '-') {
            return *error = "unknown option " + a, false;
        } else if (o->driver.empty()) {
            o->driver = a;
        } else {
            return *error = "more than one driver given: " + a, false;
        }
    }
    if (o->driver.empty()) return *error = "no driver given", false;
    std::string base = o->driver.substr(o->driver.find_last_of("\\/:") + 1);
    o->service = base.substr(0, base.find_last_of('.'));
    if (o->service.empty()) o->service = base;
    return true;
}

}  // namespace ntoshost
