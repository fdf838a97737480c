// ntoshost.exe: the driver host. The parent process (this one) writes the service's registry
// values, runs the driver in a child process (the same program with --child), reads the child's
// event lines and the module's STOP line from one pipe, and writes the report. A bug check ends
// only the child, so the report still covers everything up to it.
#include <windows.h>

#include <cstdio>
#include <string>

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

int run_parent(const Options& o) {
    Report report;
    report.driver = o.driver;
    report.arch = sizeof(void*) == 8 ? "x86_64" : "i386";
    report.verifier = o.verifier;
    report.imports_only = o.imports_only;
    std::string err;
    if (!write_params(o, &err)) {
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
    auto line_done = [&](const std::string& line) {
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
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    CloseHandle(rd);

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
