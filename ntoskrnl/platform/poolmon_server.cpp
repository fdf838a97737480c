// The pool server of a winedevice.exe process (poolmon_server.h). Why only there: it is the
// drop-in's driver host process, the one whose pool poolmon shows; a PE test or the driver host
// that loads the module must not grow a thread and a pipe. Why one thread serving one client at a
// time (one pipe instance): a snapshot takes microseconds, and a second poolmon waits for the pipe
// (WaitNamedPipe) instead of costing the driver process a thread per client.
//
// It reads the pool only through its public queries (ex::pool::tag_usage, the lookaside
// registry's snapshot) and keeps its buffers on the process heap: reporting on the pool never
// allocates from it, so a snapshot does not count itself.
#include "platform/poolmon_server.h"

#include <windows.h>

#include <cstdio>

#include "ex/lookaside.h"
#include "ex/pool.h"
#include "platform/platform.h"
#include "platform/poolmon_protocol.h"

namespace platform {
namespace {

namespace proto = poolmon_protocol;

// A growable buffer on the process heap (not the pool).
struct HeapBuffer {
    void* data = nullptr;
    std::size_t bytes = 0;
    bool reserve(std::size_t want) {
        if (want <= bytes) return true;
        void* grown = data ? HeapReAlloc(GetProcessHeap(), 0, data, want) : HeapAlloc(GetProcessHeap(), 0, want);
        if (!grown) return false;
        data = grown;
        bytes = want;
        return true;
    }
    template <typename T>
    T* as() { return static_cast<T*>(data); }
};

struct Buffers {
    HeapBuffer usage, tags, lists, lookasides, message;
};

// No memory for a table: the request gets no answer (poolmon reports that), never a table that
// looks empty.
constexpr std::size_t failed = static_cast<std::size_t>(-1);

// Both tables are read twice: once for their size, then into room for that many plus a margin
// for entries added meanwhile (a list or tag added between the reads is simply in the next
// snapshot).
constexpr std::size_t margin = 64;

std::size_t collect_tags(Buffers& b) {
    const std::size_t want = ex::pool::tag_usage(nullptr, 0) + margin;
    if (!b.usage.reserve(want * sizeof(ex::pool::TagUsage)) || !b.tags.reserve(want * sizeof(proto::TagRecord)))
        return failed;
    std::size_t n = ex::pool::tag_usage(b.usage.as<ex::pool::TagUsage>(), want);
    if (n > want) n = want;
    for (std::size_t i = 0; i < n; ++i) {
        const ex::pool::TagUsage& u = b.usage.as<ex::pool::TagUsage>()[i];
        b.tags.as<proto::TagRecord>()[i] = {u.tag, u.paged, u.allocs, u.frees, u.bytes_live};
    }
    return n;
}

std::size_t collect_lookasides(Buffers& b) {
    const ex::lookaside::Registry& registry = ex::lookaside::system_registry();
    const std::size_t want = registry.size() + margin;
    if (!b.lists.reserve(want * sizeof(nt::SYSTEM_LOOKASIDE_INFORMATION)) ||
        !b.lookasides.reserve(want * sizeof(proto::LookasideRecord)))
        return failed;
    std::size_t n = registry.snapshot(b.lists.as<nt::SYSTEM_LOOKASIDE_INFORMATION>(), want);
    if (n > want) n = want;
    for (std::size_t i = 0; i < n; ++i) {
        const nt::SYSTEM_LOOKASIDE_INFORMATION& l = b.lists.as<nt::SYSTEM_LOOKASIDE_INFORMATION>()[i];
        b.lookasides.as<proto::LookasideRecord>()[i] = {l.Tag,          l.Type,           l.Size,
                                                        l.CurrentDepth, l.MaximumDepth,   l.TotalAllocates,
                                                        l.AllocateMisses, l.TotalFrees, l.FreeMisses};
    }
    return n;
}

// Builds the answer to one request; returns its size (0: no memory for it).
std::size_t answer(const proto::Request& request, Buffers& b) {
    const std::size_t tags = request.what & proto::want_tags ? collect_tags(b) : 0;
    const std::size_t lists = request.what & proto::want_lookaside ? collect_lookasides(b) : 0;
    if (tags == failed || lists == failed) return 0;
    const std::size_t size = proto::snapshot_bytes(tags, lists);
    if (!b.message.reserve(size)) return 0;
    return proto::encode_snapshot(GetCurrentProcessId(), request.what & (proto::want_tags | proto::want_lookaside),
                                  b.tags.as<proto::TagRecord>(), tags, b.lookasides.as<proto::LookasideRecord>(),
                                  lists, b.message.as<std::uint8_t>(), b.message.bytes);
}

DWORD WINAPI serve(LPVOID) {
    wchar_t name[64];
    proto::pipe_name(GetCurrentProcessId(), name, 64);
    static Buffers buffers;
    for (;;) {
        // One instance, recreated for each client. PIPE_REJECT_REMOTE_CLIENTS: a local query only.
        HANDLE pipe = CreateNamedPipeW(name, PIPE_ACCESS_DUPLEX,
                                       PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT | PIPE_REJECT_REMOTE_CLIENTS,
                                       1, 64 * 1024, 64 * 1024, 0, nullptr);
        if (pipe == INVALID_HANDLE_VALUE) {
            // Said once, on the services' stderr: poolmon then reports this process as not answering.
            char text[160];
            std::snprintf(text, sizeof(text),
                          "ntoskrnl.exe: warning: poolmon server of process %lu: cannot create its pipe (error %lu)\n",
                          GetCurrentProcessId(), GetLastError());
            write_stderr(text);
            return 1;
        }
        if (ConnectNamedPipe(pipe, nullptr) || GetLastError() == ERROR_PIPE_CONNECTED) {
            std::uint8_t incoming[64];
            DWORD got = 0;
            proto::Request request{};
            if (ReadFile(pipe, incoming, sizeof(incoming), &got, nullptr) && proto::parse_request(incoming, got, &request)) {
                const std::size_t size = answer(request, buffers);
                DWORD written = 0;
                if (size) {
                    WriteFile(pipe, buffers.message.data, static_cast<DWORD>(size), &written, nullptr);
                    FlushFileBuffers(pipe);   // until poolmon has read it
                }
            }
            DisconnectNamedPipe(pipe);
        }
        CloseHandle(pipe);
    }
}

bool is_winedevice() {
    wchar_t path[MAX_PATH + 1];
    const DWORD n = GetModuleFileNameW(nullptr, path, MAX_PATH);
    if (!n || n >= MAX_PATH) return false;
    path[n] = L'\0';
    const wchar_t* base = path + n;
    while (base > path && base[-1] != L'\\' && base[-1] != L'/') --base;
    return lstrcmpiW(base, L"winedevice.exe") == 0;
}

}  // namespace

void start_poolmon_server() {
    if (!is_winedevice()) return;
    // CreateThread is allowed in DllMain; the thread runs once the loader lock is released, and
    // nothing here waits for it.
    if (HANDLE thread = CreateThread(nullptr, 64 * 1024, &serve, nullptr, 0, nullptr))
        CloseHandle(thread);
}

}  // namespace platform
