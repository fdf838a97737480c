// poolmon's options, patterns, sums and text (view.h). Sources: Microsoft, "PoolMon Startup
// Command", "PoolMon Run-Time Commands", "PoolMon Display" (learn.microsoft.com/windows-hardware/
// drivers/devtest/poolmon-startup-command, -run-time-commands, -display).
#include "view.h"

#include <algorithm>
#include <cstdio>
#include <tuple>

#include "nt/pool.h"

namespace poolmon {
namespace {

constexpr std::uint32_t protected_pool = 0x80000000u;   // nt::PROTECTED_POOL: not part of the tag

std::string lower(std::string s) {
    for (char& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
}

bool glob(const char* p, const char* s) {
    // Iterative * and ? matching, backtracking to the last * only.
    const char* star = nullptr;
    const char* resume = nullptr;
    while (*s) {
        if (*p == '?' || (*p && *p != '*' && *p == *s)) {
            ++p;
            ++s;
        } else if (*p == '*') {
            star = p++;
            resume = s;
        } else if (star) {
            p = star + 1;
            s = ++resume;
        } else {
            return false;
        }
    }
    while (*p == '*') ++p;
    return !*p;
}

template <typename... Args>
std::string format(const char* fmt, Args... args) {
    char line[256];
    const int n = std::snprintf(line, sizeof(line), fmt, args...);
    return std::string(line, n < 0 ? 0 : std::min<std::size_t>(static_cast<std::size_t>(n), sizeof(line) - 1));
}

}  // namespace

bool parse_options(const std::vector<std::string>& args, Options* out, std::string* error) {
    Options o;
    int p_count = 0;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg.size() < 2 || (arg[0] != '/' && arg[0] != '-')) {
            *error = "unexpected argument '" + arg + "' (options start with / or -; poolmon /? lists them)";
            return false;
        }
        const std::string body = arg.substr(1);
        const std::string word = lower(body);
        const char c = word[0];
        if (word == "lookaside") {
            o.lookaside = true;
        } else if ((c == 'i' || c == 'x') && body.size() > 1) {
            // "Do not type a space between the /i and the Tag argument"; tags are case-sensitive.
            const std::string pattern = body.substr(1);
            if (pattern[0] == '*') {
                *error = "tag pattern '" + pattern + "' begins with '*' (PoolMon Startup Command: \"Do not begin a tag "
                         "with an asterisk\")";
                return false;
            }
            (c == 'i' ? o.include : o.exclude).push_back(pattern);
        } else if (word.size() != 1) {
            *error = "unknown option '" + arg + "' (poolmon /? lists the options)";
            return false;
        } else if (c == 'i' || c == 'x') {
            *error = "/" + std::string(1, c) + " needs a tag right after it (e.g. /" + std::string(1, c) + "ZSrp)";
            return false;
        } else if (c == '?' || c == 'h') {
            o.help = true;
        } else if (c == 'p') {
            if (++p_count > 2) {
                *error = "/p given more than twice (/p: nonpaged pool only, /p /p: paged pool only)";
                return false;
            }
            o.pools = p_count == 1 ? Pools::nonpaged : Pools::paged;
        } else if (c == 'e') {
            o.totals = true;
        } else if (c == '(' || c == ')') {
            o.by_change = true;
        } else if (c == 't' || c == 'a' || c == 'f' || c == 'd' || c == 'b' || c == 'm') {
            o.sort = c == 't' ? Sort::tag : c == 'a' ? Sort::allocs : c == 'f' ? Sort::frees
                   : c == 'd' ? Sort::diff : c == 'b' ? Sort::bytes : Sort::per_alloc;
        } else if (c == 'l') {
            o.highlight = false;
        } else if (c == 'n') {
            o.snapshot = true;
            // "/n [File]": the next argument is the file unless it is an option.
            if (i + 1 < args.size() && !args[i + 1].empty() && args[i + 1][0] != '/' && args[i + 1][0] != '-')
                o.snapshot_file = args[++i];
        } else if (c == 'g' || c == 'c') {
            *error = "/" + std::string(1, c) + " (the Mapped_Driver column from pooltag.txt / local drivers) is not "
                     "supported here";
            return false;
        } else if (c == 's') {
            *error = "/s (Terminal Services session pools) is not supported: this kernel's session pool types share "
                     "the system pools";
            return false;
        } else {
            *error = "unknown option '" + arg + "' (poolmon /? lists the options)";
            return false;
        }
    }
    *out = o;
    return true;
}

std::string usage() {
    return "poolmon: the pool tags of the drivers running in this Wine prefix's winedevice.exe processes\n"
           "(the project's ntoskrnl.exe; options as Windows' poolmon spells them, - for / also works)\n"
           "\n"
           "  poolmon [/iTag] [/xTag] [/p | /p /p] [/e] [/( | /)] [/t | /a | /f | /d | /b | /m] [/l]\n"
           "          [/n [File]] [/lookaside] [/? | /h]\n"
           "\n"
           "  /iTag      only tags matching Tag (* any characters, ? one; case-sensitive; repeatable)\n"
           "  /xTag      leave out tags matching Tag (repeatable)\n"
           "  /p         nonpaged pool only; /p /p paged pool only\n"
           "  /e         pool totals at the bottom\n"
           "  /( or /)   sort by the change since the last refresh instead of the value\n"
           "  /t         sort by tag (default); /a allocs, /f frees, /d diff, /b bytes, /m bytes per alloc\n"
           "  /l         no highlighting of changed lines\n"
           "  /n [File]  write one snapshot to File (default poolsnap.log) and exit\n"
           "  /lookaside the lookaside lists (the debugger's !lookaside fields) instead of the tags\n"
           "\n"
           "Keys while it runs: P nonpaged/paged/both, ( or ) change mode, E totals, L highlighting,\n"
           "T A F D B M sort, arrows and PAGE UP/DOWN scroll, ? or H help, Q or ESC quit.\n";
}

std::string tag_text(std::uint32_t tag) {
    std::string text(4, ' ');
    tag &= ~protected_pool;
    for (int k = 0; k < 4; ++k) {
        const auto c = static_cast<unsigned char>(tag >> (8 * k));
        text[k] = c >= 0x20 && c < 0x7F ? static_cast<char>(c) : '.';
    }
    return text;
}

bool tag_matches(const std::string& pattern, std::uint32_t tag) {
    const std::string text = tag_text(tag);
    if (glob(pattern.c_str(), text.c_str())) return true;
    // A short tag is padded with blanks or NULs: "Io" matches "Io  " too.
    std::size_t length = 4;
    while (length && ((tag & ~protected_pool) >> (8 * (length - 1)) & 0xFF) <= 0x20) --length;
    return length < 4 && glob(pattern.c_str(), text.substr(0, length).c_str());
}

bool tag_shown(const Options& options, std::uint32_t tag) {
    if (!options.include.empty() &&
        std::none_of(options.include.begin(), options.include.end(), [&](const std::string& p) { return tag_matches(p, tag); }))
        return false;
    return std::none_of(options.exclude.begin(), options.exclude.end(), [&](const std::string& p) { return tag_matches(p, tag); });
}

void accumulate(std::vector<Row>& rows, const poolmon_protocol::TagRecord* records, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) {
        const auto& r = records[i];
        auto it = std::find_if(rows.begin(), rows.end(), [&](const Row& row) { return row.tag == r.tag && row.paged == r.paged; });
        if (it == rows.end()) {
            Row row;
            row.tag = r.tag;
            row.paged = r.paged;
            it = rows.insert(rows.end(), row);
        }
        it->allocs += r.allocs;
        it->frees += r.frees;
        it->bytes += r.bytes;
    }
}

void apply_changes(std::vector<Row>& now, const std::vector<Row>& previous) {
    for (Row& row : now) {
        Row before;
        auto it = std::find_if(previous.begin(), previous.end(),
                               [&](const Row& p) { return p.tag == row.tag && p.paged == row.paged; });
        if (it != previous.end()) before = *it;
        row.allocs_change = static_cast<std::int64_t>(row.allocs - before.allocs);
        row.frees_change = static_cast<std::int64_t>(row.frees - before.frees);
        row.bytes_change = row.bytes - before.bytes;
        row.per_alloc_change = row.per_alloc() - before.per_alloc();
    }
}

std::vector<Row> select_rows(const std::vector<Row>& rows, const Options& options) {
    std::vector<Row> shown;
    for (const Row& row : rows) {
        if (options.pools == Pools::nonpaged && row.paged) continue;
        if (options.pools == Pools::paged && !row.paged) continue;
        if (tag_shown(options, row.tag)) shown.push_back(row);
    }
    auto key = [&](const Row& r) -> std::int64_t {
        const bool c = options.by_change;
        switch (options.sort) {
        case Sort::tag: return 0;
        case Sort::allocs: return c ? r.allocs_change : static_cast<std::int64_t>(r.allocs);
        case Sort::frees: return c ? r.frees_change : static_cast<std::int64_t>(r.frees);
        case Sort::diff: return c ? r.allocs_change - r.frees_change : r.diff();
        case Sort::bytes: return c ? r.bytes_change : r.bytes;
        case Sort::per_alloc: return c ? r.per_alloc_change : r.per_alloc();
        }
        return 0;
    };
    // By tag as text: "alphabetically by tag name" (/t).
    std::stable_sort(shown.begin(), shown.end(), [&](const Row& a, const Row& b) {
        const std::int64_t ka = key(a), kb = key(b);
        if (ka != kb) return ka > kb;
        return std::make_tuple(tag_text(a.tag), a.paged) < std::make_tuple(tag_text(b.tag), b.paged);
    });
    return shown;
}

// The widths follow the sample in "PoolMon Display": with the change columns a row lines up under
//  Tag  Type     Allocs            Frees            Diff   Bytes       Per Alloc
std::string format_header(bool changes) {
    if (changes) return " Tag  Type     Allocs            Frees            Diff   Bytes       Per Alloc\n";
    return " Tag  Type     Allocs     Frees     Diff     Bytes Per Alloc\n";
}

std::string format_row(const Row& r, bool changes) {
    const char* type = r.paged ? "Paged" : "Nonp";
    const auto allocs = static_cast<unsigned long long>(r.allocs);
    const auto frees = static_cast<unsigned long long>(r.frees);
    const auto diff = static_cast<long long>(r.diff());
    const auto bytes = static_cast<long long>(r.bytes);
    const auto per = static_cast<long long>(r.per_alloc());
    if (changes)
        return format(" %-4s %-5s %9llu (%4lld) %9llu (%4lld) %8lld %7lld (%6lld) %6lld\n", tag_text(r.tag).c_str(), type,
                      allocs, static_cast<long long>(r.allocs_change), frees, static_cast<long long>(r.frees_change),
                      diff, bytes, static_cast<long long>(r.bytes_change), per);
    return format(" %-4s %-5s %9llu %9llu %8lld %9lld %9lld\n", tag_text(r.tag).c_str(), type, allocs, frees, diff, bytes,
                  per);
}

std::string format_totals(const std::vector<Row>& shown, bool changes) {
    std::string text = " Totals of the tags shown:\n";
    for (const bool paged : {false, true}) {
        Row sum;
        sum.paged = paged;
        for (const Row& r : shown) {
            if (r.paged != paged) continue;
            sum.allocs += r.allocs;
            sum.frees += r.frees;
            sum.bytes += r.bytes;
            sum.allocs_change += r.allocs_change;
            sum.frees_change += r.frees_change;
            sum.bytes_change += r.bytes_change;
        }
        // The row format with the pool kind as its label (" %-10s" is the width of tag and type).
        std::string line = format_row(sum, changes);
        line.replace(0, 11, format(" %-10s", paged ? "Paged" : "Nonp"));
        text += line;
    }
    return text;
}

std::string format_table(const std::vector<Row>& shown, const Options& options, bool changes) {
    std::string text = format_header(changes);
    for (const Row& r : shown) text += format_row(r, changes);
    if (options.totals) text += format_totals(shown, changes);
    return text;
}

bool lookaside_paged(std::uint32_t type) { return nt::pool_type_is_paged(type); }

std::vector<poolmon_protocol::LookasideRecord> select_lookasides(
    const std::vector<poolmon_protocol::LookasideRecord>& lists, const Options& options) {
    std::vector<poolmon_protocol::LookasideRecord> shown;
    for (const auto& l : lists) {
        const bool paged = lookaside_paged(l.type);
        if (options.pools == Pools::nonpaged && paged) continue;
        if (options.pools == Pools::paged && !paged) continue;
        if (tag_shown(options, l.tag)) shown.push_back(l);
    }
    auto key = [&](const poolmon_protocol::LookasideRecord& l) -> std::uint64_t {
        switch (options.sort) {
        case Sort::allocs: return l.total_allocates;
        case Sort::frees: return l.total_frees;
        case Sort::bytes: return l.size;
        case Sort::per_alloc: return l.allocate_misses;
        case Sort::diff: return l.free_misses;
        case Sort::tag: return 0;
        }
        return 0;
    };
    std::stable_sort(shown.begin(), shown.end(), [&](const auto& a, const auto& b) {
        if (key(a) != key(b)) return key(a) > key(b);
        return std::make_tuple(tag_text(a.tag), a.size) < std::make_tuple(tag_text(b.tag), b.size);
    });
    return shown;
}

std::string format_lookaside_table(const std::vector<poolmon_protocol::LookasideRecord>& shown) {
    std::string text = " Tag  Type   Depth MaxDepth TotalAllocates AllocateMisses TotalFrees FreeMisses     Size\n";
    for (const auto& l : shown)
        text += format(" %-4s %-5s %6u %8u %14lu %14lu %10lu %10lu %8lu\n", tag_text(l.tag).c_str(),
                       lookaside_paged(l.type) ? "Paged" : "Nonp", static_cast<unsigned>(l.depth),
                       static_cast<unsigned>(l.maximum_depth), static_cast<unsigned long>(l.total_allocates),
                       static_cast<unsigned long>(l.allocate_misses), static_cast<unsigned long>(l.total_frees),
                       static_cast<unsigned long>(l.free_misses), static_cast<unsigned long>(l.size));
    return text;
}

}  // namespace poolmon
