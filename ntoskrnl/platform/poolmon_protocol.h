// The wire format between the module's pool server (platform/poolmon_server.cpp, inside every
// winedevice.exe of a drop-in prefix) and poolmon.exe (tools/poolmon/). Defined once here: the
// server writes with encode_*, poolmon reads with parse_* / *_record, both from this file.
//
// Transport (poolmon_server.cpp): a message-mode named pipe \\.\pipe\ntoskrnl-poolmon-<pid>, one
// request message in, one snapshot message out. Why a pipe and not ZwQuerySystemInformation: the
// pool tables live in each winedevice.exe process (the module is per process under Wine), so
// poolmon, another process, has to ask each of them; a named pipe is the one Win32 channel whose
// name a client can derive from the process id it found with Toolhelp32, and it needs no shared
// memory layout that both sides would have to keep in step while the pool changes.
//
// Every field is a little-endian fixed-width integer and every record carries its size in the
// header, so an i386 poolmon reads an x86_64 server (and the other way round: a WOW64 service's
// winedevice.exe in a 64-bit prefix), and a newer server's longer records are read by an older
// poolmon (it skips the bytes it does not know). `version` changes only when a known field changes
// meaning; poolmon refuses another version with a message naming both.
//
// No allocation, no exceptions: the module links this file.
#pragma once

#include <cstddef>
#include <cstdint>

namespace poolmon_protocol {

inline constexpr std::uint32_t request_magic = 0x71724D50u;    // "PMrq" as it reads in memory
inline constexpr std::uint32_t snapshot_magic = 0x6E734D50u;   // "PMsn"
inline constexpr std::uint32_t version = 1;

// What a request asks for (bits of Request::what).
inline constexpr std::uint32_t want_tags = 0x1;
inline constexpr std::uint32_t want_lookaside = 0x2;

// The pipe's name for a process id: \\.\pipe\ntoskrnl-poolmon-<pid> (decimal). Writes it, NUL
// terminated, into out (room for 64 characters is always enough) and returns its length.
std::size_t pipe_name(std::uint32_t pid, wchar_t* out, std::size_t capacity);

struct Request {
    std::uint32_t what;   // want_* bits
};
inline constexpr std::size_t request_bytes = 12;   // magic, version, what
std::size_t encode_request(const Request& request, std::uint8_t* out, std::size_t capacity);
bool parse_request(const std::uint8_t* data, std::size_t size, Request* out);

// One (tag, pool kind) of the pool's per-tag counters (ex::pool::TagUsage).
struct TagRecord {
    std::uint32_t tag;
    bool paged;
    std::uint64_t allocs;
    std::uint64_t frees;
    std::int64_t bytes;   // requested bytes allocated and not yet freed
};
inline constexpr std::size_t tag_record_bytes = 32;   // tag, paged (u32), allocs, frees, bytes

// One registered lookaside list (the fields of SYSTEM_LOOKASIDE_INFORMATION).
struct LookasideRecord {
    std::uint32_t tag;
    std::uint32_t type;   // the list's Type: POOL_TYPE (| the Ex list's raise flags)
    std::uint32_t size;
    std::uint16_t depth;
    std::uint16_t maximum_depth;
    std::uint32_t total_allocates;
    std::uint32_t allocate_misses;
    std::uint32_t total_frees;
    std::uint32_t free_misses;
};
inline constexpr std::size_t lookaside_record_bytes = 32;

// The snapshot header: magic, version, header size, pid, flags (the request's `what` as served),
// tag count, tag record size, lookaside count, lookaside record size.
inline constexpr std::size_t snapshot_header_bytes = 36;

std::size_t snapshot_bytes(std::size_t tags, std::size_t lookasides);
// Writes a snapshot; returns its size, or 0 if capacity is less than snapshot_bytes(...).
std::size_t encode_snapshot(std::uint32_t pid, std::uint32_t what, const TagRecord* tags, std::size_t tag_count,
                            const LookasideRecord* lookasides, std::size_t lookaside_count, std::uint8_t* out,
                            std::size_t capacity);

enum class ParseStatus { ok, truncated, bad_magic, other_version, bad_layout };
const char* describe(ParseStatus status);

// A parsed header: where the records are in the message it was parsed from.
struct Snapshot {
    std::uint32_t version;   // on other_version: the server's
    std::uint32_t pid;
    std::uint32_t what;
    std::uint32_t tag_count;
    std::uint32_t lookaside_count;
    std::size_t tags_offset, tag_stride;
    std::size_t lookaside_offset, lookaside_stride;
};
ParseStatus parse_snapshot(const std::uint8_t* data, std::size_t size, Snapshot* out);
// Record i of a snapshot parse_snapshot accepted (i below the count).
TagRecord tag_record(const std::uint8_t* data, const Snapshot& snapshot, std::size_t i);
LookasideRecord lookaside_record(const std::uint8_t* data, const Snapshot& snapshot, std::size_t i);

}  // namespace poolmon_protocol
