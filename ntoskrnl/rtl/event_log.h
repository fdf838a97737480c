// Writing and reading the classic event log file (include/nt/eventlog.h). One owner of the format:
// the drop-in appends its bug check records with append_event (exports/crash_record.cpp); the
// tools and tests read them back with for_each_event (tools/eventlog). Portable, unit-tested.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace rtl::evt {

struct Event {
    std::uint32_t record_number;
    std::uint32_t time_generated;
    std::uint32_t event_id;
    std::uint16_t event_type;
    std::u16string_view source;
    std::u16string_view computer;
    std::u16string_view strings[8];
    std::size_t string_count;
};

// Appends one event to the log held in `file` (file_bytes long; 0 for a new log) and writes the
// whole new log to `out` (capacity bytes). Returns the new length, or 0 if the input is not a
// log this writer understands or `out` is too small (appended_size() says how much it needs).
std::size_t append_event(const std::uint8_t* file, std::size_t file_bytes, const Event& event, std::uint8_t* out,
                         std::size_t capacity);
std::size_t appended_size(std::size_t file_bytes, const Event& event);

// Calls visit for every record from the oldest; returns false if the file is not a valid log.
bool for_each_event(const std::uint8_t* file, std::size_t file_bytes, void (*visit)(const Event&, void*), void* context);

}  // namespace rtl::evt
