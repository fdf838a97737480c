// Special pool, as Driver Verifier's "Special Pool" option with Verify End alignment provides it
// (Microsoft, "Special Pool" in the Driver Verifier docs): every small allocation gets a page of
// its own, placed as high as its alignment allows so that it ends at (or within an alignment
// unit of) the page end, followed by a guard page that is never mapped. The rest of the page is
// filled with a pattern. An overrun past the page faults at once; one within the alignment slack,
// or an underrun, is found at free; a freed page is unmapped, so a use after free faults. Faults
// bug check 0xCD/0xD6 (beyond the end) or 0xCC/0xD5 (freed), the DRIVER_ forms when the faulting
// instruction is not this module's. Corruption found at free is 0xC1 with the documented
// subcodes. Pages are reused first-in first-out, so a freed page stays unmapped as long as possible.
#pragma once

#include <cstddef>
#include <cstdint>

#include "ex/pool.h"

namespace ex::pool::special {

// Whether a request is served from special pool (when the verifier is on): blocks that would
// have a POOL_HEADER, as Windows' special pool takes only allocations below a page.
bool eligible(std::size_t bytes, bool cache_aligned);

// nullptr when special pool is exhausted (the caller then uses the normal pool, as Windows does).
void* allocate(const Request& request);

// Whether an address lies in the special pool's region (its pages, guard pages included).
bool contains(const void* address);

// Frees a special-pool block: the checks of free() plus the special pool's own (0xC1).
void free(void* block, nt::ULONG tag);
BlockInfo query(const void* block);

// Live special-pool blocks (for tests).
std::size_t live_blocks();

}  // namespace ex::pool::special
