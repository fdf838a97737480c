// The small tier's blocks: the POOL_HEADER, the slack and the i386 process slot, written when a
// block is handed out and checked when a pointer comes back. Only this header and its .cpp (and
// special pool, which lays its own) read or write a pool header.
//
// The calls every pair makes are inline here so that they fuse with the pool's entry points
// (pool.cpp) into one function each: no SmallBlock is built in memory and read back, and the
// compiler sees the whole path. Every check is still made: the fast test for a header is one
// masked compare, and when it fails a cold decider in the .cpp finds which documented bug check
// applies, testing in the order the pool always has, so codes and parameters are unchanged.
// Bug check codes and parameters: Microsoft's bug check reference (BAD_POOL_CALLER 0xC2,
// BAD_POOL_HEADER 0x19).
#pragma once

#include <cstring>

#include "ex/pool_internal.h"
#include "ex/pool_slack.h"
#include "ps/quota.h"

namespace ex::pool::detail {

inline constexpr nt::ULONG header_quota_bit = 0x8;   // QUOTA_POOL_MASK in the stored pool type

// The header fields the page's layout fixes: PreviousSize and BlockSize. PoolIndex is not
// checked, as before: the pool leaves it 0 and nothing it does depends on it.
inline constexpr nt::ULONG header_sizes_mask =
    nt::POOL_HEADER::make_ulong1(nt::POOL_HEADER::size_mask, 0, nt::POOL_HEADER::size_mask, 0);
inline constexpr nt::ULONG header_type_mask = nt::POOL_HEADER::make_ulong1(0, 0, 0, nt::POOL_HEADER::index_mask);
inline constexpr nt::ULONG header_sizes(std::size_t previous_units, std::size_t units) {
    return nt::POOL_HEADER::make_ulong1(static_cast<nt::ULONG>(previous_units), 0, static_cast<nt::ULONG>(units), 0);
}

// Cold deciders (pool_small_block.cpp): each stops the system.
// A free block about to be handed out has a header that no longer says free and its size.
[[noreturn]] void free_header_modified(const nt::POOL_HEADER* header, std::size_t units);
// A live block's header failed the fast test: says free (double free), or its sizes contradict the page's layout.
[[noreturn]] void bad_live_header(const nt::POOL_HEADER* header, nt::ULONG seen, std::size_t units, std::size_t index,
                                  const PageInfo& page, std::uintptr_t a);
// The next block's header no longer matches the layout: this block overran it.
[[noreturn]] void overran_next_header(std::uintptr_t header, std::size_t block);
// A quota block's process pointer is not the process it charged.
[[noreturn]] void bad_quota_process(std::uintptr_t block, nt::ULONG tag, const void* found);
// The header changed between validation and the mark-free: a racing free of the same block.
[[noreturn]] void lost_free_race(nt::ULONG seen, const void* block);

// Formats `body` (just taken off `page`'s free list, block of `block` bytes) for `requested`
// bytes: header (type, tag, the process a quota block charged), slack pattern, process slot.
[[gnu::always_inline]] inline void* small_format_block(PageInfo& page, void* body, nt::ULONG header_type,
                                                       std::size_t requested, std::size_t block, nt::ULONG tag,
                                                       bool quota, void* billed) {
    const std::size_t slot = quota ? quota_slot_bytes : 0;
    const std::size_t units = block / unit;
    auto* header = static_cast<nt::POOL_HEADER*>(body) - 1;
    const nt::ULONG laid = header->Ulong1;   // PreviousSize and BlockSize were laid out with the page
    // A free block's header still says free and its size (a write after free or an overrun of
    // the previous block that reached it would hand out a block with a bad one).
    if ((laid & (header_type_mask | nt::POOL_HEADER::make_ulong1(0, 0, nt::POOL_HEADER::size_mask, 0))) !=
        header_sizes(0, units)) [[unlikely]]
        free_header_modified(header, units);
    header->PoolTag = tag;
#if UINTPTR_MAX > 0xFFFFFFFFu
    // x64 Windows keeps the charged EPROCESS in the header (windows-behavior.md 4.6).
    header->ProcessBilled = billed;
#endif
    const std::size_t slack = block - unit - slot - requested;
    const auto at = reinterpret_cast<std::uintptr_t>(body);
    const std::size_t index = block_index(page, (at & (page_size - 1)) - page.first_offset - unit);
    page.slack[index].store(static_cast<std::uint8_t>(slack), std::memory_order_relaxed);
    std::uint8_t* end = static_cast<std::uint8_t*>(body) + block - unit - slot;
    fill_slack(end, slack, block - unit - slot);
    if (slot) std::memcpy(end, &billed, sizeof(billed));
    // The pool type as the header stores it, with QUOTA_POOL_MASK for charged blocks; stored
    // last, so a racing reader of the header sees a live block only once it is complete.
    const nt::ULONG type = header_type + (quota ? header_quota_bit : 0);
    __atomic_store_n(&header->Ulong1, laid | nt::POOL_HEADER::make_ulong1(0, 0, 0, type), __ATOMIC_RELEASE);
    return body;
}

// Takes a free block of `block` bytes and formats it (small_format_block); nullptr when out of memory.
[[gnu::always_inline]] inline void* small_allocate_block(ThreadHeap& heap, const TypeInfo& type, std::size_t requested,
                                                         std::size_t block, nt::ULONG tag, bool quota, void* billed) {
    PageInfo* page;
    void* body = small_allocate(heap, type.arena, type.cache_aligned, block, &page);
    if (!body) [[unlikely]] return nullptr;
    return small_format_block(*page, body, type.header_type, requested, block, tag, quota, billed);
}

// Validates a pointer into the small region of `which`: header, neighbours, slack, billed
// process; bug checks on anything that is not a live block's body.
[[gnu::always_inline]] inline SmallBlock small_locate(ex::pool::Arena which, SmallRegion& region, std::uintptr_t a) {
    const auto pool_start = reinterpret_cast<std::uintptr_t>(region.base);
    const std::size_t page_index = (a - pool_start) / page_size;
    if (page_index >= region.committed.load(std::memory_order_acquire)) [[unlikely]] not_a_block(which, a, pool_start);
    PageInfo& page = region.info[page_index];
    const std::size_t units = page.units.load(std::memory_order_acquire);
    if (!units) [[unlikely]] not_a_block(which, a, pool_start);
    const std::size_t block = units * unit;
    // Bytes from the first block's body; wraps (and fails the bound) for a pointer before it.
    const std::size_t offset = (a & (page_size - 1)) - page.first_offset - unit;
    const std::size_t index = block_index(page, offset);
    if (offset >= page_size || index * block != offset || index >= page.capacity) [[unlikely]]
        not_a_block(which, a, pool_start);

    auto* header = reinterpret_cast<nt::POOL_HEADER*>(a - unit);
    const nt::ULONG seen = __atomic_load_n(&header->Ulong1, __ATOMIC_ACQUIRE);
    if ((seen & header_type_mask) == 0 || (seen & header_sizes_mask) != header_sizes(index ? units : 0, units))
        [[unlikely]] bad_live_header(header, seen, units, index, page, a);
    if (index + 1 < page.capacity) {
        // The next header must still say what the page's layout says: else this block overran it.
        const nt::ULONG next = __atomic_load_n(&(header + units)->Ulong1, __ATOMIC_RELAXED);
        if ((next & header_sizes_mask) != header_sizes(units, units)) [[unlikely]]
            overran_next_header(reinterpret_cast<std::uintptr_t>(header), block);
    }
    const nt::ULONG stored_type = (seen >> nt::POOL_HEADER::pool_type_shift) & nt::POOL_HEADER::index_mask;
    const std::size_t slack = page.slack[index].load(std::memory_order_relaxed);
    const bool quota = ((stored_type - 1) & header_quota_bit) != 0;
    const std::size_t slot = quota ? quota_slot_bytes : 0;
    const std::size_t requested = block - unit - slot - slack;
    const auto* end = reinterpret_cast<const std::uint8_t*>(a) + block - unit - slot;
    check_slack(a, requested, end, slack);
    void* billed = nullptr;
    if (quota) [[unlikely]] {
#if UINTPTR_MAX > 0xFFFFFFFFu
        billed = header->ProcessBilled;
#else
        std::memcpy(&billed, end, sizeof(billed));
#endif
        if (!ps::is_process_object(billed)) bad_quota_process(a, header->PoolTag, billed);
    }
    // Usable: the block less its header (and an i386 quota block's process slot).
    const BlockFacts facts{which, header->PoolTag, stored_type - 1, quota, block, block - unit - slot, block - unit, requested};
    return SmallBlock{facts, &page, header, seen, billed};
}

// Marks the header free: losing that race to another free of the block is a double free. The
// block then goes back with small_release.
[[gnu::always_inline]] inline void small_mark_free(const SmallBlock& b, void* block) {
    nt::ULONG expected = b.header_word;
    if (!__atomic_compare_exchange_n(&b.header->Ulong1, &expected, b.header_word & ~header_type_mask, false,
                                     __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) [[unlikely]]
        lost_free_race(expected, block);
}

}  // namespace ex::pool::detail
