// The slack check both pool tiers make: at allocation the bytes between the end of the request
// and the end of the block (small blocks: up to 63 with the cache-aligned types, before an i386
// quota block's process slot) or of its last page (big blocks) are filled with a pattern, laid
// as whole words ending at that end; at free they must still hold it, else a neighbour's or the
// block's own overrun would go unnoticed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "ke/bugcheck.h"

namespace ex::pool::detail {

inline constexpr std::uint64_t slack_pattern_word = 0xC3CAD1D8DFE6EDF4ull;

// `room`: bytes from the block's body to `end`. Whole words when they fit in it (the first may
// start inside the request, whose bytes the caller has not written yet); else, for a short i386
// quota block whose first word would reach the header, the lowest partial word byte by byte.
inline void fill_slack(std::uint8_t* end, std::size_t slack, std::size_t room) {
    const std::size_t words = (slack + 7) / 8;
    if (8 * words <= room) {
        for (std::size_t w = 0; w < words; ++w) std::memcpy(end - 8 * (w + 1), &slack_pattern_word, 8);
        return;
    }
    const std::size_t whole = slack / 8, rest = slack % 8;
    for (std::size_t w = 0; w < whole; ++w) std::memcpy(end - 8 * (w + 1), &slack_pattern_word, 8);
    std::uint8_t* low = end - 8 * whole;
    for (std::size_t i = 1; i <= rest; ++i) low[-static_cast<std::ptrdiff_t>(i)] = static_cast<std::uint8_t>(slack_pattern_word >> (64 - 8 * i));
}

// The first (lowest) byte of the slack that no longer holds the pattern, or -1.
inline int damaged_slack_byte(const std::uint8_t* end, std::size_t slack) {
    for (std::size_t w = (slack + 7) / 8; w-- > 0;) {
        const std::uint8_t* word = end - 8 * (w + 1);
        std::uint64_t v;
        std::memcpy(&v, word, 8);
        const std::size_t callers = 8 * (w + 1) > slack ? 8 * (w + 1) - slack : 0;   // < 8
        const std::uint64_t diff = (v ^ slack_pattern_word) & (~std::uint64_t{0} << (callers * 8));
        if (diff) return word[__builtin_ctzll(diff) / 8];
    }
    return -1;
}

// 0x19 / 0x21: the data following the block is corrupt (P2 block, P3 bytes requested, P4 the bad value).
inline void check_slack(std::uintptr_t a, std::size_t requested, const std::uint8_t* end, std::size_t slack) {
    if (!slack) return;
    const int value = damaged_slack_byte(end, slack);
    if (value >= 0) [[unlikely]]
        ke::bug_check(ke::bugcheck_code::bad_pool_header, 0x21, a, requested, static_cast<std::uintptr_t>(value));
}

}  // namespace ex::pool::detail
