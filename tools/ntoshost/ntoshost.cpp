// ntoshost.exe: the driver host. The parent process (this one) writes the service's registry
// values, runs the driver in a child process (the same program with --child), reads the child's
// event lines and the module's STOP line from one pipe, and writes the report. A bug check ends
// only the child, so the report still covers everything up to it.
#include <windows.h>

#include <cstdio>
#include <string>
#include <vector>

#include "child.h"
#include "options.h"
#include "report.h"

namespace ntoshost {
namespace {

std::wstring widen(const std::string& s) {
    std::wstring w(s.size() + 1, L'\0');
    int n = MultiByteToWideChar(CP_UTF8, 0, s.c_str(), -1, w.data(), static_cast<int>(w.size()));
    w.resize(n > 0 ? n - 1 : 0);
    return w;
}

// The service key the service control manager would have made for the driver before starting
// it (what `sc create NAME type= kernel start= demand binPath= PATH` writes): ImagePath, Type 1
// (SERVICE_KERNEL_DRIVER), Start 3 (SERVICE_DEMAND_START), ErrorControl 1 (SERVICE_ERROR_NORMAL),
// DisplayName. Only if it does not exist yet; returns the key's path below HKLM if the host made
// it (and so removes it after the run), else "".
std::string create_service_key(const Options& o, std::string* error) {
    const std::string key = "System\\CurrentControlSet\\Services\\" + o.service;
    HKEY h;
    DWORD disposition = 0;
    if (RegCreateKeyExA(HKEY_LOCAL_MACHINE, key.c_str(), 0, nullptr, 0, KEY_SET_VALUE, nullptr, &h, &disposition) != ERROR_SUCCESS) {
        *error = "cannot create HKLM\\" + key;
        return "";
    }
    if (disposition != REG_CREATED_NEW_KEY) {
        RegCloseKey(h);
        return "";
    }
    char full[MAX_PATH];
    const DWORD n = GetFullPathNameA(o.driver.c_str(), sizeof(full), full, nullptr);
    const std::string image_path = "\\??\\" + (n && n < sizeof(full) ? std::string(full, n) : o.driver);
    auto dword = [&](const char* name, DWORD v) { RegSetValueExA(h, name, 0, REG_DWORD, reinterpret_cast<const BYTE*>(&v), 4); };
    auto string = [&](const char* name, DWORD type, const std::string& v) {
        RegSetValueExA(h, name, 0, type, reinterpret_cast<const BYTE*>(v.c_str()), static_cast<DWORD>(v.size() + 1));
    };
    string("ImagePath", REG_EXPAND_SZ, image_path);
    dword("Type", 1);
    dword("Start", 3);
    dword("ErrorControl", 1);
    string("DisplayName", REG_SZ, o.service);
    RegCloseKey(h);
    return key;
}

// Writes --param values under HKLM\System\CurrentControlSet\Services\<service>, where the driver's
// RegistryPath points.
bool write_params(const Options& o, std::string* error) {
    for (const auto& p : o.params) {
        std::string key = "System\\CurrentControlSet\\Services\\" + o.service + (p.subkey.empty() ? "" : "\\" + p.subkey);
        HKEY h;
        LONG rc = RegCreateKeyExA(HKEY_LOCAL_MACHINE, key.c_str(), 0, nullptr, 0, KEY_SET_VALUE, nullptr, &h, nullptr);
        if (rc != ERROR_SUCCESS) return *error = "cannot create HKLM\\" + key, false;
        if (p.dword)
            rc = RegSetValueExA(h, p.name.c_str(), 0, REG_DWORD, reinterpret_cast<const BYTE*>(&p.dword_value), 4);
        else
            rc = RegSetValueExA(h, p.name.c_str(), 0, REG_SZ, reinterpret_cast<const BYTE*>(p.string_value.c_str()),
                                static_cast<DWORD>(p.string_value.size() + 1));
        RegCloseKey(h);
        if (rc != ERROR_SUCCESS) return *error = "cannot set HKLM\\" + key + "\\" + p.name, false;
    }
    return true;
}

// --debug-filter: the Debug Print Filter values the module reads (kd/debug_print.h), set for the
// run; what was there before is put back afterwards.
constexpr const char* debug_print_filter_key = "System\\CurrentControlSet\\Control\\Session Manager\\Debug Print Filter";
struct SavedFilter {
    std::string name;
    bool existed = false;
    DWORD value = 0;
};

bool set_debug_filters(const Options& o, std::vector<SavedFilter>* saved, std::string* error) {
    if (o.debug_filters.empty()) return true;
    HKEY h;
    if (RegCreateKeyExA(HKEY_LOCAL_MACHINE, debug_print_filter_key, 0, nullptr, 0, KEY_QUERY_VALUE | KEY_SET_VALUE, nullptr, &h,
                        nullptr) != ERROR_SUCCESS)
        return *error = std::string("cannot create HKLM\\") + debug_print_filter_key, false;
    for (const auto& [name, mask] : o.debug_filters) {
        SavedFilter f;
        f.name = name;
        DWORD type = 0, size = sizeof(f.value);
        f.existed = RegQueryValueExA(h, name.c_str(), nullptr, &type, reinterpret_cast<BYTE*>(&f.value), &size) == ERROR_SUCCESS &&
                    type == REG_DWORD;
        saved->push_back(f);
        const DWORD v = mask;
        if (RegSetValueExA(h, name.c_str(), 0, REG_DWORD, reinterpret_cast<const BYTE*>(&v), sizeof(v)) != ERROR_SUCCESS) {
            RegCloseKey(h);
            return *error = "cannot set the Debug Print Filter value " + name, false;
        }
    }
    RegCloseKey(h);
    return true;
}

void restore_debug_filters(const std::vector<SavedFilter>& saved) {
    HKEY h;
    if (saved.empty() || RegOpenKeyExA(HKEY_LOCAL_MACHINE, debug_print_filter_key, 0, KEY_SET_VALUE, &h) != ERROR_SUCCESS) return;
    for (const auto& f : saved)
        if (f.existed)
            RegSetValueExA(h, f.name.c_str(), 0, REG_DWORD, reinterpret_cast<const BYTE*>(&f.value), sizeof(f.value));
        else
            RegDeleteValueA(h, f.name.c_str());
    RegCloseKey(h);
}

int run_parent(const Options& o) {
    Report report;
    report.driver = o.driver;
    report.arch = sizeof(void*) == 8 ? "x86_64" : "i386";
    report.verifier = o.verifier;
    report.imports_only = o.imports_only;
    std::string err;
    report.service_key = create_service_key(o, &err);
    if (!err.empty()) {
        std::fprintf(stderr, "ntoshost: %s\n", err.c_str());
        return exit_code::host_failure;
    }
    if (!write_params(o, &err)) {
        std::fprintf(stderr, "ntoshost: %s\n", err.c_str());
        return exit_code::host_failure;
    }
    std::vector<SavedFilter> saved_filters;
    if (!set_debug_filters(o, &saved_filters, &err)) {
        restore_debug_filters(saved_filters);
        std::fprintf(stderr, "ntoshost: %s\n", err.c_str());
        return exit_code::host_failure;
    }
    std::string seed_arg;
    if (!o.seed) {
        // No seed given: draw one, and report it so the run can be repeated.
        report.seed = (static_cast<std::uint64_t>(GetTickCount()) << 16) ^ GetCurrentProcessId();
        seed_arg = " --seed " + std::to_string(report.seed);
    } else {
        report.seed = *o.seed;
    }

    SECURITY_ATTRIBUTES sa = {sizeof(sa), nullptr, TRUE};
    HANDLE rd, wr;
    if (!CreatePipe(&rd, &wr, &sa, 0)) return exit_code::host_failure;
    SetHandleInformation(rd, HANDLE_FLAG_INHERIT, 0);
    STARTUPINFOW si = {};
    si.cb = sizeof(si);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    si.hStdOutput = wr;
    si.hStdError = wr;
    std::wstring cmd = std::wstring(GetCommandLineW()) + L" --child" + widen(seed_arg);
    PROCESS_INFORMATION pi;
    if (!CreateProcessW(nullptr, cmd.data(), nullptr, nullptr, TRUE, 0, nullptr, nullptr, &si, &pi)) {
        std::fprintf(stderr, "ntoshost: cannot start the child process (error %lu)\n", GetLastError());
        return exit_code::host_failure;
    }
    CloseHandle(wr);

    std::string pending;
    char buf[4096];
    DWORD n = 0;
    auto line_done = [&](std::string line) {
        // Child output without a final newline (a DbgPrint message is sent as the driver wrote
        // it, --debug-echo) runs into the next event line: split it off again.
        if (auto at = line.find(ntoshost::events::prefix); at != std::string::npos && at > 0) {
            std::fprintf(stderr, "%s\n", line.substr(0, at).c_str());
            line.erase(0, at);
        }
        const bool event = report.consume_line(line);
        // The child's own output (the STOP line, stub reports, anything the driver or Wine prints)
        // always reaches stderr; the event lines only with -v.
        const bool stop = line.find("*** STOP: ") != std::string::npos;
        if (!event || stop || o.verbose >= 1) std::fprintf(stderr, "%s\n", line.c_str());
    };
    while (ReadFile(rd, buf, sizeof(buf), &n, nullptr) && n) {
        pending.append(buf, n);
        std::size_t nl;
        while ((nl = pending.find('\n')) != std::string::npos) {
            std::string line = pending.substr(0, nl);
            if (!line.empty() && line.back() == '\r') line.pop_back();
            pending.erase(0, nl + 1);
            line_done(line);
        }
    }
    if (!pending.empty()) line_done(pending);
    WaitForSingleObject(pi.hProcess, INFINITE);
    DWORD code = 0;
    GetExitCodeProcess(pi.hProcess, &code);
    report.child_exit = static_cast<int>(code);
    // A fast fail (int 0x29: STATUS_STACK_BUFFER_OVERRUN) is Windows' KERNEL_SECURITY_CHECK_FAILURE
    // (0x139; P1 the FAST_FAIL_* code, P2 the trap frame, P3 the exception record). Wine ends the
    // process at once without calling any handler (its __fastfail raises the exception as a
    // second chance), so the child cannot call KeBugCheckEx: the parent records the bug check from
    // the exit status, with the parameters the host cannot know left 0.
    if (!report.bugcheck && code == 0xC0000409u) {
        BugCheck b;
        b.code = 0x139;
        b.name = "KERNEL_SECURITY_CHECK_FAILURE";
        report.bugcheck = b;
        report.fast_fail = true;
    }
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    CloseHandle(rd);

    restore_debug_filters(saved_filters);
    // What the host created goes again (with any --param values under it), as `sc delete` would.
    if (!report.service_key.empty()) RegDeleteTreeA(HKEY_LOCAL_MACHINE, report.service_key.c_str());
    if (!report.service_key.empty()) report.service_key = "HKLM\\" + report.service_key;
    if (!o.quiet) std::fputs(format_text(report).c_str(), stdout);
    if (!o.json_path.empty()) {
        FILE* f = std::fopen(o.json_path.c_str(), "wb");
        if (!f) {
            std::fprintf(stderr, "ntoshost: cannot write %s\n", o.json_path.c_str());
            return exit_code::host_failure;
        }
        std::fputs(format_json(report).c_str(), f);
        std::fclose(f);
    }
    std::fflush(stdout);
    return report.exit_status();
}

}  // namespace
}  // namespace ntoshost

int main(int argc, char** argv) {
    ntoshost::Options o;
    std::string err;
    if (!ntoshost::parse_options(argc, argv, &o, &err)) {
        if (!err.empty()) std::fprintf(stderr, "ntoshost: %s\n", err.c_str());
        std::fputs(ntoshost::usage_text, stderr);
        return ntoshost::exit_code::usage;
    }
    return o.child ? ntoshost::run_child(o) : ntoshost::run_parent(o);
}
