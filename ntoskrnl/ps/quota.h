// Process pool quota (Ps): what the quota allocators and the PsCharge*/PsReturn* exports charge.
// Under emulation the system has one process, the one Wine runs the driver in; it is an
// EmulatedProcess the module hands out as the PEPROCESS of IoGetCurrentProcess. Limits come from
// the registry values Windows reads, PagedPoolQuota and NonPagedPoolQuota under
// HKLM\System\CurrentControlSet\Control\Session Manager\Memory Management, in megabytes
// (documented range 1-128; 0 or absent means no limit: TechNet "PagedPoolQuota", KB 153480).
#pragma once

#include <atomic>
#include <cstdint>

#include "nt/types.h"

namespace ps {

// PS_QUOTA_TYPE values (what QUOTA_UNDERFLOW's second parameter names): PsNonPagedPool 0,
// PsPagedPool 1.
enum class QuotaKind : int { nonpaged = 0, paged = 1 };

// The emulated EPROCESS. Drivers treat PEPROCESS as opaque; the first byte is the dispatcher
// header's Type, ProcessObject (3) as in every KPROCESS, so a debugger-minded driver sees a process.
struct EmulatedProcess {
    nt::UCHAR dispatcher_type = 3;
    std::atomic<std::uint64_t> charged[2] = {};   // bytes, indexed by QuotaKind
    std::atomic<std::uint64_t> limit[2] = {~std::uint64_t{0}, ~std::uint64_t{0}};
};

EmulatedProcess* current_process();

// The PEPROCESS the module hands out (IoGetCurrentProcess, PsGetCurrentProcess) and records in
// quota blocks. Without a source it is the EmulatedProcess itself. In the drop-in the source is
// Wine's IoGetCurrentProcess (platform/wine_builtin.h), so the pointer is Wine's process object,
// the one Wine's Ob*/Ps*/Ke* routines accept; Wine answers with the requesting process while it
// dispatches an IRP, as Windows runs a top-level driver's dispatch in the caller's context. The
// quota itself is kept in the one EmulatedProcess whatever the object.
void* process_object();
void set_process_object_source(void* (*source)());
// Whether `object` is a process object the module has handed out (a quota block's billed
// process is checked against this at free, as Windows checks the block's ProcessBilled).
bool is_process_object(const void* object);

// Charges `bytes` of `kind` to the process; false (nothing charged) if that would pass its limit.
bool charge(EmulatedProcess* process, QuotaKind kind, std::uint64_t bytes);

// Returns a charge. Returning more than is charged stops the system with QUOTA_UNDERFLOW (0x21):
// P1 the process, P2 the quota type, P3 the amount being returned, P4 the excess over the charge
// (Microsoft's bug check reference, 0x21): `object` as the caller named it, else process_object().
void give_back(EmulatedProcess* process, QuotaKind kind, std::uint64_t bytes, const void* object = nullptr);

struct QuotaUsage {
    std::uint64_t paged_bytes;
    std::uint64_t nonpaged_bytes;
};
QuotaUsage usage(const EmulatedProcess* process);

// Limits in bytes (~0 = none).
void set_limits(EmulatedProcess* process, std::uint64_t paged_bytes, std::uint64_t nonpaged_bytes);

// Converts a registry value (megabytes, 0 = no limit) to a limit in bytes.
inline constexpr std::uint64_t limit_from_megabytes(std::uint32_t megabytes) {
    return megabytes ? std::uint64_t{megabytes} << 20 : ~std::uint64_t{0};
}

// Reads the registry limits into the current process (module initialisation).
void initialize_limits();

inline QuotaKind kind_of_pool_type(nt::ULONG pool_type) {
    return (pool_type & 1) ? QuotaKind::paged : QuotaKind::nonpaged;   // the base type's paged bit
}

}  // namespace ps
