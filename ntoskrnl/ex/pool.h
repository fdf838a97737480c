// The executive pool's portable core: what ExAllocatePool*/ExFreePool* do once the export layer
// has decoded their arguments. Windows' legacy pool layout (windows-behavior.md 3.1, 4.6):
// small blocks carry a POOL_HEADER, never cross a page and are 8/16-byte aligned; larger ones
// are page aligned and tracked in a big-allocation table. Misuse ends in Windows' bug checks.
// Allocation failure is reported (nullptr); whether that raises is the caller's business.
#pragma once

#include <cstddef>
#include <cstdint>

#include "nt/pool.h"

namespace ex::pool {

// Where a block lives. Nonpaged pool is executable (legacy drivers run code from it); the NX
// types get their own, non-executable memory; paged pool is executable on i386 only, like
// POOL_FLAG_PAGED on Windows (windows-behavior.md 3.2).
enum class Arena : std::uint8_t { nonpaged = 0, nonpaged_nx = 1, paged = 2 };
inline constexpr int arena_count = 3;

// A POOL_TYPE argument, decoded. Session types map onto the same arenas as their global twins.
struct TypeInfo {
    Arena arena;
    bool paged;
    bool cache_aligned;
    bool must_succeed;
    bool session;
    nt::ULONG header_type;   // the header's PoolType for a non-quota block: internal type + 1
};
constexpr TypeInfo classify(nt::ULONG pool_type) {
    TypeInfo info{};
    info.paged = nt::pool_type_is_paged(pool_type);
    info.must_succeed = nt::pool_type_must_succeed(pool_type);
    info.cache_aligned = nt::pool_type_cache_aligned(pool_type);
    info.session = nt::pool_type_session(pool_type);
    info.arena = info.paged ? Arena::paged : (pool_type & nt::POOL_NX_ALLOCATION) ? Arena::nonpaged_nx : Arena::nonpaged;
    // Stored as (internal type + 1), 0 meaning free (ReactOS expool.c; windows-behavior.md 3.2):
    // paged 1, cache aligned 4, session 32; the allocator adds quota 8.
    info.header_type = ((info.paged ? 1u : 0u) | (info.cache_aligned ? 4u : 0u) | (info.session ? 0x20u : 0u)) + 1;
    return info;
}

// Whether a pool routine may run at `irql` for this kind of pool (nt::pool_max_irql).
inline bool irql_allowed(nt::KIRQL irql, bool paged) { return irql <= nt::pool_max_irql(paged); }

struct Request {
    std::size_t bytes;
    nt::ULONG tag;
    nt::ULONG pool_type;   // the caller's POOL_TYPE (for bug check parameters and the header)
    TypeInfo type;
    bool quota;            // charge the current process (QUOTA_POOL_MASK in the header)
};

// Allocates, or returns nullptr when memory or quota is exhausted. Bug checks on requests
// Windows stops for (MustSucceed types). A zero-byte request is served as a one-byte one.
// *failure (if given) receives why a request failed: STATUS_QUOTA_EXCEEDED when the quota charge
// did not fit (the status PsChargeProcessPoolQuota fails with, which the quota allocators raise),
// else STATUS_INSUFFICIENT_RESOURCES.
void* allocate(const Request& request, nt::NTSTATUS* failure = nullptr);
// The same for a legacy request without quota (ExAllocatePool, ExAllocatePoolWithTag(Priority)),
// whose only failure is STATUS_INSUFFICIENT_RESOURCES: the exports' hot path.
void* allocate_plain(nt::ULONG pool_type, std::size_t bytes, nt::ULONG tag);

// Told of every block about to be freed, before the pool checks or frees it (Driver Verifier's
// pool tracking: a block a verified driver allocated stops being its outstanding allocation,
// whoever frees it). One observer; nullptr removes it.
using FreeObserver = void (*)(const void* block);
void set_free_observer(FreeObserver observer);

// Checks a block that passed the pool's own free checks (`bytes`: what its caller could use)
// before it is freed: Driver Verifier's "no live lookaside list lies in it" (0xC4 / 0xCC), which
// the lookaside registry installs when it comes into being (ex/lookaside.h), so that the pool
// needs to know nothing of lookaside lists. The pool runs it when the verifier is on; special
// pool (verifier memory) always. One check; nullptr removes it.
using FreeCheck = void (*)(const void* block, std::size_t bytes);
void set_free_check(FreeCheck check);
void run_free_check(const void* block, std::size_t bytes);

// Frees a block from any allocator. `tag` is what ExFreePoolWithTag was given (0 from
// ExFreePool); blocks with a PROTECTED_POOL tag must be freed with exactly their tag. Bug checks
// on anything that is not a live pool block: never-pool addresses, double frees, interior
// pointers, corrupted headers or slack.
void free(void* block, nt::ULONG tag);

struct BlockInfo {
    std::size_t usable_bytes;   // what ExQueryPoolBlockSize reports
    std::size_t requested_bytes;
    nt::ULONG tag;
    bool quota_charged;
    bool big;
    Arena arena;
};
// Describes a live block; bug checks like free() if `block` is not one.
BlockInfo query(const void* block);

// Another allocator living in the same process, whose blocks may reach free() and query(): the
// drop-in's Wine builtin ntoskrnl.exe allocates from Win32 heaps (platform/wine_builtin.h). A
// pointer outside the pool's reservations that `owner` claims (non-null: e.g. the heap that holds
// it, found once) is handed to `free` / `usable_bytes` with that owner instead of stopping the
// system; one nobody owns still stops with BAD_POOL_CALLER 0x42.
struct ForeignAllocator {
    void* (*owner)(const void* block);
    void (*free)(void* owner, void* block);
    std::size_t (*usable_bytes)(void* owner, const void* block);
};
void set_foreign_allocator(const ForeignAllocator* allocator);

// Whether `block` lies in the pool's address space (any arena or special pool): cheap, no lock.
bool contains(const void* block);

// Quota: the quota allocators charge the calling process (ps/quota.h) for what a small block
// occupies (the block with its header), and free returns it; page-sized blocks are not charged.

// ---- Tag accounting (poolmon) ----
struct TagUsage {
    nt::ULONG tag;
    bool paged;
    std::uint64_t allocs;
    std::uint64_t frees;
    std::int64_t bytes_live;   // requested bytes allocated and not yet freed
};
// Copies the per-tag totals (summed over all threads) into out; returns how many exist.
std::size_t tag_usage(TagUsage* out, std::size_t capacity);

// Writes a poolmon-style table of `rows` (one line per tag and pool kind, most bytes first):
//    Tag  Type      Allocs       Frees        Diff       Bytes
//    Acct Paged         11           4           7         700
// into out (NUL-terminated, truncated to capacity); returns the length it needed.
std::size_t format_tag_table(TagUsage* rows, std::size_t n, char* out, std::size_t capacity);

// The calling thread is ending: its heap (pages, cached blocks, tag counters) goes to the next
// thread that needs one, so nothing is stranded with a thread that no longer runs.
void thread_exit();
// How many thread heaps exist (owned or waiting for a thread): bounded by the most threads that
// used the pool at once, however many threads come and go.
std::size_t thread_heap_count();

// Reserves the pool's address space; the first allocation or free does it (on x86_64 reserving
// 51 GiB takes Wine about 50 ms, which a process that never uses the pool should not pay).
void initialize();

// Sizes Windows uses (windows-behavior.md 3.1): the granularity, and the largest request that
// is still a small block with a header.
inline constexpr std::size_t unit = nt::POOL_BLOCK_SIZE;
inline constexpr std::size_t small_max = nt::POOL_SMALL_ALLOCATION_MAX;
inline constexpr std::size_t page_size = nt::PAGE_SIZE;
inline constexpr std::size_t cache_line = 64;
// ExAllocatePool's tag: 'None' as it reads in memory (ReactOS TAG_NONE; Windows' value
// UNCONFIRMED, windows-behavior.md 3.1).
inline constexpr nt::ULONG tag_none = 0x656E6F4E;

}  // namespace ex::pool
