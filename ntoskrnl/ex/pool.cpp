// The pool's entry points: each call goes to the tier that owns the block (pool_small*.cpp,
// pool_big.cpp, special pool, another allocator), around the checks every block gets alike:
// MustSucceed types, IRQL, the protected tag, the verifier's hooks, quota and tag accounting.
// Bug check codes and parameters are those of Microsoft's bug check reference (BAD_POOL_CALLER 0xC2).
#include "ex/pool_small_block.h"
#include "ex/special_pool.h"
#include "ke/bugcheck.h"
#include "ke/irql.h"
#include "ps/quota.h"
#include "vf/verifier.h"

namespace ex::pool {
namespace detail {
namespace {

using ke::bugcheck_code::bad_pool_caller;

static_assert(nt::pool_max_irql(true) == ke::apc_level && nt::pool_max_irql(false) == ke::dispatch_level);

// Quota blocks are charged to the process that allocates them; under emulation that is the one
// process there is (ps/quota.h), so free returns the charge to it.
bool charge_quota(bool paged, std::uint64_t bytes) { return ps::charge(ps::current_process(), ps::quota_kind(paged), bytes); }
void return_quota(bool paged, std::uint64_t bytes) { ps::give_back(ps::current_process(), ps::quota_kind(paged), bytes); }

// Paged pool needs IRQL <= APC_LEVEL, nonpaged <= DISPATCH_LEVEL (windows-behavior.md 3.1);
// 0x08: P2 the IRQL, P3 the pool type, P4 the size.
[[gnu::always_inline]] inline void check_allocation_irql(bool paged, nt::ULONG pool_type, std::size_t bytes) {
    const nt::KIRQL irql = ke::current_irql();
    if (!irql_allowed(irql, paged)) [[unlikely]] ke::bug_check(bad_pool_caller, 0x08, irql, pool_type, bytes);
}

bool in_range(const void* base, std::size_t pages, std::uintptr_t a) {
    return a - reinterpret_cast<std::uintptr_t>(base) < pages * page_size;
}

// ---- Blocks of another allocator (ex::pool::ForeignAllocator) ----

std::atomic<const ex::pool::ForeignAllocator*> foreign_allocator{nullptr};

[[noreturn, gnu::cold, gnu::noinline]] void never_pool(std::uintptr_t a) {
    // 0x42: "attempted to free a virtual address that was never in any pool".
    ke::bug_check(bad_pool_caller, 0x42, a, 0, 0);
}

// Outside every reservation: another allocator's block (the drop-in's Wine heaps), else never
// pool. A foreign block is reported with its owner for free() and query() to hand over.
[[gnu::cold, gnu::noinline]] ForeignBlock outside_pool(std::uintptr_t a) {
    const auto* foreign = foreign_allocator.load(std::memory_order_acquire);
    void* owner = foreign ? foreign->owner(reinterpret_cast<const void*>(a)) : nullptr;
    if (!owner) never_pool(a);
    return ForeignBlock{owner};
}

// The tier a pointer belongs to, which validates it.
[[gnu::always_inline]] inline Located locate(const void* block) {
    if (!initialized()) initialize();
    const auto a = reinterpret_cast<std::uintptr_t>(block);
    for (int i = 0; i < arena_count; ++i) {
        const auto which = static_cast<ex::pool::Arena>(i);
        Arena& ar = arena(which);
        if (in_range(ar.small.base, ar.small.pages, a)) return small_locate(which, ar.small, a);
        if (in_range(ar.big.base, ar.big.pages, a)) return big_locate(which, ar.big, a);
    }
    return outside_pool(a);
}

const BlockFacts& facts_of(const Located& l) {
    if (const auto* s = std::get_if<SmallBlock>(&l)) return s->facts;
    return std::get_if<BigBlock>(&l)->facts;
}

std::atomic<FreeObserver> free_observer{nullptr};
std::atomic<FreeCheck> free_check{nullptr};

}  // namespace
}  // namespace detail

using namespace detail;

void* allocate(const Request& r, nt::NTSTATUS* failure) {
    if (r.type.must_succeed) {
        // 0x9A: "marked an allocation request MUST_SUCCEED (no longer supported)".
        ke::bug_check(bad_pool_caller, 0x9A, r.pool_type, r.bytes, r.tag);
    }
    if (!initialized()) initialize();
    // Driver Verifier's special pool takes what fits in a page (it checks the IRQL its own way).
    if (vf::enabled() && special::eligible(r.bytes, r.type.cache_aligned)) [[unlikely]] {
        if (void* p = special::allocate(r)) return p;
    }
    check_allocation_irql(r.type.paged, r.pool_type, r.bytes);
    auto fail = [failure](nt::NTSTATUS status) -> void* {
        if (failure) *failure = status;
        return nullptr;
    };
    const std::size_t requested = r.bytes ? r.bytes : 1;
    // Quota is charged for what a small block occupies, header (and on i386 the process slot)
    // included. Blocks of whole pages are not charged: ReactOS's kmtest, validated on Windows,
    // finds they take no process reference (windows-behavior.md 3.1), and ReactOS charges only
    // blocks that are not page aligned. A request the slot would push past the small limit is
    // served uncharged at its own size.
    const std::size_t quota_block = r.quota ? small_quota_block_bytes(requested, r.type.cache_aligned) : 0;
    const bool quota = quota_block != 0;
    const std::size_t block = quota ? quota_block : small_block_bytes(requested, r.type.cache_aligned);
    if (!block && requested > SIZE_MAX - page_size) return fail(nt::status::insufficient_resources);
    if (quota && !charge_quota(r.type.paged, block)) return fail(nt::status::quota_exceeded);

    ThreadHeap& heap = this_thread_heap();
    void* body;
    if (block) {
        void* const billed = quota ? ps::process_object() : nullptr;
        body = small_allocate_block(heap, r.type, requested, block, r.tag, quota, billed);
        if (!body) {
            if (quota) return_quota(r.type.paged, block);
            return fail(nt::status::insufficient_resources);
        }
        // A quota block references the process it charged until it is freed (ps/quota.h).
        if (billed) ps::reference_process(billed);
    } else {
        body = big_allocate(heap, r.type.arena, requested, r.tag, r.type.header_type, false);
        if (!body) return fail(nt::status::insufficient_resources);
    }
    count(heap.tags, r.tag, r.type.paged, false, static_cast<std::int64_t>(requested));
    return body;
}

namespace detail {
namespace {

// The POOL_TYPEs allocate_plain serves inline: NonPagedPool(Nx), PagedPool, and their
// CacheAligned forms (no MustSucceed, session or failure-handling bits), decoded by classify()
// at compile time. Index: bit 0 paged, bit 1 NX, bit 2 cache aligned.
constexpr nt::ULONG plain_type_bits = nt::PagedPool | nt::NonPagedPoolCacheAligned | nt::POOL_NX_ALLOCATION;
constexpr std::size_t plain_type_index(nt::ULONG pool_type) {
    return (pool_type & 1u) | ((pool_type >> 8) & 2u) | (pool_type & 4u);
}
constexpr TypeInfo plain_types[8] = {classify(0x000), classify(0x001), classify(0x200), classify(0x201),
                                     classify(0x004), classify(0x005), classify(0x204), classify(0x205)};
static_assert(plain_types[plain_type_index(nt::NonPagedPoolNx)].arena == ex::pool::Arena::nonpaged_nx &&
              plain_types[plain_type_index(nt::PagedPoolCacheAligned)].cache_aligned &&
              plain_types[plain_type_index(nt::PagedPoolCacheAligned)].paged);

[[gnu::noinline]] void* allocate_plain_general(nt::ULONG pool_type, std::size_t bytes, nt::ULONG tag) {
    return allocate(Request{bytes, tag, pool_type, classify(pool_type), false}, nullptr);
}

}  // namespace
}  // namespace detail

void* allocate_plain(nt::ULONG pool_type, std::size_t bytes, nt::ULONG tag) {
    // The common request, served here: a small block of a plain type with the verifier off,
    // which is what allocate() would do for it, in the same order (IRQL, block, tag count).
    // Anything else takes allocate(): MustSucceed, special pool, big blocks.
    if ((pool_type & ~plain_type_bits) == 0 && bytes - 1 < small_max && initialized() && !vf::enabled()) [[likely]] {
        const TypeInfo& type = plain_types[plain_type_index(pool_type)];
        if (const std::size_t block = small_block_bytes(bytes, type.cache_aligned)) [[likely]] {
            check_allocation_irql(type.paged, pool_type, bytes);
            ThreadHeap& heap = this_thread_heap();
            void* body = small_allocate_block(heap, type, bytes, block, tag, false, nullptr);
            if (body) [[likely]] count(heap.tags, tag, type.paged, false, static_cast<std::int64_t>(bytes));
            return body;   // nullptr: out of memory, as allocate() would fail
        }
    }
    return allocate_plain_general(pool_type, bytes, tag);
}

void set_free_observer(FreeObserver observer) { free_observer.store(observer, std::memory_order_release); }

void set_free_check(FreeCheck check) { free_check.store(check, std::memory_order_release); }

void run_free_check(const void* block, std::size_t bytes) {
    if (FreeCheck check = free_check.load(std::memory_order_acquire)) check(block, bytes);
}

namespace detail {
namespace {

// The checks every block gets at free, whatever its tier.
[[gnu::always_inline]] inline void check_free(const BlockFacts& b, void* block, nt::ULONG tag) {
    const bool paged = b.arena == ex::pool::Arena::paged;
    // 0x09: freeing at a bad IRQL (P2 the IRQL, P3 the pool type, P4 the block). The pool type
    // is the block's as its header keeps it (stored + 1: cache aligned, session and quota bits).
    const nt::KIRQL irql = ke::current_irql();
    if (!irql_allowed(irql, paged)) [[unlikely]]
        ke::bug_check(bad_pool_caller, 0x09, irql, b.pool_type, reinterpret_cast<std::uintptr_t>(block));
    if ((b.tag & nt::PROTECTED_POOL) && tag != b.tag) {
        // 0x0A: freeing with the wrong tag (P2 block, P3 allocator's tag, P4 tag used). Only
        // PROTECTED_POOL tags are checked, as on Windows' free builds (windows-behavior.md 3.1).
        ke::bug_check(bad_pool_caller, 0x0A, reinterpret_cast<std::uintptr_t>(block), b.tag, tag);
    }
    // Verifier: e.g. a live lookaside list inside the block (set_free_check).
    if (vf::enabled()) run_free_check(block, b.body_bytes);
}

// Each tier's free is written out on its own (not through the Located variant) so that the
// validated facts are built in place and read back field by field: copying the variant cost a
// stalled 16-byte reload of what small_locate had just stored in narrower pieces.
void free_small(const SmallBlock& s, void* block, nt::ULONG tag) {
    const BlockFacts& b = s.facts;
    check_free(b, block, tag);
    small_mark_free(s, block);
    const bool paged = b.arena == ex::pool::Arena::paged;
    if (b.quota) [[unlikely]] {
        return_quota(paged, b.block_bytes);
        if (s.billed) ps::dereference_process(s.billed);
    }
    ThreadHeap& heap = this_thread_heap();
    count(heap.tags, b.tag, paged, true, static_cast<std::int64_t>(b.requested));
    small_release(heap, *s.page, block);
}

[[gnu::noinline]] void free_big(const BigBlock& g, void* block, nt::ULONG tag) {
    const BlockFacts& b = g.facts;
    check_free(b, block, tag);
    big_mark_free(g, block);
    const bool paged = b.arena == ex::pool::Arena::paged;
    if (b.quota) return_quota(paged, b.block_bytes);
    ThreadHeap& heap = this_thread_heap();
    count(heap.tags, b.tag, paged, true, static_cast<std::int64_t>(b.requested));
    big_release(heap, b.arena, g.first);
}

}  // namespace
}  // namespace detail

namespace detail {
namespace {

// Everything but a small block: special pool, big blocks, another allocator's, never pool.
[[gnu::noinline]] void free_elsewhere(void* block, nt::ULONG tag) {
    if (special::contains(block)) {
        special::free(block, tag);
        return;
    }
    if (!initialized()) initialize();
    const auto a = reinterpret_cast<std::uintptr_t>(block);
    for (int i = 0; i < arena_count; ++i) {
        const auto which = static_cast<ex::pool::Arena>(i);
        detail::Arena& ar = arena(which);
        if (in_range(ar.big.base, ar.big.pages, a)) return free_big(big_locate(which, ar.big, a), block, tag);
    }
    const ForeignBlock foreign = outside_pool(a);
    foreign_allocator.load(std::memory_order_acquire)->free(foreign.owner, block);
}

}  // namespace
}  // namespace detail

void free(void* block, nt::ULONG tag) {
    if (FreeObserver observer = free_observer.load(std::memory_order_acquire)) [[unlikely]]
        observer(block);
    // Small blocks first, inline: the regions do not overlap each other, special pool's or the
    // big ones, so the order of the range checks does not change what a pointer is.
    if (initialized()) [[likely]] {
        const auto a = reinterpret_cast<std::uintptr_t>(block);
        for (int i = 0; i < arena_count; ++i) {
            const auto which = static_cast<ex::pool::Arena>(i);
            detail::Arena& ar = arena(which);
            if (in_range(ar.small.base, ar.small.pages, a)) return free_small(small_locate(which, ar.small, a), block, tag);
        }
    }
    free_elsewhere(block, tag);
}

void set_foreign_allocator(const ForeignAllocator* allocator) {
    foreign_allocator.store(allocator, std::memory_order_release);
}

bool contains(const void* block) {
    if (special::contains(block)) return true;
    if (!initialized()) return false;
    const auto a = reinterpret_cast<std::uintptr_t>(block);
    for (int i = 0; i < arena_count; ++i) {
        const detail::Arena& ar = arena(static_cast<ex::pool::Arena>(i));
        if (in_range(ar.small.base, ar.small.pages, a) || in_range(ar.big.base, ar.big.pages, a)) return true;
    }
    return false;
}

BlockInfo query(const void* block) {
    if (special::contains(block)) [[unlikely]] return special::query(block);
    const Located l = locate(block);
    BlockInfo info{};
    if (const auto* foreign = std::get_if<ForeignBlock>(&l)) [[unlikely]] {
        info.usable_bytes = info.requested_bytes =
            foreign_allocator.load(std::memory_order_acquire)->usable_bytes(foreign->owner, block);
        return info;
    }
    const BlockFacts& b = facts_of(l);
    info.big = std::holds_alternative<BigBlock>(l);
    info.arena = b.arena;
    info.requested_bytes = b.requested;
    info.usable_bytes = b.usable_bytes;
    info.tag = b.tag;
    info.quota_charged = b.quota;
    return info;
}

}  // namespace ex::pool
