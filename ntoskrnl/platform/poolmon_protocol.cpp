// The poolmon wire format (poolmon_protocol.h): explicit little-endian byte order, so the layout
// is the same whatever the architecture or compiler of either side.
#include "platform/poolmon_protocol.h"

namespace poolmon_protocol {
namespace {

void put16(std::uint8_t* p, std::uint16_t v) {
    p[0] = static_cast<std::uint8_t>(v);
    p[1] = static_cast<std::uint8_t>(v >> 8);
}
void put32(std::uint8_t* p, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
void put64(std::uint8_t* p, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
std::uint16_t get16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] | p[1] << 8); }
std::uint32_t get32(const std::uint8_t* p) {
    std::uint32_t v = 0;
    for (int i = 3; i >= 0; --i) v = v << 8 | p[i];
    return v;
}
std::uint64_t get64(const std::uint8_t* p) {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = v << 8 | p[i];
    return v;
}

}  // namespace

std::size_t pipe_name(std::uint32_t pid, wchar_t* out, std::size_t capacity) {
    static constexpr char prefix[] = "\\\\.\\pipe\\ntoskrnl-poolmon-";
    char digits[10];
    std::size_t n = 0;
    do {
        digits[n++] = static_cast<char>('0' + pid % 10);
        pid /= 10;
    } while (pid);
    const std::size_t length = sizeof(prefix) - 1 + n;
    if (!capacity) return length;
    std::size_t at = 0;
    auto emit = [&](char c) {
        if (at + 1 < capacity) out[at++] = static_cast<wchar_t>(c);
    };
    for (std::size_t i = 0; i + 1 < sizeof(prefix); ++i) emit(prefix[i]);
    while (n) emit(digits[--n]);
    out[at] = L'\0';
    return length;
}

std::size_t encode_request(const Request& request, std::uint8_t* out, std::size_t capacity) {
    if (capacity < request_bytes) return 0;
    put32(out, request_magic);
    put32(out + 4, version);
    put32(out + 8, request.what);
    return request_bytes;
}

bool parse_request(const std::uint8_t* data, std::size_t size, Request* out) {
    // A request of another version is refused: the server answers only what it was asked in its
    // own terms (poolmon then reports the mismatch from the empty answer's absence).
    if (size < request_bytes || get32(data) != request_magic || get32(data + 4) != version) return false;
    out->what = get32(data + 8);
    return true;
}

std::size_t snapshot_bytes(std::size_t tags, std::size_t lookasides) {
    return snapshot_header_bytes + tags * tag_record_bytes + lookasides * lookaside_record_bytes;
}

std::size_t encode_snapshot(std::uint32_t pid, std::uint32_t what, const TagRecord* tags, std::size_t tag_count,
                            const LookasideRecord* lookasides, std::size_t lookaside_count, std::uint8_t* out,
                            std::size_t capacity) {
    const std::size_t size = snapshot_bytes(tag_count, lookaside_count);
    if (capacity < size || tag_count > 0xFFFFFFFFu || lookaside_count > 0xFFFFFFFFu) return 0;
    put32(out, snapshot_magic);
    put32(out + 4, version);
    put32(out + 8, snapshot_header_bytes);
    put32(out + 12, pid);
    put32(out + 16, what);
    put32(out + 20, static_cast<std::uint32_t>(tag_count));
    put32(out + 24, tag_record_bytes);
    put32(out + 28, static_cast<std::uint32_t>(lookaside_count));
    put32(out + 32, lookaside_record_bytes);
    std::uint8_t* p = out + snapshot_header_bytes;
    for (std::size_t i = 0; i < tag_count; ++i, p += tag_record_bytes) {
        put32(p, tags[i].tag);
        put32(p + 4, tags[i].paged ? 1 : 0);
        put64(p + 8, tags[i].allocs);
        put64(p + 16, tags[i].frees);
        put64(p + 24, static_cast<std::uint64_t>(tags[i].bytes));
    }
    for (std::size_t i = 0; i < lookaside_count; ++i, p += lookaside_record_bytes) {
        const LookasideRecord& l = lookasides[i];
        put32(p, l.tag);
        put32(p + 4, l.type);
        put32(p + 8, l.size);
        put16(p + 12, l.depth);
        put16(p + 14, l.maximum_depth);
        put32(p + 16, l.total_allocates);
        put32(p + 20, l.allocate_misses);
        put32(p + 24, l.total_frees);
        put32(p + 28, l.free_misses);
    }
    return size;
}

const char* describe(ParseStatus status) {
    switch (status) {
    case ParseStatus::ok: return "ok";
    case ParseStatus::truncated: return "the answer is shorter than its header says";
    case ParseStatus::bad_magic: return "the answer is not a pool snapshot";
    case ParseStatus::other_version: return "the server speaks another protocol version";
    case ParseStatus::bad_layout: return "the answer's record sizes are smaller than this poolmon's";
    }
    return "?";
}

ParseStatus parse_snapshot(const std::uint8_t* data, std::size_t size, Snapshot* out) {
    if (size < 12) return ParseStatus::truncated;
    if (get32(data) != snapshot_magic) return ParseStatus::bad_magic;
    out->version = get32(data + 4);
    if (out->version != version) return ParseStatus::other_version;
    const std::size_t header = get32(data + 8);
    if (header < snapshot_header_bytes) return ParseStatus::bad_layout;
    if (size < header) return ParseStatus::truncated;
    out->pid = get32(data + 12);
    out->what = get32(data + 16);
    out->tag_count = get32(data + 20);
    out->tag_stride = get32(data + 24);
    out->lookaside_count = get32(data + 28);
    out->lookaside_stride = get32(data + 32);
    if (out->tag_stride < tag_record_bytes || out->lookaside_stride < lookaside_record_bytes)
        return ParseStatus::bad_layout;
    // In 64-bit arithmetic: counts and strides are 32-bit, so the products cannot overflow.
    const std::uint64_t tags_end = header + std::uint64_t{out->tag_count} * out->tag_stride;
    const std::uint64_t end = tags_end + std::uint64_t{out->lookaside_count} * out->lookaside_stride;
    if (end > size) return ParseStatus::truncated;
    out->tags_offset = header;
    out->lookaside_offset = static_cast<std::size_t>(tags_end);
    return ParseStatus::ok;
}

TagRecord tag_record(const std::uint8_t* data, const Snapshot& snapshot, std::size_t i) {
    const std::uint8_t* p = data + snapshot.tags_offset + i * snapshot.tag_stride;
    return {get32(p), get32(p + 4) != 0, get64(p + 8), get64(p + 16), static_cast<std::int64_t>(get64(p + 24))};
}

LookasideRecord lookaside_record(const std::uint8_t* data, const Snapshot& snapshot, std::size_t i) {
    const std::uint8_t* p = data + snapshot.lookaside_offset + i * snapshot.lookaside_stride;
    return {get32(p),      get32(p + 4),  get32(p + 8),  get16(p + 12), get16(p + 14),
            get32(p + 16), get32(p + 20), get32(p + 24), get32(p + 28)};
}

}  // namespace poolmon_protocol
