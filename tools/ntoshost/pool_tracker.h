// Driver Verifier's pool tracking, for one driver: every allocation it made through the pool
// routines the host interposes, and every free. Portable C++: the parent rebuilds it from the
// event stream (events.h), the child keeps its own copy (child_events.cpp) for the verifier's
// leak check at unload.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ntoshost {

struct TagKey {
    std::uint32_t tag;
    bool paged;
    auto operator<=>(const TagKey&) const = default;
};

struct TagStats {
    std::uint64_t allocs = 0;
    std::uint64_t frees = 0;
    std::int64_t bytes_live = 0;
};

struct LiveBlock {
    std::uint32_t tag;
    bool paged;
    std::uint32_t pool_type;
    std::uint64_t bytes;
    std::string routine;
};

struct Leak {
    std::uint32_t tag;
    bool paged;
    std::uint64_t count = 0;
    std::uint64_t bytes = 0;
    std::vector<std::uint64_t> first_addresses;   // the lowest few, for the report
};

class PoolTracker {
public:
    void allocated(std::uint64_t address, std::uint32_t tag, bool paged, std::uint32_t pool_type, std::uint64_t bytes,
                   const std::string& routine);
    // Returns false when the address is not a live block of this driver (double free, or memory
    // another component allocated); the module decides whether that stops the system.
    bool freed(std::uint64_t address, std::uint32_t tag_passed, const std::string& routine);

    const std::map<TagKey, TagStats>& tags() const { return tags_; }
    const std::map<std::uint64_t, LiveBlock>& live() const { return live_; }
    std::vector<Leak> leaks(std::size_t addresses_per_tag = 4) const;
    // Frees the driver made of addresses it did not own at that moment, as "routine(0x...)".
    const std::vector<std::string>& foreign_frees() const { return foreign_frees_; }

private:
    std::map<TagKey, TagStats> tags_;
    std::map<std::uint64_t, LiveBlock> live_;
    std::vector<std::string> foreign_frees_;
};

}  // namespace ntoshost
