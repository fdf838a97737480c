// The report built from the child's event stream (events.h) and the module's STOP line.
#include <cstdlib>
#include <type_traits>

#include "report.h"

namespace ntoshost {
namespace {

bool hex_number(std::string_view s, std::uint64_t* out) {
    std::string t(s);
    if (t.empty()) return false;
    char* end = nullptr;
    *out = std::strtoull(t.c_str(), &end, 16);
    return end && *end == '\0';
}

std::int32_t status(std::uint32_t v) { return static_cast<std::int32_t>(v); }

}  // namespace

std::optional<BugCheck> parse_stop_line(std::string_view line) {
    constexpr std::string_view stop = "*** STOP: ";
    auto at = line.find(stop);
    if (at == std::string_view::npos) return std::nullopt;
    line.remove_prefix(at + stop.size());
    BugCheck bc;
    auto open = line.find(" ("), close = line.find(") ");
    std::uint64_t code = 0;
    if (open == std::string_view::npos || close == std::string_view::npos || close < open) return std::nullopt;
    if (!hex_number(line.substr(0, open), &code)) return std::nullopt;
    bc.code = static_cast<std::uint32_t>(code);
    auto params = line.substr(open + 2, close - open - 2);
    for (int i = 0; i < 4; ++i) {
        auto comma = params.find(',');
        if (!hex_number(params.substr(0, comma), &bc.params[i])) return std::nullopt;
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

void Report::apply(const events::Event& event) {
    namespace ev = events;
    std::visit(
        [this](const auto& e) {
            using E = std::decay_t<decltype(e)>;
            if constexpr (std::is_same_v<E, ev::Image>) {
                image_base = e.base, image_size = e.size, entry_point = e.entry;
            } else if constexpr (std::is_same_v<E, ev::Import>) {
                imports.emplace_back(e.slot, e.target);
            } else if constexpr (std::is_same_v<E, ev::Unresolved>) {
                unresolved_imports.push_back(e.slot + (e.reason.empty() ? "" : " (" + e.reason + ")"));
            } else if constexpr (std::is_same_v<E, ev::Refused>) {
                refused = true;
            } else if constexpr (std::is_same_v<E, ev::Module>) {
                DependentModule m;
                m.name = e.module, m.path = e.path, m.base = e.base, m.size = e.size;
                modules.push_back(std::move(m));
            } else if constexpr (std::is_same_v<E, ev::ModuleInit>) {
                for (auto& m : modules)
                    if (m.name == e.module) m.has_initialize = e.has_initialize != 0, m.initialize_status = status(e.status);
            } else if constexpr (std::is_same_v<E, ev::ModuleUnload>) {
                for (auto& m : modules)
                    if (m.name == e.module) m.unload_called = e.called != 0;
            } else if constexpr (std::is_same_v<E, ev::Cookie>) {
                security_cookie = std::make_pair(e.address, e.value);
            } else if constexpr (std::is_same_v<E, ev::Alloc>) {
                // An export driver's allocation counts for it, not for the driver.
                DependentModule* m = e.owner.empty() ? nullptr : module_named(e.owner);
                (m ? m->pool : pool).allocated(e.address, e.tag, e.paged != 0, e.pool_type, e.bytes, e.routine);
            } else if constexpr (std::is_same_v<E, ev::Free>) {
                if (auto it = pool.live().find(e.address); it != pool.live().end()) {
                    objects.pool_block_freed(e.address, it->second.bytes);
                    pool.freed(e.address, e.tag, e.routine);
                } else {
                    // A block counts where it was allocated (the driver may free what its export
                    // driver made); a free of nobody's block is the caller's foreign free.
                    DependentModule* owner = nullptr;
                    for (auto& m : modules)
                        if (m.pool.live().count(e.address)) owner = &m;
                    if (!owner && !e.caller.empty()) owner = module_named(e.caller);
                    (owner ? owner->pool : pool).freed(e.address, e.tag, e.routine);
                }
            } else if constexpr (std::is_same_v<E, ev::Lookaside>) {
                LookasideList l;
                l.address = e.address, l.kind = e.kind, l.tag = e.tag, l.size = e.size, l.pool_type = e.pool_type;
                l.status = status(e.status);
                objects.lookaside_initialized(l);
            } else if constexpr (std::is_same_v<E, ev::LookasideDelete>) {
                std::optional<LookasideCounters> counters;
                if (e.has_counters) counters = LookasideCounters{e.total_allocates, e.allocate_misses, e.total_frees, e.free_misses};
                objects.lookaside_deleted(e.address, counters);
            } else if constexpr (std::is_same_v<E, ev::Zone>) {
                objects.zone_initialized(e.address, e.block_size, e.segment, e.segment_size, status(e.status));
            } else if constexpr (std::is_same_v<E, ev::ZoneExtend>) {
                objects.zone_extended(e.address, e.segment, e.segment_size, status(e.status));
            } else if constexpr (std::is_same_v<E, ev::LookasideSnapshot>) {
                lookaside_snapshot.emplace();
            } else if constexpr (std::is_same_v<E, ev::LookasideInfo>) {
                if (lookaside_snapshot)
                    lookaside_snapshot->push_back({e.depth, e.max_depth, e.allocates, e.allocate_misses, e.frees, e.free_misses,
                                                   e.pool_type, e.tag, e.size});
            } else if constexpr (std::is_same_v<E, ev::KernelDll>) {
                kernel_dll = true;
                has_dll_initialize = e.has_initialize != 0;
            } else if constexpr (std::is_same_v<E, ev::Entry>) {
                entry_status = status(e.status);
            } else if constexpr (std::is_same_v<E, ev::Unload>) {
                has_unload = e.has_unload != 0;
            } else if constexpr (std::is_same_v<E, ev::Unloaded>) {
                unloaded = true;
            } else if constexpr (std::is_same_v<E, ev::Kept>) {
                kept_seconds = e.seconds;
            } else if constexpr (std::is_same_v<E, ev::Debug>) {
                debug_output.push_back(e.message);
            } else if constexpr (std::is_same_v<E, ev::Exception>) {
                if (!crash) crash = Crash{e.code, e.address, e.where, {}};   // the first one stops the system
            } else if constexpr (std::is_same_v<E, ev::Frame>) {
                if (crash) crash->frames.emplace_back(e.address, e.where);
            } else if constexpr (std::is_same_v<E, ev::Unimplemented>) {
                unimplemented_called = e.routine;
            } else if constexpr (std::is_same_v<E, ev::LoadError>) {
                load_error = e.message;
            } else {
                static_assert(sizeof(E) == 0, "an event the report does not handle");
            }
        },
        event);
}

bool Report::consume_line(std::string_view line) {
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
    if (auto bc = parse_stop_line(line)) {
        if (!bugcheck) bugcheck = *bc;   // a second STOP cannot happen; keep the first
        return true;
    }
    auto event = events::parse(line);
    if (!event) return false;
    apply(*event);
    return true;
}

DependentModule* Report::module_named(const std::string& name) {
    for (auto& m : modules)
        if (m.name == name) return &m;
    return nullptr;
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
    for (const auto& m : modules)
        if (m.unloaded() && !m.pool.live().empty()) return exit_code::leaks;
    if (child_exit && *child_exit != 0) return exit_code::host_failure;
    return exit_code::clean;
}

}  // namespace ntoshost
