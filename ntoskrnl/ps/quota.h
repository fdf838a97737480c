// Process pool quota (Ps): what the quota allocators and the PsCharge*/PsReturn* exports charge.
// Under emulation the system has one process, the one Wine runs the driver in; it is an
// EmulatedProcess the module hands out as the PEPROCESS of IoGetCurrentProcess. Limits come from
// the registry values Windows reads, PagedPoolQuota and NonPagedPoolQuota under
// HKLM\System\CurrentControlSet\Control\Session Manager\Memory Management, in megabytes
// (documented range 1-128; 0 or absent means no limit: TechNet "PagedPoolQuota", KB 153480).
#pragma once

#include <atomic>
#include <cstdint>

#include "nt/ob_layouts.h"
#include "nt/pool.h"
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

// The emulated process as an object: Windows' OBJECT_HEADER (nt/ob_layouts.h) right before it, so
// OBJECT_TO_OBJECT_HEADER(process)->PointerCount is where Windows has it (body - 0x18 on x86,
// - 0x30 on x64). PointerCount starts at 1, the reference the system keeps while the process
// lives; the references quota blocks take are counted there (reference_process below).
inline nt::OBJECT_HEADER initial_header() {
    nt::OBJECT_HEADER h{};
    h.PointerCount = 1;
    return h;
}
struct EmulatedProcessObject {
    nt::OBJECT_HEADER header = initial_header();
    EmulatedProcess body;
};
static_assert(offsetof(EmulatedProcessObject, body) == sizeof(nt::OBJECT_HEADER));

EmulatedProcess* current_process();
// The emulated process's header (tests read its PointerCount).
const nt::OBJECT_HEADER* emulated_process_header();

// The PEPROCESS the module hands out (IoGetCurrentProcess, PsGetCurrentProcess) and records in
// quota blocks. Without a source it is the EmulatedProcess itself. In the drop-in the source is
// Wine's IoGetCurrentProcess (platform/wine_builtin.h), so the pointer is Wine's process object,
// the one Wine's Ob*/Ps*/Ke* routines accept; Wine answers with the requesting process while it
// dispatches an IRP, as Windows runs a top-level driver's dispatch in the caller's context. The
// quota itself is kept in the one EmulatedProcess whatever the object.
void* process_object();
// The drop-in's source and the routines of the object manager that owns its objects (Wine's
// ObfReferenceObject / ObfDereferenceObject on Wine's objects, which keep the count in Wine's own
// header, not in Windows' layout).
struct ProcessObjectSource {
    void* (*current)();
    void (*reference)(void* object);
    void (*dereference)(void* object);
};
void set_process_object_source(const ProcessObjectSource* source);

// The reference a small quota block holds on the process it charged, from the allocation to its
// free ("it takes a reference to the process, and releases it on free": ReactOS's kmtest
// ExPools.c, validated on Windows; blocks of a page or more take none). Through the owner of the
// object: the emulated process's header count, or the source's Ob routines for Wine's objects.
void reference_process(void* object);
void dereference_process(void* object);
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

// The quota a block of paged or nonpaged pool is charged to: the one mapping the pool, special
// pool and the PsCharge*/PsReturn* exports use.
constexpr QuotaKind quota_kind(bool paged) { return paged ? QuotaKind::paged : QuotaKind::nonpaged; }
inline QuotaKind kind_of_pool_type(nt::ULONG pool_type) { return quota_kind(nt::pool_type_is_paged(pool_type)); }

}  // namespace ps
