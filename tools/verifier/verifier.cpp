// verifier.exe for a drop-in prefix: Windows' Driver Verifier Manager command line (Microsoft,
// "Driver Verifier command syntax"), for what the drop-in's verifier reads. It writes and reads
// the two values Windows' verifier.exe keeps under
// HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\Memory Management:
//   VerifyDrivers (REG_SZ, names separated by spaces, or "*") and VerifyDriverLevel (REG_DWORD).
// Supported: /flags FLAGS /driver NAME..., /standard /driver NAME..., /flags FLAGS /all,
// /standard /all, /querysettings, /query, /reset, /?. The module reads the values each time a
// driver is loaded (ntoskrnl/vf/settings.h), so where Windows asks for a reboot, restarting the
// driver's service is enough.
#include <windows.h>

#include <cstdio>
#include <cstdlib>
#include <cwchar>
#include <string>
#include <vector>

#include "vf/settings.h"

namespace {

const wchar_t* const key_path = L"SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Memory Management";

int usage(int status) {
    std::printf(
        "Driver Verifier settings for this Wine prefix (the project's ntoskrnl.exe drop-in).\n\n"
        "  verifier /standard /driver NAME [NAME ...]\n"
        "  verifier /standard /all\n"
        "  verifier /flags FLAGS /driver NAME [NAME ...]\n"
        "  verifier /flags FLAGS /all\n"
        "  verifier /querysettings\n"
        "  verifier /query\n"
        "  verifier /reset\n\n"
        "FLAGS: decimal or 0x hexadecimal option bits, as Windows' verifier takes them:\n"
        "  0x1 special pool, 0x2 force IRQL checking, 0x8 pool tracking are applied;\n"
        "  the other options are accepted, stored and reported as not supported.\n"
        "The settings take effect when a driver is loaded next (restart its service).\n");
    return status;
}

bool is_option(const wchar_t* arg, const wchar_t* name) {
    return (arg[0] == L'/' || arg[0] == L'-') && !_wcsicmp(arg + 1, name);
}

struct Stored {
    bool has_drivers = false, has_level = false;
    std::wstring drivers;
    DWORD level = 0;
};

Stored read_stored() {
    Stored s;
    HKEY key;
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, key_path, 0, KEY_READ, &key)) return s;
    wchar_t buf[2048];
    DWORD type = 0, bytes = sizeof(buf) - sizeof(wchar_t);
    if (!RegQueryValueExW(key, L"VerifyDrivers", nullptr, &type, reinterpret_cast<BYTE*>(buf), &bytes) &&
        (type == REG_SZ || type == REG_EXPAND_SZ)) {
        buf[bytes / sizeof(wchar_t)] = 0;
        s.drivers = buf;
        s.has_drivers = true;
    }
    DWORD level = 0;
    bytes = sizeof(level);
    if (!RegQueryValueExW(key, L"VerifyDriverLevel", nullptr, &type, reinterpret_cast<BYTE*>(&level), &bytes) &&
        type == REG_DWORD) {
        s.level = level;
        s.has_level = true;
    }
    RegCloseKey(key);
    return s;
}

bool write_stored(const std::wstring& drivers, DWORD level) {
    HKEY key;
    if (RegCreateKeyExW(HKEY_LOCAL_MACHINE, key_path, 0, nullptr, 0, KEY_WRITE, nullptr, &key, nullptr)) return false;
    bool ok = !RegSetValueExW(key, L"VerifyDrivers", 0, REG_SZ, reinterpret_cast<const BYTE*>(drivers.c_str()),
                              static_cast<DWORD>((drivers.size() + 1) * sizeof(wchar_t))) &&
              !RegSetValueExW(key, L"VerifyDriverLevel", 0, REG_DWORD, reinterpret_cast<const BYTE*>(&level), sizeof(level));
    RegCloseKey(key);
    return ok;
}

void print_flags(DWORD level) {
    std::printf("Verifier Flags: 0x%08lx\n\n", static_cast<unsigned long>(level));
    auto row = [&](std::uint32_t bit) {
        const char* name = vf::option_name(bit);
        if (!name) return;
        const bool on = (level & bit) != 0;
        std::printf("  [%c] 0x%08lx %s.%s\n", on ? 'X' : ' ', static_cast<unsigned long>(bit), name,
                    on && !(vf::option::supported & bit) ? "  (not supported by the drop-in: not applied)" : "");
    };
    std::printf("  Standard Flags:\n\n");
    for (std::uint32_t bit = 1; bit; bit <<= 1)
        if (vf::option::standard & bit) row(bit);
    std::printf("\n  Additional Flags:\n\n");
    for (std::uint32_t bit = 1; bit; bit <<= 1)
        if (!(vf::option::standard & bit)) row(bit);
    std::printf("\n  [X] Indicates flag is enabled.\n\n");
}

int query_settings() {
    const Stored s = read_stored();
    const vf::Settings parsed = vf::parse_settings(
        std::u16string_view(reinterpret_cast<const char16_t*>(s.drivers.c_str()), s.drivers.size()), s.has_level, s.level);
    if (!parsed.any()) {
        std::printf("No drivers are currently verified.\n");
        return 0;
    }
    print_flags(parsed.level);
    std::printf("Verified Drivers:\n\n");
    if (parsed.all) std::printf("  All Drivers\n");
    for (std::size_t i = 0; i < parsed.count; ++i) {
        std::printf("  ");
        for (const char16_t* c = parsed.names[i]; *c; ++c) std::putchar(*c < 0x80 ? static_cast<char>(*c) : '?');
        std::printf("\n");
    }
    return 0;
}

DWORD parse_flags(const wchar_t* text, bool* ok) {
    wchar_t* end = nullptr;
    const unsigned long v = std::wcstoul(text, &end, 0);   // decimal, or 0x hexadecimal
    *ok = end && end != text && !*end;
    return static_cast<DWORD>(v);
}

}  // namespace

int wmain(int argc, wchar_t** argv) {
    if (argc < 2) return usage(1);
    if (is_option(argv[1], L"?") || is_option(argv[1], L"help")) return usage(0);
    if (is_option(argv[1], L"querysettings")) return query_settings();
    if (is_option(argv[1], L"query")) {
        // Windows' /query lists the running statistics of the verified drivers; here the settings,
        // and each bug check the verifier raised is in %SystemRoot%\Minidump (tools/dropin.sh status).
        return query_settings();
    }
    if (is_option(argv[1], L"reset")) {
        HKEY key;
        if (!RegOpenKeyExW(HKEY_LOCAL_MACHINE, key_path, 0, KEY_WRITE, &key)) {
            RegDeleteValueW(key, L"VerifyDrivers");
            RegDeleteValueW(key, L"VerifyDriverLevel");
            RegCloseKey(key);
        }
        std::printf("No drivers are verified now. The change takes effect when a driver is loaded next.\n");
        return 0;
    }
    DWORD level = 0;
    bool have_level = false, all = false, have_drivers = false;
    std::wstring drivers;
    for (int i = 1; i < argc; ++i) {
        if (is_option(argv[i], L"standard")) {
            level = vf::option::standard;
            have_level = true;
        } else if (is_option(argv[i], L"flags") && i + 1 < argc) {
            bool ok = false;
            level = parse_flags(argv[++i], &ok);
            if (!ok) {
                std::fprintf(stderr, "verifier: /flags needs a number, decimal or 0x hexadecimal\n");
                return 1;
            }
            have_level = true;
        } else if (is_option(argv[i], L"all")) {
            all = true;
        } else if (is_option(argv[i], L"driver")) {
            for (++i; i < argc && argv[i][0] != L'/' && argv[i][0] != L'-'; ++i) {
                if (!drivers.empty()) drivers += L' ';
                drivers += argv[i];
                have_drivers = true;
            }
            --i;
        } else {
            std::fprintf(stderr, "verifier: unknown or incomplete option %ls\n", argv[i]);
            return usage(1);
        }
    }
    if (!have_level || (!all && !have_drivers)) return usage(1);
    if (!write_stored(all ? std::wstring(L"*") : drivers, level)) {
        std::fprintf(stderr, "verifier: cannot write the settings (error %lu)\n", GetLastError());
        return 1;
    }
    std::printf("New verifier settings:\n\n");
    print_flags(level);
    std::printf("Verified drivers: %ls\n\n", all ? L"all drivers" : drivers.c_str());
    std::printf("The settings take effect when each driver is loaded next (restart its service: sc stop, sc start).\n");
    return 0;
}
