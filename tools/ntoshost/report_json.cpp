// The JSON report (README "Driver host", JSON fields).
#include <sstream>

#include "report.h"
#include "report_format.h"

namespace ntoshost {
namespace {

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
    o << "  \"modules\": [";
    for (std::size_t i = 0; i < r.modules.size(); ++i) {
        const auto& m = r.modules[i];
        o << (i ? ", " : "") << "{\"name\": " << json_string(m.name) << ", \"path\": " << json_string(m.path)
          << ", \"base\": " << json_string(hex(m.base)) << ", \"dll_initialize\": "
          << (m.initialize_status && m.has_initialize ? json_string(status_text(*m.initialize_status)) : "null")
          << ", \"dll_unload_called\": " << (m.unload_called && *m.unload_called ? "true" : "false") << ", \"pool_tags\": [";
        bool first = true;
        for (const auto& [k, st] : m.pool.tags()) {
            o << (first ? "" : ", ") << "{\"tag\": " << json_string(tag_text(k.tag)) << ", \"pool\": " << json_string(pool_json(k.paged))
              << ", \"allocs\": " << st.allocs << ", \"frees\": " << st.frees << ", \"bytes_live\": " << st.bytes_live << "}";
            first = false;
        }
        o << "], \"leaks\": " << (m.unloaded() ? std::to_string(m.pool.live().size()) : std::string("null")) << "}";
    }
    o << "],\n";
    o << "  \"security_cookie\": " << (r.security_cookie ? json_string(hex(r.security_cookie->second)) : "null") << ",\n";
    o << "  \"service_key\": " << (r.service_key.empty() ? "null" : json_string(r.service_key)) << ",\n";
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
    o << ",\n  \"crash\": ";
    if (r.crash) {
        o << "{\"code\": " << json_string(hex(r.crash->code, 8)) << ", \"address\": " << json_string(hex(r.crash->address))
          << ", \"where\": " << json_string(r.crash->where) << ", \"frames\": [";
        for (std::size_t i = 0; i < r.crash->frames.size(); ++i)
            o << (i ? ", " : "") << "{\"address\": " << json_string(hex(r.crash->frames[i].first)) << ", \"where\": "
              << json_string(r.crash->frames[i].second) << "}";
        o << "]}";
    } else {
        o << "null";
    }
    o << ",\n  \"debug_output\": [";
    for (std::size_t i = 0; i < r.debug_output.size(); ++i) o << (i ? ", " : "") << json_string(r.debug_output[i]);
    o << "]";
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
