// The system-wide set of lookaside lists and their depth tuning.
//
// Windows links every list into ExNPagedLookasideListHead or ExPagedLookasideListHead through
// L.ListEntry [MSDN:ExInitializeNPagedLookasideList; ReactOS lookas.c] and lets the balance-set
// manager, which wakes once a second, call ExAdjustLookasideDepth to raise the depth of lists
// that are allocated from often and lower it for lists that are not (Windows Internals 6th ed.,
// part 2, "Look-Aside Lists" and "Balance Set Manager and Swapper"; MSDN:ExAdjustLookasideDepth,
// "reserved for system use"). The rule itself is compute_depth(); its constants (floor 4, idle
// threshold 25 allocations, -10 / -1 steps, 0.5 % miss threshold, raise 5 + miss-per-mille x
// (Max - Depth) / 2000 capped at 30) are facts recorded in ../shared/reference/anchors.md 2.4 and
// are not in a public Microsoft document: UNCONFIRMED there.
//
// Difference, on purpose: Windows scans one of three sets per second (nonpaged, paged, its own
// pool lists), so a driver's list is re-tuned every third second; here each registered list is
// re-tuned every second (there are no kernel pool lists to scan), which reaches a workload's
// depth three times sooner with the same steps.
//
// The tuner thread starts with the first registration and parks on an event while no list is
// registered, so a process without lookaside lists never has it and an idle one never wakes.
#include <algorithm>

#include "ex/lookaside.h"
#include "ex/pool.h"

namespace ex::lookaside {
namespace {

// Facts of ExAdjustLookasideDepth (anchors.md 2.4): the allocation threshold below which a list
// counts as idle, the miss rate (per thousand) below which it is deep enough, the largest step.
constexpr ULONG idle_allocation_threshold = 25;
constexpr USHORT idle_step = 10;
constexpr ULONG enough_misses_per_thousand = 5;
constexpr ULONG largest_raise = 30;
constexpr ULONG base_raise = 5;
constexpr int period_ms = 1000;

GENERAL_LOOKASIDE_POOL* list_of(nt::LIST_ENTRY* entry) {
    return reinterpret_cast<GENERAL_LOOKASIDE_POOL*>(reinterpret_cast<char*>(entry) -
                                                     offsetof(GENERAL_LOOKASIDE_POOL, ListEntry));
}

void init_head(nt::LIST_ENTRY& head) { head.Flink = head.Blink = &head; }

}  // namespace

USHORT compute_depth(ULONG allocates, ULONG misses, USHORT depth, USHORT maximum) {
    const USHORT floor = std::min(minimum_depth, maximum);
    if (depth > maximum) depth = maximum;
    if (depth < floor) depth = floor;
    if (allocates < idle_allocation_threshold)
        return static_cast<USHORT>(std::max<int>(depth - idle_step, floor));
    misses = std::min(misses, allocates);
    const ULONG per_thousand = static_cast<ULONG>(1000ull * misses / allocates);
    if (per_thousand < enough_misses_per_thousand) return static_cast<USHORT>(std::max<int>(depth - 1, floor));
    const ULONG raise =
        std::min<ULONG>(largest_raise, base_raise + per_thousand * static_cast<ULONG>(maximum - depth) / 2000);
    return static_cast<USHORT>(std::min<ULONG>(depth + raise, maximum));
}

Registry::Registry(bool background) : background_(background) {
    init_head(heads_[0]);
    init_head(heads_[1]);
}

void Registry::add(GENERAL_LOOKASIDE_POOL& list, bool paged) {
    bool wake = false;
    {
        SpinLockGuard guard(lock_);
        // A live list initialised again (a driver bug the verifier stops for with 0xC4/0xCA in
        // verify_initialize) is linked once, not twice: linking it again would make it its own
        // successor and every walk of the registry (tuner, snapshot, delete) would never end.
        if (contains_locked(&list)) {
            list.ListEntry.Blink->Flink = list.ListEntry.Flink;
            list.ListEntry.Flink->Blink = list.ListEntry.Blink;
            --count_;
        }
        // Tail insertion, as ReactOS does.
        nt::LIST_ENTRY& head = heads_[paged ? 1 : 0];
        list.ListEntry.Flink = &head;
        list.ListEntry.Blink = head.Blink;
        head.Blink->Flink = &list.ListEntry;
        head.Blink = &list.ListEntry;
        if (count_++ == 0 && background_) {
            if (tuner_started_) {
                wake = true;   // parked: the first list after an empty spell wakes it
            } else {
                // A new thread starts with a full period before its first tuning step. If it
                // cannot be created, lists work untuned.
                tuner_started_ = true;
                wake_ = platform::wake_event_create();
                if (wake_) platform::start_thread(tuner_main, this);
            }
        }
    }
    if (wake) platform::wake_event_signal(wake_);
}

bool Registry::contains_locked(const void* list) const {
    for (const nt::LIST_ENTRY& head : heads_)
        for (const nt::LIST_ENTRY* e = head.Flink; e != &head; e = e->Flink)
            if (list_of(const_cast<nt::LIST_ENTRY*>(e)) == list) return true;
    return false;
}

void Registry::remove(GENERAL_LOOKASIDE_POOL& list) {
    SpinLockGuard guard(lock_);
    // A list that is not registered (deleted twice, never initialised) has no links to follow.
    if (!contains_locked(&list)) return;
    list.ListEntry.Blink->Flink = list.ListEntry.Flink;
    list.ListEntry.Flink->Blink = list.ListEntry.Blink;
    list.ListEntry.Flink = list.ListEntry.Blink = &list.ListEntry;
    --count_;
}

bool Registry::contains(const void* list) const {
    SpinLockGuard guard(lock_);
    return contains_locked(list);
}

const GENERAL_LOOKASIDE_POOL* Registry::find_in_range(const void* start, std::size_t bytes) const {
    const auto* first = static_cast<const char*>(start);
    SpinLockGuard guard(lock_);
    for (const nt::LIST_ENTRY& head : heads_)
        for (nt::LIST_ENTRY* e = head.Flink; e != &head; e = e->Flink) {
            const auto* l = reinterpret_cast<const char*>(list_of(e));
            if (l >= first && l < first + bytes) return list_of(e);
        }
    return nullptr;
}

std::size_t Registry::size() const {
    SpinLockGuard guard(lock_);
    return count_;
}

void Registry::adjust_depths() {
    SpinLockGuard guard(lock_);
    for (nt::LIST_ENTRY& head : heads_)
        for (nt::LIST_ENTRY* e = head.Flink; e != &head; e = e->Flink) {
            GENERAL_LOOKASIDE_POOL& l = *list_of(e);
            const ULONG total = read(l.TotalAllocates);
            const ULONG misses = read(l.AllocateMisses);
            const USHORT depth =
                compute_depth(total - l.LastTotalAllocates, misses - l.LastAllocateMisses, read(l.Depth), l.MaximumDepth);
            l.LastTotalAllocates = total;
            l.LastAllocateMisses = misses;
            __atomic_store_n(&l.Depth, depth, __ATOMIC_RELAXED);
        }
}

std::size_t Registry::snapshot(nt::SYSTEM_LOOKASIDE_INFORMATION* out, std::size_t capacity) const {
    SpinLockGuard guard(lock_);
    std::size_t n = 0;
    for (const nt::LIST_ENTRY& head : heads_)
        for (nt::LIST_ENTRY* e = head.Flink; e != &head; e = e->Flink, ++n) {
            if (n >= capacity) continue;
            const GENERAL_LOOKASIDE_POOL& l = *list_of(e);
            out[n] = {read(l.Depth),      l.MaximumDepth,  read(l.TotalAllocates), read(l.AllocateMisses),
                      read(l.TotalFrees), read(l.FreeMisses), static_cast<ULONG>(l.Type), l.Tag, l.Size};
        }
    return n;
}

void Registry::tuner_main(void* self) {
    auto& registry = *static_cast<Registry*>(self);
    for (;;) {
        if (registry.size() == 0) {
            platform::wake_event_wait(registry.wake_, -1);   // parked until a list registers
            continue;
        }
        platform::wake_event_wait(registry.wake_, period_ms);
        registry.adjust_depths();
    }
}

Registry& system_registry() {
    // Constructed on first use (thread-safe local static), so a process without lists pays nothing.
    static Registry registry = [] {
        // The pool asks, before it frees a block, whether a list of this registry lies in it.
        ex::pool::set_free_check(&check_pool_free);
        return Registry(true);
    }();
    return registry;
}

}  // namespace ex::lookaside
