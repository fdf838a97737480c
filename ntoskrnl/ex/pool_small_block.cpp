// The small tier's blocks: the POOL_HEADER, the slack and the i386 process slot, written when a
// block is handed out and checked when a pointer comes back. Only this file (and special pool,
// which lays its own) reads or writes a pool header. Bug check codes and parameters are those of
// Microsoft's bug check reference (BAD_POOL_CALLER 0xC2, BAD_POOL_HEADER 0x19); where Windows'
// choice between documented codes is not known, the choice is noted at the check.
#include <cstring>

#include "ex/pool_internal.h"
#include "ex/pool_slack.h"
#include "ke/bugcheck.h"
#include "ps/quota.h"

namespace ex::pool::detail {
namespace {

using ke::bugcheck_code::bad_pool_caller;
using ke::bugcheck_code::bad_pool_header;

constexpr nt::ULONG header_quota_bit = 0x8;   // QUOTA_POOL_MASK in the stored pool type

// 0xC2 / 0x0D: a quota block's process pointer is not the process it charged (P2 the block, P3
// its tag, P4 the pointer found), as Windows checks it when it returns the quota.
[[noreturn, gnu::cold, gnu::noinline]] void bad_quota_process(std::uintptr_t block, nt::ULONG tag, const void* found) {
    ke::bug_check(bad_pool_caller, 0x0D, block, tag, reinterpret_cast<std::uintptr_t>(found));
}

// 0x19 / 0xD: the header of a free block was modified after the free (the bug check page names
// 0xD-0xF and 0x23-0x25 for this and leaves their parameters reserved; project choice: P2 the
// header, P3 what it holds, P4 the block size in units it should hold).
[[noreturn, gnu::cold, gnu::noinline]] void free_header_modified(const nt::POOL_HEADER* header, std::size_t units) {
    ke::bug_check(bad_pool_header, 0xD, reinterpret_cast<std::uintptr_t>(header), header->Ulong1, units);
}

}  // namespace

[[gnu::cold, gnu::noinline]] void corrupt_free_list(const void* entry, const void* link) {
    ke::bug_check(bad_pool_header, 0x3, reinterpret_cast<std::uintptr_t>(entry), reinterpret_cast<std::uintptr_t>(link), 0);
}

void* small_allocate_block(ThreadHeap& heap, const TypeInfo& type, std::size_t requested, std::size_t block,
                           nt::ULONG tag, bool quota, void* billed) {
    PageInfo* page;
    void* body = small_allocate(heap, type.arena, type.cache_aligned, block, &page);
    if (!body) return nullptr;
    const std::size_t slot = quota ? quota_slot_bytes : 0;
    auto* header = static_cast<nt::POOL_HEADER*>(body) - 1;
    nt::POOL_HEADER h;
    h.Ulong1 = header->Ulong1;   // PreviousSize and BlockSize were laid out with the page
    // A free block's header still says free and its size (a write after free or an overrun of
    // the previous block that reached it would hand out a block with a bad one).
    if (h.pool_type() != 0 || h.block_size() != block / unit) [[unlikely]]
        free_header_modified(header, block / unit);
    // The pool type as the header stores it, with QUOTA_POOL_MASK for charged blocks.
    h.set_pool_type(type.header_type + (quota ? header_quota_bit : 0));
    header->PoolTag = tag;
#if UINTPTR_MAX > 0xFFFFFFFFu
    // x64 Windows keeps the charged EPROCESS in the header (windows-behavior.md 4.6).
    header->ProcessBilled = billed;
#endif
    const std::size_t slack = block - unit - slot - requested;
    const auto at = reinterpret_cast<std::uintptr_t>(body);
    const std::size_t index = block_index(*page, at - (at & ~(page_size - 1)) - page->first_offset - unit);
    page->slack[index].store(static_cast<std::uint8_t>(slack), std::memory_order_relaxed);
    std::uint8_t* end = static_cast<std::uint8_t*>(body) + block - unit - slot;
    fill_slack(end, slack, block - unit - slot);
    if (slot) std::memcpy(end, &billed, sizeof(billed));
    __atomic_store_n(&header->Ulong1, h.Ulong1, __ATOMIC_RELEASE);
    return body;
}

SmallBlock small_locate(ex::pool::Arena which, SmallRegion& region, std::uintptr_t a) {
    const std::size_t page_index = (a - reinterpret_cast<std::uintptr_t>(region.base)) / page_size;
    const auto pool_start = reinterpret_cast<std::uintptr_t>(region.base);
    if (page_index >= region.committed.load(std::memory_order_acquire)) not_a_block(which, a, pool_start);
    PageInfo& page = region.info[page_index];
    const std::size_t units = page.units.load(std::memory_order_acquire);
    if (!units) not_a_block(which, a, pool_start);
    const std::size_t block = units * unit;
    const std::uintptr_t first_header = reinterpret_cast<std::uintptr_t>(region.base) + page_index * page_size +
                                        page.first_offset;
    if (a < first_header + unit) not_a_block(which, a, pool_start);
    const std::size_t offset = a - first_header - unit;
    const std::size_t index = block_index(page, offset);
    if (index * block != offset || index >= page.capacity) not_a_block(which, a, pool_start);

    auto* header = reinterpret_cast<nt::POOL_HEADER*>(a - unit);
    nt::POOL_HEADER seen;
    seen.Ulong1 = __atomic_load_n(&header->Ulong1, __ATOMIC_ACQUIRE);
    const auto h = reinterpret_cast<std::uintptr_t>(header);
    if (seen.pool_type() == 0) {
        // 0x07: freeing pool that was already freed (P3 header contents, P4 the block).
        ke::bug_check(bad_pool_caller, 0x07, 0, seen.Ulong1, a);
    }
    if (seen.block_size() == 0) ke::bug_check(bad_pool_header, 0x8, 0, 0, h);
    if (seen.block_size() != units) {
        if (seen.block_size() * unit > page_size - page.first_offset - index * block)
            ke::bug_check(bad_pool_header, 0x9, h, 0, h);
        ke::bug_check(bad_pool_header, 0x7, 0, 0, h);
    }
    if (seen.previous_size() != (index ? units : 0)) {
        // 0x5: adjacent entries contradict each other (P2 one, P4 the other).
        ke::bug_check(bad_pool_header, 0x5, h, 0, index ? h - block : h);
    }
    if (index + 1 < page.capacity) {
        // The next header must still say what the page's layout says: else this block overran it.
        nt::POOL_HEADER next;
        next.Ulong1 = __atomic_load_n(&(header + block / unit)->Ulong1, __ATOMIC_RELAXED);
        if (next.block_size() != units || next.previous_size() != units)
            ke::bug_check(bad_pool_header, 0x20, h, h + block, 0);
    }
    const std::size_t slack = page.slack[index].load(std::memory_order_relaxed);
    const bool quota = ((seen.pool_type() - 1) & header_quota_bit) != 0;
    const std::size_t slot = quota ? quota_slot_bytes : 0;
    const std::size_t requested = block - unit - slot - slack;
    const auto* end = reinterpret_cast<const std::uint8_t*>(a) + block - unit - slot;
    check_slack(a, requested, end, slack);
    void* billed = nullptr;
    if (quota) {
#if UINTPTR_MAX > 0xFFFFFFFFu
        billed = header->ProcessBilled;
#else
        std::memcpy(&billed, end, sizeof(billed));
#endif
        if (!ps::is_process_object(billed)) bad_quota_process(a, header->PoolTag, billed);
    }
    // Usable: the block less its header (and an i386 quota block's process slot).
    const BlockFacts facts{which, header->PoolTag, seen.pool_type() - 1, quota, block, block - unit - slot, block - unit, requested};
    return SmallBlock{facts, &page, header, seen.Ulong1, billed};
}

void small_mark_free(const SmallBlock& b, void* block) {
    nt::POOL_HEADER freed;
    freed.Ulong1 = b.header_word;
    freed.set_pool_type(0);
    nt::ULONG expected = b.header_word;
    if (!__atomic_compare_exchange_n(&b.header->Ulong1, &expected, freed.Ulong1, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        ke::bug_check(bad_pool_caller, 0x07, 0, expected, reinterpret_cast<std::uintptr_t>(block));
}

}  // namespace ex::pool::detail
