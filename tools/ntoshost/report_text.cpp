// The text report: what a developer reads after a run (README "Driver host").
#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <map>
#include <sstream>

#include "report.h"
#include "report_format.h"

namespace ntoshost {
namespace {

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

}  // namespace

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
    for (const auto& m : r.modules) {
        o << "Export driver: " << m.name << " at " << hex(m.base) << " (" << m.path << ")";
        if (m.initialize_status)
            o << (m.has_initialize ? ", DllInitialize " + status_text(*m.initialize_status) : std::string(", no DllInitialize"));
        if (m.unload_called) o << (*m.unload_called ? ", DllUnload called" : ", no DllUnload (stays loaded)");
        o << "\n";
        // Its own pool use, as poolmon counts it (not the driver's).
        for (const auto& [k, st] : m.pool.tags())
            o << "  pool of " << m.name << ": " << tag_text(k.tag) << " " << pool_text(k.paged) << ", " << st.allocs << " alloc"
              << (st.allocs == 1 ? "" : "s") << ", " << st.frees << " free" << (st.frees == 1 ? "" : "s") << ", " << st.bytes_live
              << " bytes live\n";
        if (m.unloaded()) {
            const auto leaks = m.pool.leaks();
            if (leaks.empty()) o << "  leaks of " << m.name << " at DllUnload: none\n";
            for (const auto& l : leaks)
                o << "  leak of " << m.name << " at DllUnload: " << tag_text(l.tag) << " " << pool_text(l.paged) << ", " << l.count
                  << " allocation" << (l.count == 1 ? "" : "s") << ", " << l.bytes << " bytes\n";
        }
    }
    if (r.security_cookie)
        o << "GS cookie:     " << hex(r.security_cookie->second) << " set at " << hex(r.security_cookie->first)
          << " (load config SecurityCookie, as Windows' loader sets it)\n";
    if (!r.service_key.empty()) o << "Service key:   " << r.service_key << " (created for the run, removed after)\n";
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
    if (!r.debug_output.empty()) {
        o << "\nDebug output (DbgPrint, " << r.debug_output.size() << " message" << (r.debug_output.size() == 1 ? "" : "s") << "):\n";
        for (const auto& m : r.debug_output) {
            std::string line = m;
            while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
            std::size_t at = 0;
            for (std::size_t nl; (nl = line.find('\n', at)) != std::string::npos; at = nl + 1) o << "  " << line.substr(at, nl - at) << "\n";
            o << "  " << line.substr(at) << "\n";
        }
    }
    if (r.unimplemented_called) o << "\nStopped:       unimplemented " << *r.unimplemented_called << " called\n";
    if (r.bugcheck) {
        const auto& b = *r.bugcheck;
        o << "\nBug check:     " << hex(b.code, 8) << " " << b.name << "\n";

        o << "  Parameters:  " << hex(b.params[0]) << ", " << hex(b.params[1]) << ", " << hex(b.params[2]) << ", "
          << hex(b.params[3]) << "\n";
    }
    if (r.fast_fail)
        o << "  Fast fail:   the driver executed int 0x29 (__fastfail); Wine ended the process at once, so the\n"
             "               FAST_FAIL code and the trap frame are not known (parameters 0)\n";
    if (r.crash) {
        // As a debugger's bug check analysis names it: the faulting instruction as module+offset.
        const auto& c = *r.crash;
        o << "  Exception:   " << hex(c.code, 8) << " at " << hex(c.address)
          << (c.where.empty() ? std::string(" (in no loaded module)") : " (" + c.where + ")") << "\n";
        for (const auto& [address, where] : c.frames)
            o << "  Called from: " << hex(address) << (where.empty() ? std::string() : " (" + where + ")") << "\n";
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

}  // namespace ntoshost
