#include "report.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace ntoshost {
namespace {

std::string hex(std::uint64_t v, int digits = 0) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "0x%0*" PRIX64, digits, v);
    return buf;
}

std::vector<std::string_view> split(std::string_view s, std::size_t max_fields) {
    std::vector<std::string_view> out;
    while (!s.empty()) {
        while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
        if (s.empty()) break;
        if (out.size() + 1 == max_fields) {
            out.push_back(s);
            break;
        }
        auto sp = s.find(' ');
        out.push_back(s.substr(0, sp));
        if (sp == std::string_view::npos) break;
        s.remove_prefix(sp);
    }
    return out;
}

bool number(std::string_view s, int base, std::uint64_t* out) {
    std::string t(s);
    if (t.empty()) return false;
    char* end = nullptr;
    *out = std::strtoull(t.c_str(), &end, base);
    return end && *end == '\0';
}

std::string json_string(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
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

const char* pool_text(bool paged) { return paged ? "Paged" : "Nonp"; }
const char* pool_json(bool paged) { return paged ? "Paged" : "NonPaged"; }

std::string status_text(std::int32_t status) { return hex(static_cast<std::uint32_t>(status), 8); }

// POOL_TYPE's base kind (bits 0-2): odd ones other than NonPagedPoolMustSucceed+1 are paged.
bool pool_type_is_paged(std::uint32_t pool_type) {
    const std::uint32_t base = pool_type & 0x7;
    return (base & 1) != 0 && base != 3;
}

void text_objects(std::ostringstream& o, const Report& r) {
    if (!r.objects.lookaside_lists().empty()) {
        o << "\nLookaside lists created by this driver:\n";
        for (const auto& l : r.objects.lookaside_lists()) {
            o << "  " << hex(l.address) << " " << l.kind << ": tag " << tag_text(l.tag) << ", " << l.size << " bytes, "
              << pool_json(pool_type_is_paged(l.pool_type)) << " pool: ";
            if (l.status < 0)
                o << "initialization failed (" << status_text(l.status) << ")";
            else if (l.deleted)
                o << "deleted";
            else
                o << (r.image_unloaded() ? "NOT deleted at unload" : "not deleted");
            if (l.storage_freed) o << "; its memory was freed while the list was not deleted";
            if (l.counters) {
                const auto& c = *l.counters;
                o << " (allocates " << c.total_allocates << ", misses " << c.allocate_misses << "; frees " << c.total_frees
                  << ", misses " << c.free_misses << ")";
            }
            o << "\n";
        }
    }
    if (!r.objects.zones().empty()) {
        o << "\nZones created by this driver:\n";
        for (const auto& z : r.objects.zones()) {
            o << "  " << hex(z.address) << ": ";
            if (z.status < 0) {
                o << "ExInitializeZone failed (" << status_text(z.status) << ")\n";
                continue;
            }
            if (z.block_size)
                o << "block size " << z.block_size;
            else
                o << "block size unknown (not initialized through the host)";
            o << ", " << z.segments.size() << " segment" << (z.segments.size() == 1 ? "" : "s") << ", "
              << z.total_segment_size() << " bytes";
            if (z.header_freed) o << "; the pool block holding its header was freed";
            o << "\n";
        }
    }
}

// Poolmon's lookaside view: one line per list, the miss ratio of its allocations.
void text_lookaside_snapshot(std::ostringstream& o, const Report& r) {
    if (!r.lookaside_snapshot || r.lookaside_snapshot->empty()) return;
    o << "\nLookaside lists in the system while the driver was loaded (SystemLookasideInformation):\n"
         "  Tag  Type       Size  Depth    Max     Allocs     Misses  Miss%      Frees FreeMisses\n";
    for (const auto& l : *r.lookaside_snapshot) {
        char line[160];
        const double miss = l.allocates ? 100.0 * static_cast<double>(l.allocate_misses) / static_cast<double>(l.allocates) : 0.0;
        std::snprintf(line, sizeof(line), "  %-4s %-5s %9u %6u %6u %10llu %10llu %5.1f%% %10llu %10llu\n", tag_text(l.tag).c_str(),
                      pool_text(pool_type_is_paged(l.pool_type)), l.size, l.depth, l.max_depth,
                      static_cast<unsigned long long>(l.allocates), static_cast<unsigned long long>(l.allocate_misses), miss,
                      static_cast<unsigned long long>(l.frees), static_cast<unsigned long long>(l.free_misses));
        o << line;
    }
}

void json_lookaside_snapshot(std::ostringstream& o, const Report& r) {
    o << "  \"lookaside_snapshot\": ";
    if (!r.lookaside_snapshot) {
        o << "null,\n";
        return;
    }
    o << "[";
    bool first = true;
    for (const auto& l : *r.lookaside_snapshot) {
        o << (first ? "\n" : ",\n") << "    {\"tag\": " << json_string(tag_text(l.tag)) << ", \"tag_value\": " << json_string(hex(l.tag, 8))
          << ", \"pool\": \"" << pool_json(pool_type_is_paged(l.pool_type)) << "\", \"pool_type\": " << json_string(hex(l.pool_type))
          << ", \"size\": " << l.size << ", \"depth\": " << l.depth << ", \"max_depth\": " << l.max_depth
          << ", \"allocates\": " << l.allocates << ", \"allocate_misses\": " << l.allocate_misses << ", \"frees\": " << l.frees
          << ", \"free_misses\": " << l.free_misses << "}";
        first = false;
    }
    o << (first ? "" : "\n  ") << "],\n";
}

void json_objects(std::ostringstream& o, const Report& r) {
    o << "  \"lookaside_lists\": [";
    bool first = true;
    for (const auto& l : r.objects.lookaside_lists()) {
        o << (first ? "\n" : ",\n") << "    {\"address\": " << json_string(hex(l.address)) << ", \"kind\": " << json_string(l.kind)
          << ", \"tag\": " << json_string(tag_text(l.tag)) << ", \"tag_value\": " << json_string(hex(l.tag, 8))
          << ", \"size\": " << l.size << ", \"pool\": \"" << pool_json(pool_type_is_paged(l.pool_type))
          << "\", \"pool_type\": " << json_string(hex(l.pool_type)) << ", \"status\": " << json_string(status_text(l.status))
          << ", \"deleted\": " << (l.deleted ? "true" : "false") << ", \"storage_freed\": " << (l.storage_freed ? "true" : "false")
          << ", \"counters\": ";
        if (l.counters)
            o << "{\"total_allocates\": " << l.counters->total_allocates << ", \"allocate_misses\": " << l.counters->allocate_misses
              << ", \"total_frees\": " << l.counters->total_frees << ", \"free_misses\": " << l.counters->free_misses << "}";
        else
            o << "null";
        o << "}";
        first = false;
    }
    o << (first ? "" : "\n  ") << "],\n  \"zones\": [";
    first = true;
    for (const auto& z : r.objects.zones()) {
        o << (first ? "\n" : ",\n") << "    {\"address\": " << json_string(hex(z.address)) << ", \"block_size\": " << z.block_size
          << ", \"segments\": " << z.segments.size() << ", \"total_segment_size\": " << z.total_segment_size()
          << ", \"status\": " << json_string(status_text(z.status)) << ", \"segment_addresses\": [";
        for (std::size_t i = 0; i < z.segments.size(); ++i) o << (i ? ", " : "") << json_string(hex(z.segments[i].first));
        o << "], \"header_freed\": " << (z.header_freed ? "true" : "false") << "}";
        first = false;
    }
    o << (first ? "" : "\n  ") << "],\n";
}

}  // namespace

void PoolTracker::allocated(std::uint64_t address, std::uint32_t tag, bool paged, std::uint32_t pool_type,
                            std::uint64_t bytes, const std::string& routine) {
    auto& t = tags_[{tag, paged}];
    ++t.allocs;
    t.bytes_live += static_cast<std::int64_t>(bytes);
    live_[address] = LiveBlock{tag, paged, pool_type, bytes, routine};
}

bool PoolTracker::freed(std::uint64_t address, std::uint32_t, const std::string& routine) {
    auto it = live_.find(address);
    if (it == live_.end()) {
        // "Routine" or "Routine (what became of the block)": the address goes after the name.
        const auto space = routine.find(' ');
        foreign_frees_.push_back(routine.substr(0, space) + "(" + hex(address) + ")" +
                                 (space == std::string::npos ? "" : routine.substr(space)));
        return false;
    }
    auto& t = tags_[{it->second.tag, it->second.paged}];
    ++t.frees;
    t.bytes_live -= static_cast<std::int64_t>(it->second.bytes);
    live_.erase(it);
    return true;
}

std::vector<Leak> PoolTracker::leaks(std::size_t addresses_per_tag) const {
    std::map<TagKey, Leak> by_tag;
    for (const auto& [address, block] : live_) {
        auto& l = by_tag[{block.tag, block.paged}];
        l.tag = block.tag;
        l.paged = block.paged;
        ++l.count;
        l.bytes += block.bytes;
        if (l.first_addresses.size() < addresses_per_tag) l.first_addresses.push_back(address);
    }
    std::vector<Leak> out;
    for (auto& [key, leak] : by_tag) out.push_back(std::move(leak));
    std::stable_sort(out.begin(), out.end(), [](const Leak& a, const Leak& b) { return a.bytes > b.bytes; });
    return out;
}

std::optional<BugCheck> parse_stop_line(std::string_view line) {
    constexpr std::string_view stop = "*** STOP: ";
    auto at = line.find(stop);
    if (at == std::string_view::npos) return std::nullopt;
    line.remove_prefix(at + stop.size());
    BugCheck bc;
    auto open = line.find(" ("), close = line.find(") ");
    std::uint64_t code = 0;
    if (open == std::string_view::npos || close == std::string_view::npos || close < open) return std::nullopt;
    if (!number(line.substr(0, open), 16, &code)) return std::nullopt;
    bc.code = static_cast<std::uint32_t>(code);
    auto params = line.substr(open + 2, close - open - 2);
    for (int i = 0; i < 4; ++i) {
        auto comma = params.find(',');
        if (!number(params.substr(0, comma), 16, &bc.params[i])) return std::nullopt;
        if (comma == std::string_view::npos) {
            if (i != 3) return std::nullopt;
            break;
        }
        params.remove_prefix(comma + 1);
    }
    auto name = line.substr(close + 2);
    while (!name.empty() && (name.back() == '\r' || name.back() == '\n' || name.back() == ' ')) name.remove_suffix(1);
    bc.name = std::string(name);
    return bc;
}

bool Report::consume_line(std::string_view line) {
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
    if (auto bc = parse_stop_line(line)) {
        if (!bugcheck) bugcheck = *bc;   // a second STOP cannot happen; keep the first
        return true;
    }
    if (line.substr(0, event_prefix.size()) != event_prefix) return false;
    line.remove_prefix(event_prefix.size());
    auto f = split(line, 8);
    std::uint64_t g = 0, h = 0;
    if (f.empty()) return false;
    std::uint64_t a = 0, b = 0, c = 0, d = 0, e = 0;
    const auto& kind = f[0];
    if (kind == "image" && f.size() >= 4 && number(f[1], 16, &a) && number(f[2], 16, &b) && number(f[3], 16, &c)) {
        image_base = a, image_size = b, entry_point = c;
    } else if (kind == "import" && f.size() >= 3) {
        imports.emplace_back(std::string(f[1]), std::string(split(line, 3)[2]));
    } else if (kind == "unresolved" && f.size() >= 2) {
        auto rest = split(line, 3);
        unresolved_imports.push_back(std::string(f[1]) + (rest.size() > 2 ? " (" + std::string(rest[2]) + ")" : ""));
    } else if (kind == "alloc" && f.size() >= 7 && number(f[1], 16, &a) && number(f[2], 16, &b) && number(f[3], 16, &c) &&
               number(f[4], 10, &d) && number(f[5], 10, &e)) {
        pool.allocated(a, static_cast<std::uint32_t>(b), d != 0, static_cast<std::uint32_t>(c), e, std::string(f[6]));
    } else if (kind == "free" && f.size() >= 4 && number(f[1], 16, &a) && number(f[2], 16, &b)) {
        if (auto it = pool.live().find(a); it != pool.live().end()) objects.pool_block_freed(a, it->second.bytes);
        pool.freed(a, static_cast<std::uint32_t>(b), std::string(split(line, 4)[3]));
    } else if (kind == "lookaside" && f.size() >= 7 && number(f[1], 16, &a) && number(f[3], 16, &b) && number(f[4], 10, &c) &&
               number(f[5], 16, &d) && number(f[6], 16, &e)) {
        LookasideList l;
        l.address = a;
        l.kind = std::string(f[2]);
        l.tag = static_cast<std::uint32_t>(b);
        l.size = c;
        l.pool_type = static_cast<std::uint32_t>(d);
        l.status = static_cast<std::int32_t>(static_cast<std::uint32_t>(e));
        objects.lookaside_initialized(l);
    } else if (kind == "lookaside-snapshot") {
        lookaside_snapshot.emplace();
    } else if (kind == "lookaside-info" && lookaside_snapshot && f.size() >= 8) {
        auto all = split(line, 11);
        std::uint64_t v[9];
        bool ok = all.size() >= 10;
        for (int i = 0; ok && i < 9; ++i) ok = number(all[i + 1], i >= 6 && i <= 7 ? 16 : 10, &v[i]);
        if (ok)
            lookaside_snapshot->push_back({static_cast<std::uint32_t>(v[0]), static_cast<std::uint32_t>(v[1]), v[2], v[3], v[4],
                                           v[5], static_cast<std::uint32_t>(v[6]), static_cast<std::uint32_t>(v[7]),
                                           static_cast<std::uint32_t>(v[8])});
    } else if (kind == "lookaside-delete" && f.size() >= 2 && number(f[1], 16, &a)) {
        std::optional<LookasideCounters> counters;
        if (f.size() >= 6 && number(f[2], 10, &b) && number(f[3], 10, &c) && number(f[4], 10, &d) && number(f[5], 10, &e))
            counters = LookasideCounters{static_cast<std::uint32_t>(b), static_cast<std::uint32_t>(c), static_cast<std::uint32_t>(d),
                                         static_cast<std::uint32_t>(e)};
        objects.lookaside_deleted(a, counters);
    } else if (kind == "zone" && f.size() >= 6 && number(f[1], 16, &a) && number(f[2], 10, &b) && number(f[3], 16, &c) &&
               number(f[4], 10, &d) && number(f[5], 16, &e)) {
        objects.zone_initialized(a, b, c, d, static_cast<std::int32_t>(static_cast<std::uint32_t>(e)));
    } else if (kind == "zone-extend" && f.size() >= 5 && number(f[1], 16, &a) && number(f[2], 16, &g) && number(f[3], 10, &h) &&
               number(f[4], 16, &e)) {
        objects.zone_extended(a, g, h, static_cast<std::int32_t>(static_cast<std::uint32_t>(e)));
    } else if (kind == "entry" && f.size() >= 2 && number(f[1], 16, &a)) {
        entry_status = static_cast<std::int32_t>(static_cast<std::uint32_t>(a));
    } else if (kind == "kernel-dll" && f.size() >= 3) {
        kernel_dll = true;
        has_dll_initialize = f[1] == "1";
    } else if (kind == "unload" && f.size() >= 2) {
        has_unload = f[1] == "1";
    } else if (kind == "unloaded") {
        unloaded = true;
    } else if (kind == "kept" && f.size() >= 2 && number(f[1], 10, &a)) {
        kept_seconds = static_cast<unsigned>(a);
    } else if (kind == "unimplemented" && f.size() >= 2) {
        unimplemented_called = std::string(f[1]);
    } else if (kind == "load-error" && f.size() >= 2) {
        load_error = std::string(split(line, 2)[1]);
    } else if (kind == "refused") {
        refused = true;
    } else {
        return false;
    }
    return true;
}

int Report::exit_status() const {
    if (bugcheck) return static_cast<int>(bugcheck->code);
    if (unimplemented_called) return exit_code::unimplemented_called;
    if (load_error) return exit_code::load_failure;
    if (refused) return exit_code::unresolved_imports;
    if (imports_only) return unresolved_imports.empty() ? exit_code::clean : exit_code::unresolved_imports;
    if (!entry_status) return exit_code::host_failure;
    if (*entry_status < 0) return exit_code::entry_failure;
    if (unloaded && (!pool.live().empty() || objects.undeleted_lookaside_lists())) return exit_code::leaks;
    if (child_exit && *child_exit != 0) return exit_code::host_failure;
    return exit_code::clean;
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

std::string format_text(const Report& r) {
    std::ostringstream o;
    o << "Driver:        " << r.driver << " (" << r.arch << ")\n";
    if (r.image_size)
        o << "Image:         " << hex(r.image_base) << ", " << r.image_size << " bytes, entry " << hex(r.entry_point) << "\n";
    if (!r.imports.empty()) {
        std::map<std::string, int> per_target;
        for (const auto& [name, target] : r.imports) ++per_target[target];
        o << "Imports:       " << r.imports.size() << " (";
        bool first = true;
        for (const auto& [target, n] : per_target) o << (first ? "" : ", ") << n << " " << target, first = false;
        o << ")\n";
    }
    if (!r.unresolved_imports.empty()) {
        o << "Unresolved imports (" << r.unresolved_imports.size() << "):\n";
        for (const auto& u : r.unresolved_imports) o << "  " << u << "\n";
    }
    if (r.load_error) o << "Load failed:   " << *r.load_error << "\n";
    if (r.refused)
        o << "Not run:       the driver imports routines that cannot be bound (run with --stub-missing to "
             "bind them to stubs that stop when called)\n";
    // A kernel-mode DLL is started through DllInitialize (or not at all) and unloaded through DllUnload.
    const char* entry_label = r.kernel_dll ? "DllInitialize: " : "DriverEntry:   ";
    const char* unload_label = r.kernel_dll ? "DllUnload:     " : "DriverUnload:  ";
    if (r.kernel_dll)
        o << "Kernel DLL:    IMAGE_FILE_DLL: its entry point is not called (as Windows' loader does not)"
          << (r.has_dll_initialize ? "" : "; it exports no DllInitialize") << "\n";
    if (!r.entry_status && (r.bugcheck || r.unimplemented_called)) o << entry_label << "did not return (the system stopped)\n";
    if (r.entry_status && (!r.kernel_dll || r.has_dll_initialize))
        o << entry_label << status_text(*r.entry_status) << (*r.entry_status >= 0 ? " (success)" : " (failure)") << "\n";
    if (r.kept_seconds) o << "Kept loaded:   " << r.kept_seconds << " s after DriverEntry (--keep)\n";
    if (r.has_unload) o << unload_label << (!*r.has_unload ? "none (the driver stays loaded)" : r.unloaded ? "called, returned" : "not reached") << "\n";

    if (!r.pool.tags().empty()) {
        o << "\nPool use of this driver (poolmon):\n";
        char line[128];
        std::snprintf(line, sizeof(line), "  %-4s %-5s %10s %10s %10s %12s\n", "Tag", "Type", "Allocs", "Frees", "Diff", "Bytes");
        o << line;
        std::vector<std::pair<TagKey, TagStats>> rows(r.pool.tags().begin(), r.pool.tags().end());
        std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.second.bytes_live > b.second.bytes_live; });
        for (const auto& [k, s] : rows) {
            std::snprintf(line, sizeof(line), "  %-4s %-5s %10" PRIu64 " %10" PRIu64 " %10" PRId64 " %12" PRId64 "\n",
                          tag_text(k.tag).c_str(), pool_text(k.paged), s.allocs, s.frees,
                          static_cast<std::int64_t>(s.allocs - s.frees), s.bytes_live);
            o << line;
        }
    }
    if (!r.pool.foreign_frees().empty()) {
        o << "\nFrees of memory that was not a live allocation of this driver (double free, or not its own):\n";
        for (const auto& f : r.pool.foreign_frees()) o << "  " << f << "\n";
    }
    // Verifier's rule: leaks are what is still allocated once the image is unloaded (after its
    // unload routine returned, or after a failed DriverEntry).
    if (r.image_unloaded()) {
        auto leaks = r.pool.leaks();
        if (leaks.empty()) {
            o << "\nLeaks at unload: none\n";
        } else {
            o << "\nLeaks at unload (allocations not freed when "
              << (r.unloaded ? "DriverUnload returned" : "the image was unloaded after DriverEntry failed") << "):\n";
            for (const auto& l : leaks) {
                o << "  " << tag_text(l.tag) << " " << pool_text(l.paged) << ": " << l.count << " allocation"
                  << (l.count == 1 ? "" : "s") << ", " << l.bytes << " bytes at";
                for (auto a : l.first_addresses) o << " " << hex(a);
                if (l.count > l.first_addresses.size()) o << " ...";
                o << "\n";
            }
        }
    }
    text_objects(o, r);
    text_lookaside_snapshot(o, r);
    if (r.unimplemented_called) o << "\nStopped:       unimplemented " << *r.unimplemented_called << " called\n";
    if (r.bugcheck) {
        const auto& b = *r.bugcheck;
        o << "\nBug check:     " << hex(b.code, 8) << " " << b.name << "\n";
        o << "  Parameters:  " << hex(b.params[0]) << ", " << hex(b.params[1]) << ", " << hex(b.params[2]) << ", "
          << hex(b.params[3]) << "\n";
    }
    o << "\nResult:        ";
    switch (int s = r.exit_status()) {
    case exit_code::clean: o << "clean (exit status 0)"; break;
    case exit_code::load_failure: o << "the image could not be loaded"; break;
    case exit_code::unresolved_imports: o << "not run: unresolved imports"; break;
    case exit_code::entry_failure: o << "DriverEntry failed"; break;
    case exit_code::leaks: o << "leaks at unload"; break;
    case exit_code::unimplemented_called: o << "an unimplemented routine was called"; break;
    case exit_code::host_failure: o << "the host did not complete the run"; break;
    default: o << "bug check " << hex(static_cast<std::uint32_t>(s), 8); break;
    }
    if (r.exit_status() != exit_code::clean) o << " (exit status " << (r.exit_status() & 0xFF) << ")";
    o << "\n";
    return o.str();
}

std::string format_json(const Report& r) {
    std::ostringstream o;
    o << "{\n";
    o << "  \"driver\": " << json_string(r.driver) << ",\n";
    o << "  \"arch\": " << json_string(r.arch) << ",\n";
    o << "  \"image_base\": " << json_string(hex(r.image_base)) << ",\n";
    o << "  \"seed\": " << r.seed << ",\n";
    o << "  \"verifier\": " << (r.verifier ? "true" : "false") << ",\n";
    o << "  \"load_error\": " << (r.load_error ? json_string(*r.load_error) : "null") << ",\n";
    o << "  \"unresolved_imports\": [";
    for (std::size_t i = 0; i < r.unresolved_imports.size(); ++i) o << (i ? ", " : "") << json_string(r.unresolved_imports[i]);
    o << "],\n  \"imports\": [";
    for (std::size_t i = 0; i < r.imports.size(); ++i)
        o << (i ? ", " : "") << "{\"name\": " << json_string(r.imports[i].first) << ", \"bound_to\": " << json_string(r.imports[i].second) << "}";
    o << "],\n";
    o << "  \"entry_status\": " << (r.entry_status ? json_string(status_text(*r.entry_status)) : "null") << ",\n";
    o << "  \"kernel_dll\": " << (r.kernel_dll ? "true" : "false") << ",\n";
    o << "  \"unloaded\": " << (r.unloaded ? "true" : "false") << ",\n";
    o << "  \"kept_seconds\": " << r.kept_seconds << ",\n";
    o << "  \"unimplemented_called\": " << (r.unimplemented_called ? json_string(*r.unimplemented_called) : "null") << ",\n";
    o << "  \"bugcheck\": ";
    if (r.bugcheck) {
        const auto& b = *r.bugcheck;
        o << "{\"code\": " << json_string(hex(b.code, 8)) << ", \"name\": " << json_string(b.name) << ", \"params\": [";
        for (int i = 0; i < 4; ++i) o << (i ? ", " : "") << json_string(hex(b.params[i]));
        o << "]}";
    } else {
        o << "null";
    }
    o << ",\n  \"pool_tags\": [";
    bool first = true;
    for (const auto& [k, s] : r.pool.tags()) {
        o << (first ? "\n" : ",\n") << "    {\"tag\": " << json_string(tag_text(k.tag)) << ", \"tag_value\": " << json_string(hex(k.tag, 8))
          << ", \"pool\": \"" << pool_json(k.paged) << "\", \"allocs\": " << s.allocs << ", \"frees\": " << s.frees
          << ", \"bytes_live\": " << s.bytes_live << "}";
        first = false;
    }
    o << (first ? "" : "\n  ") << "],\n  \"leaks\": [";
    first = true;
    if (r.image_unloaded()) {
        for (const auto& l : r.pool.leaks()) {
            o << (first ? "\n" : ",\n") << "    {\"tag\": " << json_string(tag_text(l.tag)) << ", \"pool\": \"" << pool_json(l.paged)
              << "\", \"count\": " << l.count << ", \"bytes\": " << l.bytes << ", \"addresses\": [";
            for (std::size_t i = 0; i < l.first_addresses.size(); ++i) o << (i ? ", " : "") << json_string(hex(l.first_addresses[i]));
            o << "]}";
            first = false;
        }
    }
    o << (first ? "" : "\n  ") << "],\n  \"foreign_frees\": [";
    for (std::size_t i = 0; i < r.pool.foreign_frees().size(); ++i) o << (i ? ", " : "") << json_string(r.pool.foreign_frees()[i]);
    o << "],\n";
    json_objects(o, r);
    json_lookaside_snapshot(o, r);
    o << "  \"exit_status\": " << r.exit_status() << "\n}\n";
    return o.str();
}

}  // namespace ntoshost
