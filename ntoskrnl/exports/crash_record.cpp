#include "exports/crash_record.h"

#include <windows.h>

#include <cstdarg>
#include <cstdio>

#include "ex/pool.h"
#include "ke/bugcheck.h"
#include "nt/eventlog.h"
#include "platform/image_notify.h"
#include "platform/platform.h"
#include "rtl/event_log.h"
#include "vf/driver_verifier.h"

namespace exports {
using namespace ::platform;   // module glue over the platform services
namespace {

// A bounded text buffer (no pool, no C++ allocation: the system is stopping).
struct Text {
    char* buf;
    std::size_t capacity;
    std::size_t len = 0;
    void add(const char* fmt, ...) __attribute__((format(printf, 2, 3))) {
        if (len >= capacity) return;
        va_list ap;
        va_start(ap, fmt);
        const int n = std::vsnprintf(buf + len, capacity - len, fmt, ap);
        va_end(ap);
        if (n > 0) len = len + static_cast<std::size_t>(n) < capacity ? len + n : capacity - 1;
    }
};

// The base name of a loaded module's file (e.g. u"leaky.sys"), held in `path`; empty if unknown.
std::u16string_view module_base_name(HMODULE module, wchar_t (&path)[MAX_PATH]) {
    const DWORD n = GetModuleFileNameW(module, path, MAX_PATH);
    if (!n || n >= MAX_PATH) return {};
    DWORD start = n;
    while (start && path[start - 1] != L'\\' && path[start - 1] != L'/') --start;
    return std::u16string_view(reinterpret_cast<const char16_t*>(path + start), n - start);
}

bool utf8(std::u16string_view s, char* out, std::size_t capacity) {
    const int n = WideCharToMultiByte(CP_UTF8, 0, reinterpret_cast<const wchar_t*>(s.data()), static_cast<int>(s.size()),
                                      out, static_cast<int>(capacity - 1), nullptr, nullptr);
    out[n > 0 ? n : 0] = '\0';
    return n > 0;
}

bool base_name_of(HMODULE module, char* out, std::size_t capacity) {
    wchar_t path[MAX_PATH];
    const std::u16string_view name = module_base_name(module, path);
    return !name.empty() && utf8(name, out, capacity);
}

// The driver image (a loaded ".sys", platform/image_notify.h) that holds `address`, and the offset in it.
bool driver_holding(const void* address, char* name, std::size_t capacity, std::uintptr_t* offset) {
    HMODULE m = nullptr;
    if (!GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                            static_cast<LPCWSTR>(address), &m))
        return false;
    wchar_t path[MAX_PATH];
    const std::u16string_view base = module_base_name(m, path);
    if (!is_driver_image(base) || !utf8(base, name, capacity)) return false;
    *offset = reinterpret_cast<std::uintptr_t>(address) - reinterpret_cast<std::uintptr_t>(m);
    return true;
}

// Whether the bytes before `p` end in a call instruction (E8 rel32, FF /2 with a register,
// memory or displacement operand): a value on the stack that follows one is a return address.
bool after_call(const std::uint8_t* p) {
    if (p[-5] == 0xE8) return true;
    if (p[-2] == 0xFF && ((p[-1] >> 3) & 7) == 2) return true;                       // call reg / [reg]
    if (p[-3] == 0xFF && ((p[-2] >> 3) & 7) == 2 && (p[-2] >> 6) == 1) return true;  // call [reg+disp8]
    if (p[-6] == 0xFF && ((p[-5] >> 3) & 7) == 2) return true;                       // call [disp32] / [reg+disp32]
    if (p[-7] == 0xFF && ((p[-6] >> 3) & 7) == 2 && (p[-6] & 7) == 4) return true;   // with a SIB byte
    return false;
}

// The driver at fault, as a debugger's analysis names it: the first frame in a driver image. The
// frames RtlCaptureStackBackTrace unwinds (x64 unwind data); where that finds none (i386 code
// without frame pointers), the stack is scanned for return addresses into a driver image.
bool driver_at_fault(char* name, std::size_t capacity, std::uintptr_t* offset) {
    void* frames[62];
    const USHORT n = RtlCaptureStackBackTrace(0, 62, frames, nullptr);
    for (USHORT i = 0; i < n; ++i)
        if (driver_holding(frames[i], name, capacity, offset)) return true;
    auto* tib = reinterpret_cast<NT_TIB*>(NtCurrentTeb());
    void* here = &here;
    for (auto* slot = static_cast<std::uintptr_t*>(here); slot + 1 <= static_cast<std::uintptr_t*>(tib->StackBase); ++slot) {
        const auto* p = reinterpret_cast<const std::uint8_t*>(*slot);
        if (!driver_holding(p, name, capacity, offset) || *offset < 0x1000) continue;   // not headers
        if (after_call(p)) return true;
    }
    return false;
}

bool write_file(const wchar_t* path, const void* data, std::size_t bytes) {
    HANDLE f = CreateFileW(path, GENERIC_WRITE, 0, nullptr, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
    if (f == INVALID_HANDLE_VALUE) return false;
    DWORD wrote = 0;
    const bool ok = WriteFile(f, data, static_cast<DWORD>(bytes), &wrote, nullptr) && wrote == bytes;
    CloseHandle(f);
    return ok;
}

// %SystemRoot%\system32\config\SysEvent.Evt gets one more record.
void log_event(const char16_t* bugcheck_text, const char16_t* dump_path, const char16_t* report_id) {
    wchar_t path[MAX_PATH];
    const UINT n = GetWindowsDirectoryW(path, MAX_PATH - 40);
    if (!n) return;
    lstrcatW(path, L"\\system32\\config");
    CreateDirectoryW(path, nullptr);
    lstrcatW(path, L"\\SysEvent.Evt");
    HANDLE heap = GetProcessHeap();
    std::uint8_t* old = nullptr;
    DWORD old_bytes = 0;
    HANDLE f = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, nullptr, OPEN_EXISTING, 0, nullptr);
    if (f != INVALID_HANDLE_VALUE) {
        const DWORD size = GetFileSize(f, nullptr);
        if (size != INVALID_FILE_SIZE && size < (64u << 20) && (old = static_cast<std::uint8_t*>(HeapAlloc(heap, 0, size ? size : 1))))
            if (!ReadFile(f, old, size, &old_bytes, nullptr)) old_bytes = 0;
        CloseHandle(f);
    }
    wchar_t computer[MAX_COMPUTERNAME_LENGTH + 1];
    DWORD computer_chars = MAX_COMPUTERNAME_LENGTH + 1;
    if (!GetComputerNameW(computer, &computer_chars)) computer_chars = 0;
    rtl::evt::Event e{};
    FILETIME ft;
    GetSystemTimeAsFileTime(&ft);
    // FILETIME counts 100 ns from 1601; the record counts seconds from 1970.
    const std::uint64_t ticks = (std::uint64_t{ft.dwHighDateTime} << 32) | ft.dwLowDateTime;
    e.time_generated = static_cast<std::uint32_t>(ticks / 10000000 - 11644473600ull);
    e.event_id = 1001;
    e.event_type = nt::evt::error_type;
    e.source = u"BugCheck";
    e.computer = std::u16string_view(reinterpret_cast<const char16_t*>(computer), computer_chars);
    e.strings[0] = bugcheck_text;
    e.strings[1] = dump_path;
    e.strings[2] = report_id;
    e.string_count = 3;
    const std::size_t need = rtl::evt::appended_size(old_bytes, e);
    if (auto* out = static_cast<std::uint8_t*>(HeapAlloc(heap, 0, need))) {
        std::size_t bytes = rtl::evt::append_event(old, old_bytes, e, out, need);
        if (!bytes && old_bytes) bytes = rtl::evt::append_event(nullptr, 0, e, out, need);   // not a log we can extend: start one
        if (bytes) write_file(path, out, bytes);
        HeapFree(heap, 0, out);
    }
    if (old) HeapFree(heap, 0, old);
}

void record(const ke::BugCheckRecord& r) {
    HANDLE heap = GetProcessHeap();
    constexpr std::size_t report_capacity = 256 * 1024;
    char* report = static_cast<char*>(HeapAlloc(heap, 0, report_capacity));
    if (!report) return;
    Text t{report, report_capacity};
    SYSTEMTIME now;
    GetSystemTime(&now);
    const char* name = ke::bugcheck_name(r.code);
    t.add("Bug check report (ntoskrnl.exe drop-in; a text report in place of a minidump)\r\n");
    t.add("Time:        %04u-%02u-%02u %02u:%02u:%02u UTC\r\n", now.wYear, now.wMonth, now.wDay, now.wHour, now.wMinute,
          now.wSecond);
    char process[MAX_PATH] = "?";
    base_name_of(nullptr, process, sizeof(process));
    t.add("Process:     %s (pid %lu)\r\n", process, GetCurrentProcessId());
    t.add("%.*s", static_cast<int>(r.stop_line_length), r.stop_line);
    if (t.len >= 1 && report[t.len - 1] == '\n' && (t.len < 2 || report[t.len - 2] != '\r')) {
        report[t.len - 1] = '\r';
        t.add("\n");
    }
    t.add("BugCheck:    0x%08lX %s\r\n", static_cast<unsigned long>(r.code), name ? name : "UNKNOWN_BUGCHECK_CODE");
    for (int i = 0; i < 4; ++i)
        t.add("Parameter %d: 0x%0*llX\r\n", i + 1, static_cast<int>(sizeof(nt::ULONG_PTR) * 2),
              static_cast<unsigned long long>(r.params[i]));
    // The driver: 0xC4 / 0x62 names it (P2, its UNICODE_STRING, P3 the verifier's record).
    char driver[MAX_PATH] = "";
    std::uintptr_t offset = 0;
    const vf::VerifiedDriver* verified = nullptr;
    if (r.code == ke::bugcheck_code::driver_verifier_detected_violation && r.params[0] == 0x62 && r.params[2]) {
        verified = reinterpret_cast<const vf::VerifiedDriver*>(r.params[2]);
        utf8(std::u16string_view(verified->name_buffer, verified->name.Length / 2), driver, sizeof(driver));
        t.add("Driver:      %s (named by parameter 2)\r\n", driver);
    } else if ((r.code == 0xD6 || r.code == 0xD5 || r.code == 0xCD || r.code == 0xCC || r.code == 0x50) && r.params[2] &&
               driver_holding(reinterpret_cast<const void*>(r.params[2]), driver, sizeof(driver), &offset)) {
        // These codes carry the faulting instruction's address in parameter 3.
        t.add("Driver:      %s+0x%llX (the faulting instruction, parameter 3)\r\n", driver, static_cast<unsigned long long>(offset));
    } else if (driver_at_fault(driver, sizeof(driver), &offset)) {
        t.add("Driver:      %s+0x%llX (the first driver frame on the stack)\r\n", driver, static_cast<unsigned long long>(offset));
    } else {
        t.add("Driver:      unknown (no driver frame on the stack)\r\n");
    }
    if (verified)
        t.add("Verifier:    %s: %llu allocations not freed (%llu paged bytes, %llu nonpaged bytes; %llu allocated in all)\r\n",
              driver, static_cast<unsigned long long>(verified->live_allocations),
              static_cast<unsigned long long>(verified->live_paged_bytes),
              static_cast<unsigned long long>(verified->live_nonpaged_bytes),
              static_cast<unsigned long long>(verified->total_allocations));
    t.add("\r\nPool use of this process by tag:\r\n");
    constexpr std::size_t max_rows = 512;
    auto* rows = static_cast<ex::pool::TagUsage*>(HeapAlloc(heap, 0, max_rows * sizeof(ex::pool::TagUsage)));
    if (rows) {
        std::size_t n = ex::pool::tag_usage(rows, max_rows);
        if (n > max_rows) n = max_rows;
        if (t.len < report_capacity) t.len += ex::pool::format_tag_table(rows, n, report + t.len, report_capacity - t.len);
        HeapFree(heap, 0, rows);
    }
    // %SystemRoot%\Minidump\MMDDYY-PID-NN.txt (Windows names its dumps MMDDYY-NNNNN-NN.dmp).
    wchar_t dir[MAX_PATH];
    if (GetWindowsDirectoryW(dir, MAX_PATH - 64)) {
        lstrcatW(dir, L"\\Minidump");
        CreateDirectoryW(dir, nullptr);
        wchar_t path[MAX_PATH];
        wchar_t file[64];
        for (int seq = 1; seq < 100; ++seq) {
            char name8[64];
            std::snprintf(name8, sizeof(name8), "%02u%02u%02u-%lu-%02d.txt", now.wMonth, now.wDay, now.wYear % 100,
                          GetCurrentProcessId(), seq);
            MultiByteToWideChar(CP_UTF8, 0, name8, -1, file, 64);
            lstrcpyW(path, dir);
            lstrcatW(path, L"\\");
            lstrcatW(path, file);
            if (GetFileAttributesW(path) == INVALID_FILE_ATTRIBUTES) break;
        }
        write_file(path, report, t.len);
        // The event's strings as Windows' 1001 has them: the code and parameters, the dump, an id.
        char narrow[160];
        const int digits = static_cast<int>(sizeof(nt::ULONG_PTR) * 2);
        std::snprintf(narrow, sizeof(narrow), "0x%08lx (0x%0*llx, 0x%0*llx, 0x%0*llx, 0x%0*llx)",
                      static_cast<unsigned long>(r.code), digits, static_cast<unsigned long long>(r.params[0]), digits,
                      static_cast<unsigned long long>(r.params[1]), digits, static_cast<unsigned long long>(r.params[2]),
                      digits, static_cast<unsigned long long>(r.params[3]));
        wchar_t text[160];
        if (!MultiByteToWideChar(CP_UTF8, 0, narrow, -1, text, 160)) text[0] = 0;
        log_event(reinterpret_cast<const char16_t*>(text), reinterpret_cast<const char16_t*>(path),
                  reinterpret_cast<const char16_t*>(file));
    }
    HeapFree(heap, 0, report);
}

bool in_winedevice() {
    char name[MAX_PATH];
    return base_name_of(nullptr, name, sizeof(name)) && !lstrcmpiA(name, "winedevice.exe");
}

}  // namespace

void install_crash_record() {
    if (in_winedevice()) ke::set_bug_check_recorder(&record);
}

}  // namespace exports
