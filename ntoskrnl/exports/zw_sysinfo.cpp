// ZwQuerySystemInformation: SystemPoolTagInformation (the interface poolmon uses) comes from the
// pool's tag tables, SystemLookasideInformation from the lookaside registry; every other class is
// Wine's, through ntdll.
#include <algorithm>

#include "ex/lookaside.h"
#include "ex/pool.h"
#include "ex/spinlock.h"
#include "exports/abi.h"
#include "nt/sysinfo.h"
#include "platform/platform.h"

using nt::NTSTATUS;
using nt::ULONG;

namespace {

NTSTATUS query_pool_tags(void* buffer, ULONG length, ULONG* return_length) {
    // Collect per (tag, pool kind) and fold into one row per tag.
    // Scratch space of our own (no pool allocation while reporting on the pool, and too big for
    // a driver's stack), one query at a time.
    static constexpr std::size_t max_rows = 4096;
    static ex::pool::TagUsage usage[max_rows];
    static nt::SYSTEM_POOLTAG rows[max_rows];
    static ex::SpinLock lock;
    ex::SpinLockGuard guard(lock);
    std::size_t n = std::min(ex::pool::tag_usage(usage, max_rows), max_rows);

    std::size_t count = 0;
    for (std::size_t i = 0; i < n; ++i) {
        std::size_t r = 0;
        while (r < count && rows[r].TagUlong != usage[i].tag) ++r;
        if (r == count) rows[count++] = nt::SYSTEM_POOLTAG{{.TagUlong = usage[i].tag}, 0, 0, 0, 0, 0, 0};
        const auto live = static_cast<nt::SIZE_T>(usage[i].bytes_live > 0 ? usage[i].bytes_live : 0);
        if (usage[i].paged) {
            rows[r].PagedAllocs += static_cast<ULONG>(usage[i].allocs);
            rows[r].PagedFrees += static_cast<ULONG>(usage[i].frees);
            rows[r].PagedUsed += live;
        } else {
            rows[r].NonPagedAllocs += static_cast<ULONG>(usage[i].allocs);
            rows[r].NonPagedFrees += static_cast<ULONG>(usage[i].frees);
            rows[r].NonPagedUsed += live;
        }
    }
    const ULONG needed = static_cast<ULONG>(offsetof(nt::SYSTEM_POOLTAG_INFORMATION, TagInfo) +
                                            std::max<std::size_t>(count, 1) * sizeof(nt::SYSTEM_POOLTAG));
    if (return_length) *return_length = needed;
    if (length < needed || !buffer) return nt::STATUS_INFO_LENGTH_MISMATCH;
    auto* info = static_cast<nt::SYSTEM_POOLTAG_INFORMATION*>(buffer);
    info->Count = static_cast<ULONG>(count);
    std::copy(rows, rows + count, info->TagInfo);
    return nt::status::success;
}

// One SYSTEM_LOOKASIDE_INFORMATION per registered list. Project decision (Windows' sizing rule
// for this class is not documented): like the pool tag class, the return length is what all
// lists need, and a shorter buffer gets STATUS_INFO_LENGTH_MISMATCH with nothing written.
NTSTATUS query_lookaside(void* buffer, ULONG length, ULONG* return_length) {
    static constexpr std::size_t max_rows = 4096;
    static nt::SYSTEM_LOOKASIDE_INFORMATION rows[max_rows];
    static ex::SpinLock lock;
    ex::SpinLockGuard guard(lock);
    const std::size_t count = std::min(ex::lookaside::system_registry().snapshot(rows, max_rows), max_rows);
    const auto needed = static_cast<ULONG>(count * sizeof(nt::SYSTEM_LOOKASIDE_INFORMATION));
    if (return_length) *return_length = needed;
    if (length < needed || (!buffer && needed)) return nt::STATUS_INFO_LENGTH_MISMATCH;
    std::copy(rows, rows + count, static_cast<nt::SYSTEM_LOOKASIDE_INFORMATION*>(buffer));
    return nt::status::success;
}

}  // namespace

NT_EXPORT NTSTATUS NT_API ZwQuerySystemInformation(ULONG info_class, void* buffer, ULONG length, ULONG* return_length) {
    if (info_class == nt::SystemPoolTagInformation) return query_pool_tags(buffer, length, return_length);
    if (info_class == nt::SystemLookasideInformation) return query_lookaside(buffer, length, return_length);
    return platform::query_system_information(info_class, buffer, length, return_length);
}
