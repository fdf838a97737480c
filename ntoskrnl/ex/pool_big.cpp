// Big blocks: whole pages, page aligned, no header; the big-allocation table (one entry per page
// of the region) holds tag, type and size, and remembers freed blocks so that a second free is
// recognised as such.
#include "ex/pool_internal.h"

namespace ex::pool::detail {
namespace {

// Freed runs kept committed for reuse, per arena; beyond this they are decommitted so that the
// memory goes back and a use after free faults.
constexpr std::size_t cached_committed_budget_pages = 1024;   // 4 MiB

bool take_run(BigRegion& region, std::size_t pages, std::size_t* first, bool* committed) {
    for (std::size_t i = 0; i < region.run_count; ++i) {
        BigRegion::Run& run = region.runs[i];
        if (run.pages < pages) continue;
        *first = run.first;
        *committed = run.committed;
        if (run.committed) region.cached_committed_pages -= run.pages;
        if (run.pages == pages) {
            run = region.runs[--region.run_count];
        } else {
            // Hand out the front; the rest keeps its state.
            run.first += static_cast<std::uint32_t>(pages);
            run.pages -= static_cast<std::uint32_t>(pages);
            if (run.committed) region.cached_committed_pages += run.pages;
        }
        return true;
    }
    if (region.pages - region.bump < pages) return false;
    *first = region.bump;
    *committed = false;
    region.bump += pages;
    return true;
}

}  // namespace

void* big_allocate(ex::pool::Arena which, std::size_t bytes, nt::ULONG tag, nt::ULONG pool_type, bool quota) {
    Arena& a = arena(which);
    BigRegion& region = a.big;
    if (bytes > region.pages * page_size) return nullptr;
    const std::size_t pages = (bytes + page_size - 1) / page_size;
    std::size_t first;
    bool committed;
    {
        SpinLockGuard guard(region.lock);
        if (!take_run(region, pages, &first, &committed)) return nullptr;
        // The table grows with the bump pointer, in whole pages of entries, committed once.
        if (region.bump > region.table_committed) {
            auto lo = reinterpret_cast<std::uintptr_t>(region.table + region.table_committed) & ~(page_size - 1);
            auto hi = (reinterpret_cast<std::uintptr_t>(region.table + region.bump) + page_size - 1) & ~(page_size - 1);
            if (!platform::commit(reinterpret_cast<void*>(lo), hi - lo, platform::Protection::read_write)) {
                if (region.run_count < BigRegion::max_runs)
                    region.runs[region.run_count++] = {static_cast<std::uint32_t>(first),
                                                       static_cast<std::uint32_t>(pages), committed};
                return nullptr;
            }
            region.table_committed = (hi - reinterpret_cast<std::uintptr_t>(region.table)) / sizeof(BigEntry);
        }
    }
    std::uint8_t* block = region.base + first * page_size;
    // Legacy pool memory is uninitialised (ExAllocatePool2 zeroes it itself): a cached run is
    // handed out as it is.
    if (!committed && !platform::commit(block, pages * page_size, a.protection)) {
        SpinLockGuard guard(region.lock);
        if (region.run_count < BigRegion::max_runs)
            region.runs[region.run_count++] = {static_cast<std::uint32_t>(first), static_cast<std::uint32_t>(pages), false};
        return nullptr;
    }
    BigEntry& head = region.table[first];
    head.pages = static_cast<std::uint32_t>(pages);
    head.bytes = bytes;
    head.tag = tag;
    head.pool_type = pool_type;
    head.quota = quota;
    for (std::size_t i = 1; i < pages; ++i) region.table[first + i].state.store(BigEntry::tail, std::memory_order_relaxed);
    head.state.store(BigEntry::head, std::memory_order_release);
    return block;
}

void big_release(ex::pool::Arena which, std::size_t first) {
    Arena& a = arena(which);
    BigRegion& region = a.big;
    BigEntry& head = region.table[first];
    const std::size_t pages = head.pages;
    for (std::size_t i = 1; i < pages; ++i) region.table[first + i].state.store(BigEntry::unused, std::memory_order_relaxed);
    SpinLockGuard guard(region.lock);
    bool keep = region.cached_committed_pages + pages <= cached_committed_budget_pages;
    if (!keep) platform::decommit(region.base + first * page_size, pages * page_size);
    if (region.run_count < BigRegion::max_runs) {
        region.runs[region.run_count++] = {static_cast<std::uint32_t>(first), static_cast<std::uint32_t>(pages), keep};
        if (keep) region.cached_committed_pages += pages;
    } else if (keep) {
        // No room to remember the run: give the memory back; the address range is lost for reuse.
        platform::decommit(region.base + first * page_size, pages * page_size);
    }
}

}  // namespace ex::pool::detail
