#include "rtl/event_log.h"

#include <cstring>

#include "nt/eventlog.h"

namespace rtl::evt {
namespace {

using nt::evt::EofRecord;
using nt::evt::LogHeader;
using nt::evt::Record;

constexpr std::uint32_t default_max_size = 0x80000;   // 512 KiB, the System log's default

std::size_t utf16z_bytes(std::u16string_view s) { return (s.size() + 1) * sizeof(char16_t); }

std::size_t record_bytes(const Event& e) {
    std::size_t n = sizeof(Record) + utf16z_bytes(e.source) + utf16z_bytes(e.computer);
    for (std::size_t i = 0; i < e.string_count && i < 8; ++i) n += utf16z_bytes(e.strings[i]);
    n = (n + 3) & ~std::size_t{3};
    return n + sizeof(std::uint32_t);
}

std::uint8_t* put_utf16z(std::uint8_t* at, std::u16string_view s) {
    std::memcpy(at, s.data(), s.size() * sizeof(char16_t));
    std::memset(at + s.size() * sizeof(char16_t), 0, sizeof(char16_t));
    return at + utf16z_bytes(s);
}

EofRecord eof_record(const LogHeader& h) {
    return EofRecord{sizeof(EofRecord), 0x11111111, 0x22222222, 0x33333333, 0x44444444, h.StartOffset, h.EndOffset,
                     h.CurrentRecordNumber, h.OldestRecordNumber, sizeof(EofRecord)};
}

bool read_header(const std::uint8_t* file, std::size_t bytes, LogHeader* h) {
    if (bytes < sizeof(LogHeader) + sizeof(EofRecord)) return false;
    std::memcpy(h, file, sizeof(*h));
    return h->HeaderSize == sizeof(LogHeader) && h->EndHeaderSize == sizeof(LogHeader) &&
           h->Signature == nt::evt::signature && h->StartOffset >= sizeof(LogHeader) && h->StartOffset <= h->EndOffset &&
           h->EndOffset <= bytes - sizeof(EofRecord);
}

// The u16 string at `offset` of a record, up to its terminator within `limit`.
std::u16string_view string_at(const std::uint8_t* rec, std::size_t offset, std::size_t limit, std::size_t* next) {
    std::size_t end = offset;
    while (end + 1 < limit && (rec[end] || rec[end + 1])) end += 2;
    if (end + 1 >= limit) {
        *next = limit;
        return {};
    }
    *next = end + 2;
    // Records are DWORD-aligned, so the strings are char16_t-aligned.
    return std::u16string_view(reinterpret_cast<const char16_t*>(rec + offset), (end - offset) / 2);
}

}  // namespace

std::size_t appended_size(std::size_t file_bytes, const Event& e) {
    const std::size_t base = file_bytes ? file_bytes : sizeof(LogHeader) + sizeof(EofRecord);
    return base + record_bytes(e);
}

std::size_t append_event(const std::uint8_t* file, std::size_t file_bytes, const Event& e, std::uint8_t* out,
                         std::size_t capacity) {
    LogHeader h{};
    if (file_bytes) {
        if (!read_header(file, file_bytes, &h) || (h.Flags & 2 /* wrapped: not written by this writer */)) return 0;
    } else {
        h = LogHeader{sizeof(LogHeader), nt::evt::signature, 1, 1, sizeof(LogHeader), sizeof(LogHeader), 1, 1,
                      default_max_size, 0, 0, sizeof(LogHeader)};
    }
    const std::size_t rec = record_bytes(e);
    const std::size_t total = h.EndOffset + rec + sizeof(EofRecord);
    if (total > capacity || total > 0xFFFFFFFFu) return 0;
    if (file_bytes) std::memcpy(out, file, h.EndOffset);
    std::uint8_t* at = out + h.EndOffset;
    Record r{};
    r.Length = static_cast<std::uint32_t>(rec);
    r.Reserved = nt::evt::signature;
    r.RecordNumber = h.CurrentRecordNumber;
    r.TimeGenerated = r.TimeWritten = e.time_generated;
    r.EventID = e.event_id;
    r.EventType = e.event_type;
    r.NumStrings = static_cast<std::uint16_t>(e.string_count < 8 ? e.string_count : 8);
    std::uint8_t* p = at + sizeof(Record);
    p = put_utf16z(p, e.source);
    p = put_utf16z(p, e.computer);
    r.UserSidOffset = r.StringOffset = static_cast<std::uint32_t>(p - at);
    for (std::size_t i = 0; i < r.NumStrings; ++i) p = put_utf16z(p, e.strings[i]);
    r.DataOffset = static_cast<std::uint32_t>(p - at);
    while ((p - at) % 4) *p++ = 0;
    std::memcpy(p, &r.Length, sizeof(r.Length));
    std::memcpy(at, &r, sizeof(r));
    h.EndOffset = static_cast<std::uint32_t>(h.EndOffset + rec);
    ++h.CurrentRecordNumber;
    if (h.MaxSize < total) h.MaxSize = static_cast<std::uint32_t>((total + 0xFFFF) & ~std::size_t{0xFFFF});
    const EofRecord eof = eof_record(h);
    std::memcpy(out + h.EndOffset, &eof, sizeof(eof));
    std::memcpy(out, &h, sizeof(h));
    return total;
}

bool for_each_event(const std::uint8_t* file, std::size_t bytes, void (*visit)(const Event&, void*), void* context) {
    LogHeader h;
    if (!read_header(file, bytes, &h) || (h.Flags & 2)) return false;
    std::size_t at = h.StartOffset;
    while (at < h.EndOffset) {
        if (h.EndOffset - at < sizeof(Record) + sizeof(std::uint32_t)) return false;
        Record r;
        std::memcpy(&r, file + at, sizeof(r));
        if (r.Reserved != nt::evt::signature || r.Length < sizeof(Record) + 4 || r.Length > h.EndOffset - at || r.Length % 4)
            return false;
        const std::uint8_t* rec = file + at;
        const std::size_t limit = r.Length - sizeof(std::uint32_t);
        Event e{};
        e.record_number = r.RecordNumber;
        e.time_generated = r.TimeGenerated;
        e.event_id = r.EventID;
        e.event_type = r.EventType;
        std::size_t next = sizeof(Record);
        e.source = string_at(rec, next, limit, &next);
        e.computer = string_at(rec, next, limit, &next);
        next = r.StringOffset;
        for (std::size_t i = 0; i < r.NumStrings && i < 8 && next < limit; ++i) {
            e.strings[i] = string_at(rec, next, limit, &next);
            e.string_count = i + 1;
        }
        visit(e, context);
        at += r.Length;
    }
    return true;
}

}  // namespace rtl::evt
