// Lookaside lists and zones a driver creates, as the driver host sees them through its thunks on
// the Ex routines (object_thunks.cpp). Portable C++: the parent rebuilds this from event lines
// (report.h) and the unit tests drive it directly.
//
// What is worth reporting, following Driver Verifier's view of a driver's resources: every list
// must be deleted before the driver unloads (Windows keeps initialized lists on a system-wide
// chain, so an undeleted list in freed or unloaded memory is a dangling entry), and its storage
// must not go back to the pool while the list is still initialized. Zones have no delete routine
// (the driver frees the segments), so a zone is reported with its geometry only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ntoshost {

// GENERAL_LOOKASIDE counters (include/nt/layouts.h), read when the list is deleted.
struct LookasideCounters {
    std::uint32_t total_allocates = 0;
    std::uint32_t allocate_misses = 0;
    std::uint32_t total_frees = 0;
    std::uint32_t free_misses = 0;
};

struct LookasideList {
    std::uint64_t address = 0;
    std::string kind;               // "NPaged", "Paged" or "Ex" (ExInitializeLookasideListEx)
    std::uint32_t tag = 0;
    std::uint64_t size = 0;         // entry size the driver asked for
    std::uint32_t pool_type = 0;    // POOL_TYPE the entries come from
    std::int32_t status = 0;        // ExInitializeLookasideListEx's status; 0 for the VOID routines
    bool deleted = false;
    bool storage_freed = false;     // the pool block holding the list was freed while it was not deleted
    std::optional<LookasideCounters> counters;
};

struct Zone {
    std::uint64_t address = 0;
    std::uint64_t block_size = 0;   // 0: the driver extended a zone it did not initialize through the host
    std::int32_t status = 0;        // ExInitializeZone's status
    std::vector<std::pair<std::uint64_t, std::uint64_t>> segments;   // (address, size) that the zone accepted
    bool header_freed = false;      // the pool block holding the ZONE_HEADER was freed

    std::uint64_t total_segment_size() const;
};

class KernelObjects {
public:
    void lookaside_initialized(const LookasideList& list);
    // The most recent undeleted list at `address`; false if there is none (a delete the host cannot
    // match: an uninitialized or already deleted list).
    bool lookaside_deleted(std::uint64_t address, const std::optional<LookasideCounters>& counters);
    void zone_initialized(std::uint64_t address, std::uint64_t block_size, std::uint64_t segment, std::uint64_t segment_size,
                          std::int32_t status);
    void zone_extended(std::uint64_t address, std::uint64_t segment, std::uint64_t segment_size, std::int32_t status);
    // The driver freed the pool block [address, address + bytes).
    void pool_block_freed(std::uint64_t address, std::uint64_t bytes);

    const std::vector<LookasideList>& lookaside_lists() const { return lists_; }
    const std::vector<Zone>& zones() const { return zones_; }
    std::size_t undeleted_lookaside_lists() const;

private:
    std::vector<LookasideList> lists_;   // in creation order
    std::vector<Zone> zones_;
};

}  // namespace ntoshost
