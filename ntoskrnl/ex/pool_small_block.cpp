// The small tier's cold paths: which documented bug check a block that failed one of
// pool_small_block.h's fast tests earns, with its parameters. Codes and parameters are those of
// Microsoft's bug check reference (BAD_POOL_CALLER 0xC2, BAD_POOL_HEADER 0x19); where Windows'
// choice between documented codes is not known, the choice is noted at the check.
#include "ex/pool_small_block.h"

#include "ke/bugcheck.h"

namespace ex::pool::detail {

using ke::bugcheck_code::bad_pool_caller;
using ke::bugcheck_code::bad_pool_header;

[[gnu::cold, gnu::noinline]] void corrupt_free_list(const void* entry, const void* link) {
    ke::bug_check(bad_pool_header, 0x3, reinterpret_cast<std::uintptr_t>(entry), reinterpret_cast<std::uintptr_t>(link), 0);
}

// 0x19 / 0xD: the header of a free block was modified after the free (the bug check page names
// 0xD-0xF and 0x23-0x25 for this and leaves their parameters reserved; project choice: P2 the
// header, P3 what it holds, P4 the block size in units it should hold).
[[gnu::cold, gnu::noinline]] void free_header_modified(const nt::POOL_HEADER* header, std::size_t units) {
    ke::bug_check(bad_pool_header, 0xD, reinterpret_cast<std::uintptr_t>(header), header->Ulong1, units);
}

[[gnu::cold, gnu::noinline]] void bad_live_header(const nt::POOL_HEADER* header, nt::ULONG word, std::size_t units,
                                                  std::size_t index, const PageInfo& page, std::uintptr_t a) {
    nt::POOL_HEADER seen;
    seen.Ulong1 = word;
    const auto h = reinterpret_cast<std::uintptr_t>(header);
    const std::size_t block = units * unit;
    // 0x07: freeing pool that was already freed (P3 header contents, P4 the block).
    if (seen.pool_type() == 0) ke::bug_check(bad_pool_caller, 0x07, 0, seen.Ulong1, a);
    if (seen.block_size() == 0) ke::bug_check(bad_pool_header, 0x8, 0, 0, h);
    if (seen.block_size() != units) {
        // 0x9: the size it claims runs past the page; 0x7: another size that fits.
        if (seen.block_size() * unit > page_size - page.first_offset - index * block)
            ke::bug_check(bad_pool_header, 0x9, h, 0, h);
        ke::bug_check(bad_pool_header, 0x7, 0, 0, h);
    }
    // 0x5: adjacent entries contradict each other (P2 one, P4 the other).
    ke::bug_check(bad_pool_header, 0x5, h, 0, index ? h - block : h);
}

// 0x19 / 0x20: the pool block header size is corrupt (P2 the block's header, P3 the next one's).
[[gnu::cold, gnu::noinline]] void overran_next_header(std::uintptr_t header, std::size_t block) {
    ke::bug_check(bad_pool_header, 0x20, header, header + block, 0);
}

// 0xC2 / 0x0D: a quota block's process pointer is not the process it charged (P2 the block, P3
// its tag, P4 the pointer found), as Windows checks it when it returns the quota.
[[gnu::cold, gnu::noinline]] void bad_quota_process(std::uintptr_t block, nt::ULONG tag, const void* found) {
    ke::bug_check(bad_pool_caller, 0x0D, block, tag, reinterpret_cast<std::uintptr_t>(found));
}

// 0xC2 / 0x07: the block was freed twice, the other free winning the header (P3 what it holds now).
[[gnu::cold, gnu::noinline]] void lost_free_race(nt::ULONG seen, const void* block) {
    ke::bug_check(bad_pool_caller, 0x07, 0, seen, reinterpret_cast<std::uintptr_t>(block));
}

}  // namespace ex::pool::detail
