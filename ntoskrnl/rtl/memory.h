// Rtl memory routines of the portable core: what RtlCompareMemory answers (the number of leading
// bytes two blocks have in common). The copying and filling routines need no logic of their own:
// the export layer hands them to the C runtime's (exports/rtl_memory.cpp).
#pragma once

#include <cstddef>

namespace rtl {

// Bytes from the start of a and b that are equal, up to `bytes` (all of them when the blocks
// match): RtlCompareMemory [MSDN:RtlCompareMemory].
std::size_t compare_memory(const void* a, const void* b, std::size_t bytes);

}  // namespace rtl
