// Big blocks: whole pages, page aligned, no header; the big-allocation table (one entry per page
// of the region) holds tag, type and size, and remembers freed blocks so that a second free is
// recognised as such.
#include "ex/pool_internal.h"
#include "ex/pool_slack.h"
#include "ke/bugcheck.h"

namespace ex::pool::detail {
namespace {

// Freed runs kept committed for reuse, per arena; beyond this they are decommitted so that the
// memory goes back and a use after free faults.
constexpr std::size_t cached_committed_budget_pages = 1024;   // 4 MiB
// The largest run a thread keeps for itself (CachedBigRun): a driver that allocates and frees a
// buffer of the same size over and over then takes no region lock and rewrites no table
// entries. Bounded per thread and arena, so what the caches hold stays small.
constexpr std::size_t thread_cached_max_pages = 16;   // 64 KiB

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

// Gives a run back, merging it with the free runs next to it (and with the unused space at the
// bump pointer), so that a driver whose big blocks vary in size does not fragment the region
// into runs too small to reuse. A merged run is committed only if all its parts were; the
// committed pages of a part that loses that state are decommitted, so the budget stays exact.
void add_run(BigRegion& region, std::size_t first, std::size_t pages, bool committed) {
    auto uncommit = [&](BigRegion::Run& r) {
        if (!r.committed) return;
        platform::decommit(region.base + std::size_t{r.first} * page_size, std::size_t{r.pages} * page_size);
        region.cached_committed_pages -= r.pages;
        r.committed = false;
    };
    BigRegion::Run run{static_cast<std::uint32_t>(first), static_cast<std::uint32_t>(pages), committed};
    if (committed) region.cached_committed_pages += pages;
    for (std::size_t i = 0; i < region.run_count;) {
        BigRegion::Run& other = region.runs[i];
        const bool before = std::size_t{other.first} + other.pages == run.first;
        const bool after = std::size_t{run.first} + run.pages == other.first;
        if (!before && !after) {
            ++i;
            continue;
        }
        if (run.committed != other.committed) {
            uncommit(run);
            uncommit(other);
        }
        run.first = before ? other.first : run.first;
        run.pages += other.pages;
        other = region.runs[--region.run_count];   // removed; look at what moved into slot i
    }
    const bool reaches_bump = std::size_t{run.first} + run.pages == region.bump;
    // A committed run stays a run even at the never-used end: folding it back into that end would
    // decommit it, and an allocate/free pair of one big block would then cost a commit and a
    // decommit every time (measured: 33 us per pair instead of 43 ns on x86_64).
    if (region.run_count < BigRegion::max_runs && !(reaches_bump && !run.committed)) {
        region.runs[region.run_count++] = run;
        return;
    }
    if (reaches_bump) {
        // An uncommitted run (or one there is no room to remember) at the never-used end becomes
        // part of it again.
        uncommit(run);
        region.bump = run.first;
        return;
    }
    // No room to remember it: give the memory back; the address range is lost for reuse.
    uncommit(run);
}

}  // namespace

namespace {

// Gives a run (its head entry already marked freed) back to the region.
void release_to_region(ex::pool::Arena which, std::size_t first) {
    BigRegion& region = arena(which).big;
    BigEntry& head = region.table[first];
    const std::size_t pages = head.pages;
    for (std::size_t i = 1; i < pages; ++i) region.table[first + i].state.store(BigEntry::unused, std::memory_order_relaxed);
    SpinLockGuard guard(region.lock);
    const bool keep = region.cached_committed_pages + pages <= cached_committed_budget_pages;
    if (!keep) platform::decommit(region.base + first * page_size, pages * page_size);
    add_run(region, first, pages, keep);
}

// The heap's cached run of `which` back to the region, if it holds one.
void flush_cached(ThreadHeap& heap, ex::pool::Arena which) {
    CachedBigRun& cached = heap.big_cache[static_cast<int>(which)];
    if (!cached.pages) return;
    const std::size_t first = cached.first;
    cached.pages = 0;
    release_to_region(which, first);
}

// Makes the run at `first` (its head's page count and its tail entries already laid) the live
// block for `bytes`.
[[gnu::always_inline]] inline void* hand_out(BigRegion& region, std::size_t first, std::size_t pages,
                                             std::size_t bytes, nt::ULONG tag, nt::ULONG pool_type, bool quota) {
    BigEntry& head = region.table[first];
    head.bytes = bytes;
    head.tag = tag;
    head.pool_type = pool_type;
    head.quota = quota;
    head.state.store(BigEntry::head, std::memory_order_release);
    std::uint8_t* block = region.base + first * page_size;
    // Below a page a caller gets exactly the bytes it asked for, and past a page the tail of the
    // last page is not the caller's either: an overrun into it is found at free.
    fill_slack(block + pages * page_size, pages * page_size - bytes, pages * page_size);
    return block;
}

}  // namespace

void* big_allocate(ThreadHeap& heap, ex::pool::Arena which, std::size_t bytes, nt::ULONG tag, nt::ULONG pool_type,
                   bool quota) {
    Arena& a = arena(which);
    BigRegion& region = a.big;
    if (bytes > region.pages * page_size) return nullptr;
    const std::size_t pages = (bytes + page_size - 1) / page_size;
    std::size_t first;
    bool committed;
    CachedBigRun& cached = heap.big_cache[static_cast<int>(which)];
    if (cached.pages == pages) {
        // The thread's own freed run of this size: committed, its head and tails still laid.
        cached.pages = 0;
        return hand_out(region, cached.first, pages, bytes, tag, pool_type, quota);
    }
    // Another size: the cached run goes back first, so that it can merge with its neighbours
    // and a request for more pages than it has can be served where it was.
    flush_cached(heap, which);
    {
        SpinLockGuard guard(region.lock);
        if (!take_run(region, pages, &first, &committed)) return nullptr;
        // The table grows with the bump pointer, in whole pages of entries, committed once.
        if (const std::size_t entries = region.table_committed.load(std::memory_order_relaxed); region.bump > entries) {
            auto lo = reinterpret_cast<std::uintptr_t>(region.table + entries) & ~(page_size - 1);
            auto hi = (reinterpret_cast<std::uintptr_t>(region.table + region.bump) + page_size - 1) & ~(page_size - 1);
            if (!platform::commit(reinterpret_cast<void*>(lo), hi - lo, platform::Protection::read_write)) {
                add_run(region, first, pages, committed);
                return nullptr;
            }
            region.table_committed.store((hi - reinterpret_cast<std::uintptr_t>(region.table)) / sizeof(BigEntry),
                                         std::memory_order_release);
        }
    }
    std::uint8_t* block = region.base + first * page_size;
    // Legacy pool memory is uninitialised (ExAllocatePool2 zeroes it itself): a cached run is
    // handed out as it is.
    if (!committed && !platform::commit(block, pages * page_size, a.protection)) {
        SpinLockGuard guard(region.lock);
        add_run(region, first, pages, false);
        return nullptr;
    }
    region.table[first].pages = static_cast<std::uint32_t>(pages);
    for (std::size_t i = 1; i < pages; ++i) region.table[first + i].state.store(BigEntry::tail, std::memory_order_relaxed);
    return hand_out(region, first, pages, bytes, tag, pool_type, quota);
}

BigBlock big_locate(ex::pool::Arena which, BigRegion& region, std::uintptr_t a) {
    const auto pool_start = reinterpret_cast<std::uintptr_t>(region.base);
    const std::size_t first = (a - pool_start) / page_size;
    // The table outlives the blocks (also past the bump pointer, when the last run went back to
    // the unused end), so a freed head is still recognised. No lock: the committed part only
    // grows, and an entry is a head only while its block is live (so below the bump pointer).
    if (first >= region.table_committed.load(std::memory_order_acquire)) not_a_block(which, a, pool_start);
    BigEntry& entry = region.table[first];
    const std::uint8_t state = entry.state.load(std::memory_order_acquire);
    if (state == BigEntry::freed && a % page_size == 0) {
        // A second free of a big block: the table remembers the first one.
        ke::bug_check(ke::bugcheck_code::bad_pool_caller, 0x07, 0, 0, a);
    }
    if (state != BigEntry::head || a % page_size) not_a_block(which, a, pool_start);
    const std::size_t end = std::size_t{entry.pages} * page_size;
    check_slack(a, entry.bytes, reinterpret_cast<const std::uint8_t*>(a) + end, end - entry.bytes);
    const BlockFacts facts{which, entry.tag, entry.pool_type - 1, entry.quota, end, end, end, entry.bytes};
    return BigBlock{facts, first, &entry};
}

void big_mark_free(const BigBlock& b, void* block) {
    std::uint8_t expected = BigEntry::head;
    if (!b.entry->state.compare_exchange_strong(expected, BigEntry::freed, std::memory_order_acq_rel))
        ke::bug_check(ke::bugcheck_code::bad_pool_caller, 0x07, 0, 0, reinterpret_cast<std::uintptr_t>(block));
}

void big_release(ThreadHeap& heap, ex::pool::Arena which, std::size_t first) {
    const std::size_t pages = arena(which).big.table[first].pages;
    if (pages > thread_cached_max_pages) return release_to_region(which, first);
    // The most recently freed run stays with the thread; the one it held goes back.
    flush_cached(heap, which);
    heap.big_cache[static_cast<int>(which)] = CachedBigRun{static_cast<std::uint32_t>(first), static_cast<std::uint32_t>(pages)};
}

void big_flush_cache(ThreadHeap& heap) {
    for (int i = 0; i < arena_count; ++i) flush_cached(heap, static_cast<ex::pool::Arena>(i));
}

}  // namespace ex::pool::detail
