// eventlog FILE: prints the records of a classic Windows event log file (.evt; the drop-in's
// System log is PREFIX/drive_c/windows/system32/config/SysEvent.Evt), oldest first, one per line:
//   #N YYYY-MM-DD HH:MM:SS UTC Error BugCheck 1001: The computer has rebooted from a bugcheck. ...
// Event 1001 of source BugCheck gets Windows' message with its three strings; other events print
// their strings. Exit status 0, or 1 if the file cannot be read or is not an event log.
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "rtl/event_log.h"

namespace {

std::string narrow(std::u16string_view s) {
    std::string out;
    for (char16_t c : s) {
        if (c < 0x80) out += static_cast<char>(c);
        else if (c < 0x800) {
            out += static_cast<char>(0xC0 | (c >> 6));
            out += static_cast<char>(0x80 | (c & 0x3F));
        } else {
            out += static_cast<char>(0xE0 | (c >> 12));
            out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (c & 0x3F));
        }
    }
    return out;
}

const char* type_name(std::uint16_t t) {
    switch (t) {
    case 1: return "Error";
    case 2: return "Warning";
    case 4: return "Information";
    default: return "Other";
    }
}

void print(const rtl::evt::Event& e, void*) {
    char when[32];
    const std::time_t t = e.time_generated;
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
    std::string source = narrow(e.source);
    std::printf("#%u %s UTC %s %s %u: ", e.record_number, when, type_name(e.event_type), source.c_str(), e.event_id);
    if (source == "BugCheck" && e.event_id == 1001 && e.string_count >= 3) {
        // Windows' message for the event (Vista and later, source BugCheck).
        std::printf("The computer has rebooted from a bugcheck.  The bugcheck was: %s. A dump was saved in: %s. Report Id: %s.\n",
                    narrow(e.strings[0]).c_str(), narrow(e.strings[1]).c_str(), narrow(e.strings[2]).c_str());
        return;
    }
    for (std::size_t i = 0; i < e.string_count; ++i) std::printf("%s%s", i ? " | " : "", narrow(e.strings[i]).c_str());
    std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: eventlog FILE.evt\n");
        return 2;
    }
    std::ifstream in(argv[1], std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "eventlog: cannot read %s\n", argv[1]);
        return 1;
    }
    const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!rtl::evt::for_each_event(bytes.data(), bytes.size(), &print, nullptr)) {
        std::fprintf(stderr, "eventlog: %s is not an event log this reader understands\n", argv[1]);
        return 1;
    }
    return 0;
}
