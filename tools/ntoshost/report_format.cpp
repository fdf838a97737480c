#include "report_format.h"

#include <cinttypes>
#include <cstdio>

#include "report.h"

namespace ntoshost {

std::string hex(std::uint64_t v, int digits) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "0x%0*" PRIX64, digits, v);
    return buf;
}

std::string status_text(std::int32_t status) { return hex(static_cast<std::uint32_t>(status), 8); }

std::string json_string(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof(buf), "\\u%04x", c);
                out += buf;
            } else {
                out += c;
            }
        }
    }
    return out + "\"";
}

std::string tag_text(std::uint32_t tag) {
    std::string s;
    for (int i = 0; i < 4; ++i) {
        char c = static_cast<char>((tag >> (8 * i)) & 0xFF);
        if (i == 3) c = static_cast<char>(c & 0x7F);   // PROTECTED_POOL
        s += (c >= 0x20 && c < 0x7F) ? c : '.';
    }
    return s;
}

}  // namespace ntoshost
