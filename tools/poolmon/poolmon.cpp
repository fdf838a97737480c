// poolmon.exe for a drop-in prefix: Windows' pool monitor for the drivers Wine runs in the
// prefix's winedevice.exe processes. tools/dropin.sh installs it into the prefix's system32, so
// `wine poolmon` (wine64 in a 64-bit prefix) works there as `poolmon` does on Windows.
//
// Each winedevice.exe running the project's ntoskrnl.exe answers on its own pipe with its pool
// tag table and lookaside lists (ntoskrnl/platform/poolmon_server.h, poolmon_protocol.h); poolmon
// finds the processes with Toolhelp32 (the prefix's wineserver knows only its own), asks each, and
// sums per tag and pool kind: one system pool, as on Windows, over the processes Wine splits the
// kernel into.
//
// Behaviour from Microsoft's documentation (windows-hardware/drivers/devtest): the options of
// "PoolMon Startup Command", the keys of "PoolMon Run-Time Commands", the columns of "PoolMon
// Display", which also says "PoolMon updates its display every five seconds" and that keys force a
// refresh. The portable half is view.h.
#include <windows.h>
#include <tlhelp32.h>

#include <cstdio>
#include <string>
#include <vector>

#include "platform/poolmon_protocol.h"
#include "view.h"

namespace proto = poolmon_protocol;
using poolmon::Options;
using poolmon::Row;

namespace {

constexpr DWORD refresh_ms = 5000;   // "PoolMon updates its display every five seconds"

struct Process {
    DWORD pid = 0;
    bool answered = false;
    std::string note;   // why it did not answer
    std::size_t tags = 0, lists = 0;
};

struct Snapshot {
    std::vector<Process> processes;
    std::vector<Row> rows;
    std::vector<proto::LookasideRecord> lists;
    bool protocol_error = false;
};

std::vector<DWORD> winedevice_processes() {
    std::vector<DWORD> pids;
    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    if (snap == INVALID_HANDLE_VALUE) return pids;
    PROCESSENTRY32W entry;
    entry.dwSize = sizeof(entry);
    for (BOOL more = Process32FirstW(snap, &entry); more; more = Process32NextW(snap, &entry)) {
        const wchar_t* base = entry.szExeFile;
        for (const wchar_t* p = entry.szExeFile; *p; ++p)
            if (*p == L'\\' || *p == L'/') base = p + 1;
        if (lstrcmpiW(base, L"winedevice.exe") == 0) pids.push_back(entry.th32ProcessID);
    }
    CloseHandle(snap);
    return pids;
}

std::string win32_error(DWORD error) { return "Win32 error " + std::to_string(error); }

// One request to one process; the answer in *message, or false with the reason in process.note.
bool ask(Process& process, std::uint32_t what, std::vector<std::uint8_t>* message) {
    wchar_t name[64];
    proto::pipe_name(process.pid, name, 64);
    HANDLE pipe = INVALID_HANDLE_VALUE;
    for (int attempt = 0; attempt < 10 && pipe == INVALID_HANDLE_VALUE; ++attempt) {
        pipe = CreateFileW(name, GENERIC_READ | GENERIC_WRITE, 0, nullptr, OPEN_EXISTING, 0, nullptr);
        if (pipe != INVALID_HANDLE_VALUE) break;
        const DWORD error = GetLastError();
        if (error == ERROR_FILE_NOT_FOUND) {
            process.note = "no pool server (Wine's builtin ntoskrnl.exe, or still starting)";
            return false;
        }
        if (error != ERROR_PIPE_BUSY) {
            process.note = "cannot open its pool server: " + win32_error(error);
            return false;
        }
        WaitNamedPipeW(name, 2000);   // another poolmon is being served
    }
    if (pipe == INVALID_HANDLE_VALUE) {
        process.note = "its pool server stayed busy";
        return false;
    }
    DWORD mode = PIPE_READMODE_MESSAGE;
    SetNamedPipeHandleState(pipe, &mode, nullptr, nullptr);
    std::uint8_t request[proto::request_bytes];
    const std::size_t request_size = proto::encode_request({what}, request, sizeof(request));
    DWORD written = 0;
    bool ok = WriteFile(pipe, request, static_cast<DWORD>(request_size), &written, nullptr) && written == request_size;
    // Small on purpose: the answer is one message, read in pieces (ERROR_MORE_DATA) into a
    // doubling buffer, and that path then runs in every test, not only on a system with many tags.
    message->assign(128, 0);
    std::size_t have = 0;
    while (ok) {
        DWORD got = 0;
        if (ReadFile(pipe, message->data() + have, static_cast<DWORD>(message->size() - have), &got, nullptr)) {
            have += got;
            break;
        }
        if (GetLastError() != ERROR_MORE_DATA) {
            ok = false;
            break;
        }
        have += got;
        message->resize(message->size() * 2);
    }
    const DWORD error = GetLastError();
    CloseHandle(pipe);
    if (!ok) {
        process.note = "no answer from its pool server: " + win32_error(error);
        return false;
    }
    message->resize(have);
    return true;
}

Snapshot take_snapshot(const Options& options) {
    Snapshot s;
    // The tags always (the summary line's pool totals), the lists for the lookaside view.
    const std::uint32_t what = proto::want_tags | (options.lookaside ? proto::want_lookaside : 0);
    std::vector<std::uint8_t> message;
    for (DWORD pid : winedevice_processes()) {
        Process process;
        process.pid = pid;
        if (ask(process, what, &message)) {
            proto::Snapshot header{};
            const proto::ParseStatus status = proto::parse_snapshot(message.data(), message.size(), &header);
            if (status != proto::ParseStatus::ok) {
                process.note = proto::describe(status);
                if (status == proto::ParseStatus::other_version)
                    process.note += " (" + std::to_string(header.version) + "; this poolmon speaks " +
                                    std::to_string(proto::version) + ")";
                s.protocol_error = true;
            } else {
                process.answered = true;
                std::vector<proto::TagRecord> tags(header.tag_count);
                for (std::size_t i = 0; i < header.tag_count; ++i) tags[i] = proto::tag_record(message.data(), header, i);
                poolmon::accumulate(s.rows, tags.data(), tags.size());
                for (std::size_t i = 0; i < header.lookaside_count; ++i)
                    s.lists.push_back(proto::lookaside_record(message.data(), header, i));
                process.tags = header.tag_count;
                process.lists = header.lookaside_count;
            }
        }
        s.processes.push_back(process);
    }
    return s;
}

// The lines above the table: memory (as poolmon's first line), pool in use, and the processes.
std::vector<std::string> summary(const Snapshot& s) {
    std::vector<std::string> lines;
    MEMORYSTATUSEX memory{};
    memory.dwLength = sizeof(memory);
    GlobalMemoryStatusEx(&memory);
    long long nonpaged = 0, paged = 0;
    for (const Row& r : s.rows) (r.paged ? paged : nonpaged) += r.bytes;
    char line[256];
    std::snprintf(line, sizeof(line), " Memory: %8lluK Avail: %8lluK                    Pool N: %7lldK P: %7lldK",
                  static_cast<unsigned long long>(memory.ullTotalPhys / 1024),
                  static_cast<unsigned long long>(memory.ullAvailPhys / 1024), nonpaged / 1024, paged / 1024);
    lines.push_back(line);
    std::string answered, silent;
    for (const Process& p : s.processes) {
        if (p.answered) answered += " " + std::to_string(p.pid);
        else silent += " winedevice.exe " + std::to_string(p.pid) + ": " + p.note + ";";
    }
    if (s.processes.empty()) lines.push_back(" No winedevice.exe runs in this prefix (no kernel service has started)");
    else lines.push_back(" System pool information: the project's ntoskrnl.exe in winedevice.exe" +
                         (answered.empty() ? std::string(" (none)") : answered));
    if (!silent.empty()) lines.push_back(silent);
    return lines;
}

std::string table_text(const Snapshot& s, const Options& options, bool changes) {
    if (options.lookaside) return poolmon::format_lookaside_table(poolmon::select_lookasides(s.lists, options));
    return poolmon::format_table(poolmon::select_rows(s.rows, options), options, changes);
}

int write_snapshot(const Options& options) {
    const Snapshot s = take_snapshot(options);
    FILE* file = std::fopen(options.snapshot_file.c_str(), "w");
    if (!file) {
        std::fprintf(stderr, "poolmon: cannot write %s\n", options.snapshot_file.c_str());
        return 1;
    }
    for (const std::string& line : summary(s)) std::fprintf(file, "%s\n", line.c_str());
    std::fprintf(file, "\n%s", table_text(s, options, false).c_str());
    const bool ok = std::fclose(file) == 0;
    for (const Process& p : s.processes)
        if (!p.answered) std::fprintf(stderr, "poolmon: winedevice.exe %lu: %s\n", p.pid, p.note.c_str());
    if (!ok) std::fprintf(stderr, "poolmon: cannot write %s\n", options.snapshot_file.c_str());
    return ok && !s.protocol_error ? 0 : 1;
}

// ---- The live display ----

struct Screen {
    HANDLE out, in;
    bool console;      // stdout is a console (else each refresh is printed as text)
    bool keys;         // stdin is a console
};

void draw(const Screen& screen, const std::vector<std::string>& lines, const std::vector<bool>& bright, int top) {
    CONSOLE_SCREEN_BUFFER_INFO info;
    GetConsoleScreenBufferInfo(screen.out, &info);
    const SHORT width = static_cast<SHORT>(info.srWindow.Right - info.srWindow.Left + 1);
    const SHORT height = static_cast<SHORT>(info.srWindow.Bottom - info.srWindow.Top + 1);
    const WORD normal = info.wAttributes & ~FOREGROUND_INTENSITY;
    for (SHORT y = 0; y < height; ++y) {
        const COORD at{info.srWindow.Left, static_cast<SHORT>(info.srWindow.Top + y)};
        // The first four lines (summary, blank, header) stay; the rest scrolls.
        const std::size_t fixed = 4;
        std::size_t index = y < static_cast<SHORT>(fixed) ? y : fixed + top + (y - fixed);
        std::string text = index < lines.size() ? lines[index] : std::string();
        text.resize(width, ' ');
        DWORD done;
        WriteConsoleOutputCharacterA(screen.out, text.data(), width, at, &done);
        const bool hi = index < bright.size() && bright[index];
        FillConsoleOutputAttribute(screen.out, hi ? normal | FOREGROUND_INTENSITY : normal, width, at, &done);
    }
}

std::vector<std::string> split(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

// Waits up to ms for a key; returns its virtual key and character, or false on time-out.
bool next_key(const Screen& screen, DWORD ms, WORD* vk, char* ch) {
    const DWORD until = GetTickCount() + ms;
    for (;;) {
        const DWORD now = GetTickCount();
        const DWORD left = static_cast<LONG>(until - now) > 0 ? until - now : 0;
        if (!screen.keys) {
            Sleep(left);
            return false;
        }
        if (WaitForSingleObject(screen.in, left) != WAIT_OBJECT_0) return false;
        INPUT_RECORD record;
        DWORD n = 0;
        if (!ReadConsoleInputA(screen.in, &record, 1, &n) || !n) continue;
        if (record.EventType == KEY_EVENT && record.Event.KeyEvent.bKeyDown) {
            *vk = record.Event.KeyEvent.wVirtualKeyCode;
            *ch = record.Event.KeyEvent.uChar.AsciiChar;
            return true;
        }
    }
}

int run_live(Options options) {
    Screen screen{GetStdHandle(STD_OUTPUT_HANDLE), GetStdHandle(STD_INPUT_HANDLE), false, false};
    CONSOLE_SCREEN_BUFFER_INFO info;
    DWORD mode;
    screen.console = GetConsoleScreenBufferInfo(screen.out, &info);
    screen.keys = GetConsoleMode(screen.in, &mode);
    if (screen.keys) SetConsoleMode(screen.in, mode & ~(ENABLE_LINE_INPUT | ENABLE_ECHO_INPUT));
    std::vector<Row> previous;
    bool first = true, help = false;
    int top = 0;
    for (;;) {
        Snapshot s = take_snapshot(options);
        // The change columns compare with the previous refresh; the first shows no change.
        poolmon::apply_changes(s.rows, first ? s.rows : previous);
        first = false;
        std::vector<std::string> lines = summary(s);
        lines.resize(2);   // the memory line and the processes line; a silent process's note is dropped here
        lines.emplace_back();
        std::vector<bool> bright(lines.size(), false);
        if (help) {
            for (const std::string& l : split(poolmon::usage() + "\nESC closes this help.")) lines.push_back(l);
        } else {
            std::vector<std::string> table = split(table_text(s, options, true));
            std::vector<Row> shown = options.lookaside ? std::vector<Row>() : poolmon::select_rows(s.rows, options);
            for (std::size_t i = 0; i < table.size(); ++i) {
                lines.push_back(table[i]);
                // Rows (after the header) whose values changed are highlighted unless /l or L.
                bright.push_back(options.highlight && i >= 1 && i - 1 < shown.size() && shown[i - 1].changed());
            }
        }
        if (screen.console) {
            draw(screen, lines, bright, top);
        } else {
            for (const std::string& l : lines) std::printf("%s\n", l.c_str());
            std::printf("\n");
            std::fflush(stdout);
        }
        previous = s.rows;
        WORD vk = 0;
        char ch = 0;
        if (!next_key(screen, refresh_ms, &vk, &ch)) continue;
        const char key = ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch;
        if (help) {
            if (vk == VK_ESCAPE) help = false;
            continue;
        }
        if (key == 'q' || vk == VK_ESCAPE) break;
        switch (key) {
        case 'p':
            options.pools = options.pools == poolmon::Pools::both       ? poolmon::Pools::nonpaged
                            : options.pools == poolmon::Pools::nonpaged ? poolmon::Pools::paged
                                                                        : poolmon::Pools::both;
            break;
        case '(': case ')': options.by_change = !options.by_change; break;
        case 'e': options.totals = !options.totals; break;
        case 'l': options.highlight = !options.highlight; break;
        case 't': options.sort = poolmon::Sort::tag; break;
        case 'a': options.sort = poolmon::Sort::allocs; break;
        case 'f': options.sort = poolmon::Sort::frees; break;
        case 'd': options.sort = poolmon::Sort::diff; break;
        case 'b': options.sort = poolmon::Sort::bytes; break;
        case 'm': options.sort = poolmon::Sort::per_alloc; break;
        case '?': case 'h': help = true; break;
        default:
            if (vk == VK_DOWN) ++top;
            else if (vk == VK_UP && top > 0) --top;
            else if (vk == VK_NEXT) top += 20;
            else if (vk == VK_PRIOR) top = top > 20 ? top - 20 : 0;
            break;   // any other key: a refresh now
        }
        // What the keys changed is shown with the same data until the next refresh interval.
    }
    if (screen.keys) SetConsoleMode(screen.in, mode);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    Options options;
    std::string error;
    if (!poolmon::parse_options(args, &options, &error)) {
        std::fprintf(stderr, "poolmon: %s\n", error.c_str());
        return 2;
    }
    if (options.help) {
        std::fputs(poolmon::usage().c_str(), stdout);
        return 0;
    }
    return options.snapshot ? write_snapshot(options) : run_live(options);
}
