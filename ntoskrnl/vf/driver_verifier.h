// Driver Verifier for the drivers named in its settings (vf/settings.h), as Windows applies it:
// per driver, at the driver's own calls. Windows' verifier redirects a verified driver's imports
// of the kernel's pool routines to its own when the image is loaded (the "verifier thunks"; the
// debugger's !verifier lists each driver's pool use from them); the module does the same
// (vf/verifier_thunks.cpp binds them), and this core does what those thunks do:
//  - special pool (option 0x1) for the driver's allocations that fit a page (ex/special_pool.h);
//  - the verifier's pool-call checks, DRIVER_VERIFIER_DETECTED_VIOLATION (0xC4): P1 0x00 a
//    zero-byte request, 0x01/0x02 allocating at IRQL above APC_LEVEL (paged) / DISPATCH_LEVEL
//    (nonpaged), 0x11/0x12 freeing at such an IRQL (P2 IRQL, P3 pool type, P4 size or address);
//  - pool tracking (option 0x8): every block the driver allocated stays attributed to it until
//    anyone frees it (the pool tells the verifier of each free), and unloading the image with
//    blocks outstanding is 0xC4 / 0x62 (P2 the driver's name, a UNICODE_STRING; P3 the verifier's
//    record of the driver; P4 the number of allocations not freed).
// Microsoft, "Bug Check 0xC4: DRIVER_VERIFIER_DETECTED_VIOLATION", "Pool Tracking", "Special Pool".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ex/pool.h"
#include "nt/driver.h"

namespace vf {

struct VerifiedDriver {
    std::uintptr_t base;
    std::size_t size;
    std::uint32_t options;           // VerifyDriverLevel bits in effect for it
    nt::UNICODE_STRING name;        // the image's base name; P2 of 0xC4 / 0x62 (P3 the record)
    char16_t name_buffer[64];
    // Pool tracking: outstanding allocations and bytes (paged, nonpaged), and totals.
    std::uint64_t live_allocations;
    std::uint64_t live_paged_bytes;
    std::uint64_t live_nonpaged_bytes;
    std::uint64_t total_allocations;
    bool in_use;
};

// Starts verifying an image that was just loaded. nullptr if every record is in use (32).
VerifiedDriver* attach(std::u16string_view image_base_name, const void* base, std::size_t size, std::uint32_t options);
// The verified driver whose image holds `address` (a return address), or nullptr.
VerifiedDriver* driver_at(const void* address);
// The image is being unloaded: with pool tracking, outstanding blocks stop the system (0xC4 / 0x62).
void detach(VerifiedDriver* driver);

// A pool request of the verified driver (an ex::pool::AllocateFn with the driver as context).
void* allocate(const ex::pool::Request& request, nt::NTSTATUS* failure, void* driver);
// A free by a verified driver: the verifier's IRQL and lookaside rules, then the pool's free
// (pool tracking forgets the block through the pool's free observer, whoever frees it).
void free(void* block, nt::ULONG tag);

// Counts for reports and tests: the driver's record as it stands (copied under the lock).
VerifiedDriver snapshot(const VerifiedDriver& driver);

}  // namespace vf
