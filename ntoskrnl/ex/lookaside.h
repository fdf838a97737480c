// Lookaside lists: classic (ExInitialize{N,}PagedLookasideList) and Ex (ExInitializeLookasideListEx).
// Behaviour: windows-behavior.md 3.5, 3.6; layouts 4.3, 4.4 (nt/layouts.h).
//
// Every list is a GENERAL_LOOKASIDE_POOL prefix of the driver's structure. The module reads and
// writes only the fields at the reference's offsets, never sizeof: drivers built against other
// header sets allocate structures of other total sizes (72 to 128 bytes). Callbacks are called as
// their kind says: a classic list's Free takes one argument, an Ex list's FreeEx two (buffer,
// list), and on i386 both are stdcall, so mixing them would unbalance the stack.
//
// Lists are registered system-wide (Registry: nonpaged and paged chains through L.ListEntry, as
// Windows' ExNPagedLookasideListHead / ExPagedLookasideListHead) and their Depth is tuned once a
// second by a background thread (lookaside_registry.cpp).
#pragma once

#include <cstddef>

#include "ex/slist.h"
#include "ex/spinlock.h"
#include "nt/layouts.h"
#include "nt/sysinfo.h"

namespace ex::lookaside {

using nt::GENERAL_LOOKASIDE_POOL;
using nt::ULONG;
using nt::USHORT;

enum class Kind : unsigned char { classic, ex };

// Windows' initial values (windows-behavior.md 3.5, Wine test that passes on Windows): Depth 4
// and MaximumDepth 256 whatever Depth argument is passed. Tuning keeps Depth in
// [minimum_depth, MaximumDepth].
inline constexpr USHORT initial_depth = 4;
inline constexpr USHORT minimum_depth = 4;
inline constexpr USHORT maximum_depth = nt::EX_MAXIMUM_LOOKASIDE_DEPTH_BASE;

// ---- The system-wide set of lists ----
class Registry {
public:
    // `background`: the system registry tunes its lists from a thread started on the first
    // registration; registries made by unit tests are tuned by calling adjust_depths() directly.
    explicit Registry(bool background = false);
    Registry(const Registry&) = delete;
    Registry& operator=(const Registry&) = delete;

    void add(GENERAL_LOOKASIDE_POOL& list, bool paged);
    // Unlinks a registered list; a list that is not registered is left alone.
    void remove(GENERAL_LOOKASIDE_POOL& list);
    bool contains(const void* list) const;
    // A registered list whose first byte lies in [start, start + bytes), or nullptr.
    const GENERAL_LOOKASIDE_POOL* find_in_range(const void* start, std::size_t bytes) const;
    std::size_t size() const;

    // One tuning period (ExAdjustLookasideDepth): every registered list's Depth is recomputed
    // from the allocations and misses since the previous period.
    void adjust_depths();

    // Copies the statistics of up to `capacity` lists (nonpaged first, in registration order);
    // returns how many lists there are.
    std::size_t snapshot(nt::SYSTEM_LOOKASIDE_INFORMATION* out, std::size_t capacity) const;

private:
    static void tuner_main(void* self);
    bool contains_locked(const void* list) const;

    mutable SpinLock lock_;
    nt::LIST_ENTRY heads_[2];   // [0] nonpaged, [1] paged
    std::size_t count_ = 0;
    bool background_;
    bool tuner_started_ = false;
    platform::WakeEvent* wake_ = nullptr;
};

// The registry the exports use (started lazily; its tuner thread parks while it is empty).
Registry& system_registry();

// The tuning rule of one period for one list (pure). `allocates` and `misses` are the counts of
// the period. Facts of Windows' ExAdjustLookasideDepth (anchors.md 2.4, [WinInt6]): fewer than 25
// allocations lowers the depth by 10; a miss rate under 0.5 % lowers it by 1; otherwise it rises
// by min(30, 5 + misses-per-thousand * (MaximumDepth - Depth) / 2000); always within
// [4, MaximumDepth].
USHORT compute_depth(ULONG allocates, ULONG misses, USHORT depth, USHORT maximum);

// ---- Initialisation, deletion, flush ----
// Fills a classic list with Windows' values and registers it. `allocate` and `free` must already
// be resolved (the export layer substitutes ExAllocatePoolWithTag / ExFreePool for NULL).
// With the verifier on: 0xC4/0xCA if the list is already live, 0xC4/0xCD if size is too small.
void initialize(Registry& registry, GENERAL_LOOKASIDE_POOL& list, nt::PALLOCATE_FUNCTION allocate,
                nt::PFREE_FUNCTION free, ULONG pool_type, nt::SIZE_T size, ULONG tag);

// ExInitializeLookasideListEx's checks: STATUS_INVALID_PARAMETER_4 for a pool type that is not a
// plain nonpaged/paged type, STATUS_INVALID_PARAMETER_5 for unknown or contradictory flags.
nt::NTSTATUS validate_ex(ULONG pool_type, ULONG flags);
// The Type stored in an Ex list and passed to its allocate callback: the flags become
// POOL_RAISE_IF_ALLOCATION_FAILURE (0x10) / POOL_QUOTA_FAIL_INSTEAD_OF_RAISE (0x8).
ULONG ex_type(ULONG pool_type, ULONG flags);
// Validates, then fills and registers an Ex list (callbacks already resolved).
nt::NTSTATUS initialize_ex(Registry& registry, nt::LOOKASIDE_LIST_EX& list, nt::PALLOCATE_FUNCTION_EX allocate,
                           nt::PFREE_FUNCTION_EX free, ULONG pool_type, ULONG flags, nt::SIZE_T size, ULONG tag);

// Hands every cached block to the list's Free routine exactly once and unregisters the list.
// With the verifier on: 0xC4/0xCB if the list is not live.
void remove(Registry& registry, GENERAL_LOOKASIDE_POOL& list, Kind kind);
// Hands every cached block to the Free routine; the list stays usable.
void flush(GENERAL_LOOKASIDE_POOL& list, Kind kind);

// With the verifier on, the pool calls this (ex::pool::set_free_check, installed by
// system_registry()) before freeing [block, block + bytes): a live list
// inside it is 0xC4/0xCC (P2 list, P3 block, P4 size).
void check_pool_free(const void* block, std::size_t bytes);

// ---- The allocate / free paths (the header inlines' logic, windows-behavior.md 3.6) ----
// Counters are updated without interlocks, as Windows does; relaxed atomic accesses make the
// tuner's concurrent reads defined.
inline void bump(ULONG& counter) {
    __atomic_store_n(&counter, __atomic_load_n(&counter, __ATOMIC_RELAXED) + 1, __ATOMIC_RELAXED);
}
inline ULONG read(const ULONG& counter) { return __atomic_load_n(&counter, __ATOMIC_RELAXED); }
inline USHORT read(const USHORT& value) { return __atomic_load_n(&value, __ATOMIC_RELAXED); }

inline void* allocate(GENERAL_LOOKASIDE_POOL& l, Kind kind) {
    bump(l.TotalAllocates);
    if (void* block = slist::pop(&l.ListHead)) return block;
    bump(l.AllocateMisses);
    if (kind == Kind::ex)
        return l.AllocateEx(l.Type, l.Size, l.Tag, reinterpret_cast<nt::LOOKASIDE_LIST_EX*>(&l));
    return l.Allocate(l.Type, l.Size, l.Tag);
}

inline void free(GENERAL_LOOKASIDE_POOL& l, void* block, Kind kind) {
    bump(l.TotalFrees);
    if (slist::depth(&l.ListHead) >= read(l.Depth)) {
        bump(l.FreeMisses);
        if (kind == Kind::ex)
            l.FreeEx(block, reinterpret_cast<nt::LOOKASIDE_LIST_EX*>(&l));
        else
            l.Free(block);
        return;
    }
    slist::push(&l.ListHead, static_cast<nt::SLIST_ENTRY*>(block));
}

}  // namespace ex::lookaside
