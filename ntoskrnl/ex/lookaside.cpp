// Lookaside list initialisation, deletion, flush and the verifier's checks. The allocate/free
// paths are inline in lookaside.h; the registry and depth tuning are in lookaside_registry.cpp.
#include "ex/lookaside.h"

#include "ex/pool.h"
#include "vf/verifier.h"
#include "ke/bugcheck.h"

namespace ex::lookaside {
namespace {

using ke::bugcheck_code::driver_verifier_detected_violation;

// DRIVER_VERIFIER_DETECTED_VIOLATION subcodes for lookaside lists (windows-behavior.md 3.1, [BC:0xC4]).
constexpr nt::ULONG_PTR verifier_reinitialized = 0xCA;
constexpr nt::ULONG_PTR verifier_delete_uninitialized = 0xCB;
constexpr nt::ULONG_PTR verifier_free_active_list = 0xCC;
constexpr nt::ULONG_PTR verifier_block_too_small = 0xCD;

void verify_initialize(const Registry& registry, const GENERAL_LOOKASIDE_POOL& list, nt::SIZE_T size) {
    if (!vf::enabled()) return;
    const auto address = reinterpret_cast<nt::ULONG_PTR>(&list);
    if (registry.contains(&list)) ke::bug_check(driver_verifier_detected_violation, verifier_reinitialized, address);
    if (size < nt::LOOKASIDE_MINIMUM_BLOCK_SIZE)
        ke::bug_check(driver_verifier_detected_violation, verifier_block_too_small, address, size,
                      nt::LOOKASIDE_MINIMUM_BLOCK_SIZE);
}

// Fields every kind of list starts with (windows-behavior.md 3.5). Only the fields at the
// reference's offsets are written; ListEntry is written by the registry.
void fill(GENERAL_LOOKASIDE_POOL& l, ULONG type, nt::SIZE_T size, ULONG tag) {
    slist::initialize(&l.ListHead);
    __atomic_store_n(&l.Depth, initial_depth, __ATOMIC_RELAXED);
    l.MaximumDepth = maximum_depth;
    l.TotalAllocates = 0;
    l.AllocateMisses = 0;
    l.TotalFrees = 0;
    l.FreeMisses = 0;
    l.Type = static_cast<nt::POOL_TYPE>(type);
    l.Tag = tag;
    l.Size = static_cast<ULONG>(size);
    l.LastTotalAllocates = 0;
    l.LastAllocateMisses = 0;
}

}  // namespace

void initialize(Registry& registry, GENERAL_LOOKASIDE_POOL& list, nt::PALLOCATE_FUNCTION allocate,
                nt::PFREE_FUNCTION free, ULONG pool_type, nt::SIZE_T size, ULONG tag) {
    verify_initialize(registry, list, size);
    fill(list, pool_type, size, tag);
    list.Allocate = allocate;
    list.Free = free;
    registry.add(list, pool::classify(pool_type).paged);
}

nt::NTSTATUS validate_ex(ULONG pool_type, ULONG flags) {
    // Project decision (MSDN says only "invalid PoolType"): an Ex list caches blocks of one plain
    // pool, so nonpaged or paged, optionally cache aligned, session or NX; MustSucceed, the request
    // modifiers and unknown bits are rejected.
    const ULONG allowed = nt::POOL_TYPE_PAGED_BIT | nt::POOL_TYPE_CACHE_ALIGNED_BIT | nt::POOL_TYPE_SESSION_BIT | nt::POOL_NX_ALLOCATION;
    if ((pool_type & ~allowed) != 0 || (pool_type & nt::POOL_TYPE_MUST_SUCCEED_BIT)) return nt::status::invalid_parameter_4;
    const ULONG known = nt::EX_LOOKASIDE_LIST_EX_FLAGS_RAISE_ON_FAIL | nt::EX_LOOKASIDE_LIST_EX_FLAGS_FAIL_NO_RAISE;
    // The two flags are mutually exclusive [MSDN:ExInitializeLookasideListEx].
    if ((flags & ~known) != 0 || flags == known) return nt::status::invalid_parameter_5;
    return nt::status::success;
}

ULONG ex_type(ULONG pool_type, ULONG flags) {
    ULONG type = pool_type;
    if (flags & nt::EX_LOOKASIDE_LIST_EX_FLAGS_RAISE_ON_FAIL) type |= nt::POOL_RAISE_IF_ALLOCATION_FAILURE;
    if (flags & nt::EX_LOOKASIDE_LIST_EX_FLAGS_FAIL_NO_RAISE) type |= nt::POOL_QUOTA_FAIL_INSTEAD_OF_RAISE;
    return type;
}

nt::NTSTATUS initialize_ex(Registry& registry, nt::LOOKASIDE_LIST_EX& list, nt::PALLOCATE_FUNCTION_EX allocate,
                           nt::PFREE_FUNCTION_EX free, ULONG pool_type, ULONG flags, nt::SIZE_T size, ULONG tag) {
    const nt::NTSTATUS status = validate_ex(pool_type, flags);
    if (!nt::nt_success(status)) return status;
    verify_initialize(registry, list.L, size);
    fill(list.L, ex_type(pool_type, flags), size, tag);
    list.L.AllocateEx = allocate;
    list.L.FreeEx = free;
    registry.add(list.L, pool::classify(pool_type).paged);
    return nt::status::success;
}

void flush(GENERAL_LOOKASIDE_POOL& list, Kind kind) {
    // Take the whole chain at once, then free each block: a block freed to the list while this
    // runs stays cached (as on Windows, where flush only empties what was there).
    for (nt::SLIST_ENTRY* e = slist::flush(&list.ListHead); e;) {
        nt::SLIST_ENTRY* next = slist::next_of(e);   // read before the block goes back
        if (kind == Kind::ex)
            list.FreeEx(e, reinterpret_cast<nt::LOOKASIDE_LIST_EX*>(&list));
        else
            list.Free(e);
        e = next;
    }
}

void remove(Registry& registry, GENERAL_LOOKASIDE_POOL& list, Kind kind) {
    if (vf::enabled() && !registry.contains(&list))
        ke::bug_check(driver_verifier_detected_violation, verifier_delete_uninitialized,
                      reinterpret_cast<nt::ULONG_PTR>(&list));
    // Unregister first: the tuner must not touch the list once its memory may be reused.
    registry.remove(list);
    flush(list, kind);
}

void check_pool_free(const void* block, std::size_t bytes) {
    if (const GENERAL_LOOKASIDE_POOL* list = system_registry().find_in_range(block, bytes))
        ke::bug_check(driver_verifier_detected_violation, verifier_free_active_list,
                      reinterpret_cast<nt::ULONG_PTR>(list), reinterpret_cast<nt::ULONG_PTR>(block), bytes);
}

}  // namespace ex::lookaside
