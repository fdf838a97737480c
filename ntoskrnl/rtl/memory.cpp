#include "rtl/memory.h"

#include <cstdint>
#include <cstring>

namespace rtl {

std::size_t compare_memory(const void* a, const void* b, std::size_t bytes) {
    const auto* p = static_cast<const unsigned char*>(a);
    const auto* q = static_cast<const unsigned char*>(b);
    std::size_t i = 0;
    // Word by word while they match, then the first differing word byte by byte.
    for (; i + sizeof(std::uintptr_t) <= bytes; i += sizeof(std::uintptr_t)) {
        std::uintptr_t x, y;
        std::memcpy(&x, p + i, sizeof x);
        std::memcpy(&y, q + i, sizeof y);
        if (x != y) break;
    }
    while (i < bytes && p[i] == q[i]) ++i;
    return i;
}

}  // namespace rtl
