#include "events.h"

#include <cstdio>
#include <cstdlib>

namespace ntoshost::events {

std::string escape(std::string_view text) {
    std::string out;
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c < 0x20 || c == 0x7F) {
                char buf[8];
                std::snprintf(buf, sizeof(buf), "\\x%02X", c);
                out += buf;
            } else {
                out += ch;
            }
        }
    }
    return out;
}

std::optional<std::string> unescape(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\\') {
            out += text[i];
            continue;
        }
        if (++i >= text.size()) return std::nullopt;
        switch (text[i]) {
        case '\\': out += '\\'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'x': {
            if (i + 2 >= text.size()) return std::nullopt;   // two hex digits follow
            const std::string hex(text.substr(i + 1, 2));
            char* end = nullptr;
            const unsigned long v = std::strtoul(hex.c_str(), &end, 16);
            if (hex.size() != 2 || *end) return std::nullopt;
            out += static_cast<char>(v);
            i += 2;
            break;
        }
        default: return std::nullopt;
        }
    }
    return out;
}

bool Writer::number(std::uint64_t v, int base) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), base == 16 ? "%llx" : "%llu", static_cast<unsigned long long>(v));
    return field(buf);
}

std::optional<std::string_view> Reader::next() {
    if (s_.empty()) return std::nullopt;
    const auto sp = s_.find(' ');
    const std::string_view f = s_.substr(0, sp);
    s_ = sp == std::string_view::npos ? std::string_view() : s_.substr(sp + 1);
    if (f.empty()) return std::nullopt;
    return f;
}

std::optional<std::uint64_t> Reader::parse_number(std::string_view f, int base) {
    const std::string t(f);
    char* end = nullptr;
    const unsigned long long v = std::strtoull(t.c_str(), &end, base);
    if (t.empty() || t[0] == '-' || t[0] == '+' || !end || *end) return std::nullopt;
    return v;
}

bool Reader::word(std::string& s) {
    auto f = next();
    if (!f) return false;
    s = *f == "-" ? std::string() : std::string(*f);
    return true;
}

bool Reader::rest(std::string& s) {
    s = std::string(s_);
    s_ = {};
    return true;
}

bool Reader::text(std::string& s) {
    auto u = unescape(s_);
    if (!u) return false;
    s = std::move(*u);
    s_ = {};
    return true;
}

namespace {

template <std::size_t I = 0>
std::optional<Event> parse_as(std::string_view name, std::string_view fields) {
    if constexpr (I == std::variant_size_v<Event>) {
        return std::nullopt;
    } else {
        using E = std::variant_alternative_t<I, Event>;
        if (name != E::name) return parse_as<I + 1>(name, fields);
        E e;
        Reader r(fields);
        if (!e.fields(r) || !r.done()) return std::nullopt;
        return Event(std::move(e));
    }
}

}  // namespace

std::optional<Event> parse(std::string_view line) {
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
    if (line.substr(0, prefix.size()) != prefix) return std::nullopt;
    line.remove_prefix(prefix.size());
    const auto sp = line.find(' ');
    const std::string_view name = line.substr(0, sp);
    const std::string_view fields = sp == std::string_view::npos ? std::string_view() : line.substr(sp + 1);
    return parse_as(name, fields);
}

}  // namespace ntoshost::events
