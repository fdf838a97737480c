#include "kernel_objects.h"

namespace ntoshost {

std::uint64_t Zone::total_segment_size() const {
    std::uint64_t total = 0;
    for (const auto& s : segments) total += s.second;
    return total;
}

void KernelObjects::lookaside_initialized(const LookasideList& list) {
    // Initializing again over a live list (no delete in between) leaves the old one undeleted:
    // it stays in the report as such.
    lists_.push_back(list);
}

bool KernelObjects::lookaside_deleted(std::uint64_t address, const std::optional<LookasideCounters>& counters) {
    for (auto it = lists_.rbegin(); it != lists_.rend(); ++it) {
        if (it->address != address || it->deleted || it->status < 0) continue;
        it->deleted = true;
        it->counters = counters;
        return true;
    }
    return false;
}

void KernelObjects::zone_initialized(std::uint64_t address, std::uint64_t block_size, std::uint64_t segment,
                                     std::uint64_t segment_size, std::int32_t status) {
    Zone z;
    z.address = address;
    z.block_size = block_size;
    z.status = status;
    if (status >= 0) z.segments.emplace_back(segment, segment_size);
    zones_.push_back(std::move(z));
}

void KernelObjects::zone_extended(std::uint64_t address, std::uint64_t segment, std::uint64_t segment_size, std::int32_t status) {
    if (status < 0) return;   // the zone did not take the segment
    for (auto it = zones_.rbegin(); it != zones_.rend(); ++it) {
        if (it->address != address) continue;
        it->segments.emplace_back(segment, segment_size);
        return;
    }
    Zone z;
    z.address = address;
    z.segments.emplace_back(segment, segment_size);
    zones_.push_back(std::move(z));
}

void KernelObjects::pool_block_freed(std::uint64_t address, std::uint64_t bytes) {
    auto inside = [&](std::uint64_t a) { return a >= address && a - address < bytes; };
    for (auto& l : lists_)
        if (!l.deleted && l.status >= 0 && inside(l.address)) l.storage_freed = true;
    for (auto& z : zones_)
        if (inside(z.address)) z.header_freed = true;
}

std::size_t KernelObjects::undeleted_lookaside_lists() const {
    std::size_t n = 0;
    for (const auto& l : lists_) n += l.deleted || l.status < 0 ? 0 : 1;   // a failed Ex list holds nothing
    return n;
}

}  // namespace ntoshost
