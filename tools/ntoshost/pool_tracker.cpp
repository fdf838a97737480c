#include "pool_tracker.h"

#include <algorithm>

#include "report_format.h"

namespace ntoshost {

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

}  // namespace ntoshost
