// The pool's entry points: decoding pool types, allocation, and the checks every free and query
// makes before it trusts a pointer. Bug check codes and parameters are those of Microsoft's
// bug check reference (BAD_POOL_CALLER 0xC2, BAD_POOL_HEADER 0x19); where Windows' choice
// between documented codes is not known, the choice is noted at the check.
#include <cstring>
#include <new>

#include "ex/lookaside.h"
#include "ex/pool_internal.h"
#include "ex/special_pool.h"
#include "vf/verifier.h"
#include "ke/bugcheck.h"
#include "ke/irql.h"
#include "ps/quota.h"
#include "vf/verifier.h"

namespace ex::pool {
namespace detail {
namespace {

using ke::bugcheck_code::bad_pool_caller;
using ke::bugcheck_code::bad_pool_header;

// Address space per arena. i386 has 2 GB of user space to share with Wine and the driver.
struct RegionSizes {
    std::size_t small_bytes;
    std::size_t big_bytes;
};
constexpr std::size_t MiB = std::size_t{1} << 20;
#if UINTPTR_MAX > 0xFFFFFFFFu
constexpr std::size_t GiB = std::size_t{1} << 30;
// 51 GiB in all. Wine keeps bookkeeping per reserved page, so reservations are not free: 205 GiB
// took 0.17 s at first use. A single big block may still be 2 GB and more (a quota request the
// ReactOS kmtest expects to succeed on x64).
constexpr RegionSizes region_sizes[arena_count] = {{1 * GiB, 16 * GiB}, {1 * GiB, 16 * GiB}, {1 * GiB, 16 * GiB}};
#else
// nonpaged, nonpaged NX, paged: 736 MB of reservations in all.
constexpr RegionSizes region_sizes[arena_count] = {{64 * MiB, 256 * MiB}, {32 * MiB, 64 * MiB}, {64 * MiB, 256 * MiB}};
#endif

Arena arenas[arena_count];
std::atomic<ThreadHeap*> heaps{nullptr};
// Heaps of threads that ended, waiting for a new thread to adopt them.
ThreadHeap* abandoned_heaps = nullptr;
SpinLock abandoned_lock;

constexpr nt::ULONG header_quota_bit = 0x8;   // QUOTA_POOL_MASK in the stored pool type

// Where a quota block names the process it charged: x64 Windows has the header's ProcessBilled;
// i386 Windows (through Windows 7) adds a pointer slot to the request and keeps the EPROCESS in
// the block's last pointer-sized slot, just before the next header (windows-behavior.md 3.1,
// ReactOS expool.c and its kmtest). The slot is the pool's, not the caller's.
constexpr std::size_t quota_slot_bytes = nt::is_64bit ? 0 : sizeof(void*);

// 0xC2 / 0x0D: a quota block's process pointer is not the process it charged (P2 the block, P3
// its tag, P4 the pointer found), as Windows checks it when it returns the quota.
[[noreturn, gnu::cold, gnu::noinline]] void bad_quota_process(std::uintptr_t block, nt::ULONG tag, const void* found) {
    ke::bug_check(bad_pool_caller, 0x0D, block, tag, reinterpret_cast<std::uintptr_t>(found));
}

// Slack check: at allocation the bytes between the end of the request and the end of the block
// (small blocks, up to 63 with the cache-aligned types; before an i386 quota block's process
// slot) or of its last page (big blocks) are filled with this pattern, laid as whole words ending
// at that end; at free they must still hold it.
constexpr std::uint64_t slack_pattern_word = 0xC3CAD1D8DFE6EDF4ull;

// `room`: bytes from the block's body to `end`. Whole words when they fit in it (the first may
// start inside the request, whose bytes the caller has not written yet); else, for a short i386
// quota block whose first word would reach the header, the lowest partial word byte by byte.
inline void fill_slack(std::uint8_t* end, std::size_t slack, std::size_t room) {
    const std::size_t words = (slack + 7) / 8;
    if (8 * words <= room) {
        for (std::size_t w = 0; w < words; ++w) std::memcpy(end - 8 * (w + 1), &slack_pattern_word, 8);
        return;
    }
    const std::size_t whole = slack / 8, rest = slack % 8;
    for (std::size_t w = 0; w < whole; ++w) std::memcpy(end - 8 * (w + 1), &slack_pattern_word, 8);
    std::uint8_t* low = end - 8 * whole;
    for (std::size_t i = 1; i <= rest; ++i) low[-static_cast<std::ptrdiff_t>(i)] = static_cast<std::uint8_t>(slack_pattern_word >> (64 - 8 * i));
}

// The first (lowest) byte of the slack that no longer holds the pattern, or -1.
int damaged_slack_byte(const std::uint8_t* end, std::size_t slack) {
    for (std::size_t w = (slack + 7) / 8; w-- > 0;) {
        const std::uint8_t* word = end - 8 * (w + 1);
        std::uint64_t v;
        std::memcpy(&v, word, 8);
        const std::size_t callers = 8 * (w + 1) > slack ? 8 * (w + 1) - slack : 0;   // < 8
        const std::uint64_t diff = (v ^ slack_pattern_word) & (~std::uint64_t{0} << (callers * 8));
        if (diff) return word[__builtin_ctzll(diff) / 8];
    }
    return -1;
}

// 0x21: the data following the block is corrupt (P2 block, P3 bytes requested, P4 the bad value).
inline void check_slack(std::uintptr_t a, std::size_t requested, const std::uint8_t* end, std::size_t slack) {
    if (!slack) return;
    const int value = damaged_slack_byte(end, slack);
    if (value >= 0) [[unlikely]] ke::bug_check(bad_pool_header, 0x21, a, requested, static_cast<std::uintptr_t>(value));
}

bool reserve(Arena& a, std::size_t small_bytes, std::size_t big_bytes) {
    a.small.pages = small_bytes / page_size;
    a.small.base = static_cast<std::uint8_t*>(platform::reserve_address_space(small_bytes));
    a.small.info = static_cast<PageInfo*>(platform::reserve_address_space(a.small.pages * sizeof(PageInfo)));
    a.big.pages = big_bytes / page_size;
    a.big.base = static_cast<std::uint8_t*>(platform::reserve_address_space(big_bytes));
    a.big.table = static_cast<BigEntry*>(platform::reserve_address_space(a.big.pages * sizeof(BigEntry)));
    return a.small.base && a.small.info && a.big.base && a.big.table;
}

// Quota blocks are charged to the process that allocates them; under emulation that is the one
// process there is (ps/quota.h), so free returns the charge to it.
bool charge_quota(bool paged, std::uint64_t bytes) {
    return ps::charge(ps::current_process(), paged ? ps::QuotaKind::paged : ps::QuotaKind::nonpaged, bytes);
}

void return_quota(bool paged, std::uint64_t bytes) {
    ps::give_back(ps::current_process(), paged ? ps::QuotaKind::paged : ps::QuotaKind::nonpaged, bytes);
}

// The pool type as the header stores it, with QUOTA_POOL_MASK for charged blocks.
nt::ULONG header_pool_type(const TypeInfo& t, bool quota) { return t.header_type + (quota ? header_quota_bit : 0); }

// ---- What a pointer is ----

struct Located {
    void* foreign_owner;     // another allocator's block (outside_pool): its owner; nothing else is set
    bool big;
    ex::pool::Arena arena;
    nt::ULONG tag;           // as allocated
    nt::ULONG pool_type;     // the block's POOL_TYPE as its header (or big entry) holds it, less 1
    bool quota;              // charged to the process (QUOTA_POOL_MASK / the big entry's flag)
    std::size_t block_bytes; // what the block occupies (and what its quota charge was)
    std::size_t quota_slot;  // bytes of it that hold the charged process (i386 quota blocks)
    void* billed;            // the process a small quota block charged (and references)
    std::size_t requested;
    // small
    PageInfo* page;
    std::size_t index;
    nt::POOL_HEADER* header;
    nt::ULONG header_word;
    // big
    std::size_t first;
    BigEntry* entry;
};

// 0x19 / 0xD: the header of a free block was modified after the free (the bug check page names
// 0xD-0xF and 0x23-0x25 for this and leaves their parameters reserved; project choice: P2 the
// header, P3 what it holds, P4 the block size in units it should hold).
[[noreturn, gnu::cold, gnu::noinline]] void free_header_modified(const nt::POOL_HEADER* header, std::size_t units) {
    ke::bug_check(bad_pool_header, 0xD, reinterpret_cast<std::uintptr_t>(header), header->Ulong1, units);
}

[[noreturn, gnu::cold, gnu::noinline]] void never_pool(std::uintptr_t a) {
    // 0x42: "attempted to free a virtual address that was never in any pool".
    ke::bug_check(bad_pool_caller, 0x42, a, 0, 0);
}

[[noreturn, gnu::cold, gnu::noinline]] void not_a_block(ex::pool::Arena which, std::uintptr_t a, std::uintptr_t pool_start) {
    if (which == ex::pool::Arena::paged) {
        // 0x41286: "free a paged pool address in the middle of an allocation"; P4 the offset in
        // pages from the start of paged pool.
        ke::bug_check(bad_pool_caller, 0x41286, 0, 0, (a - pool_start) / page_size);
    }
    // 0x99: "attempted to free pool with an invalid address". (Which of the documented
    // nonpaged codes Windows uses for an interior pointer is not known.)
    ke::bug_check(bad_pool_caller, 0x99, a, 0, 0);
}

[[gnu::always_inline]] inline Located locate_small(ex::pool::Arena which, SmallRegion& region, std::uintptr_t a) {
    const std::size_t page_index = (a - reinterpret_cast<std::uintptr_t>(region.base)) / page_size;
    const auto pool_start = reinterpret_cast<std::uintptr_t>(region.base);
    if (page_index >= region.committed.load(std::memory_order_acquire)) not_a_block(which, a, pool_start);
    PageInfo& page = region.info[page_index];
    const std::size_t units = page.units.load(std::memory_order_acquire);
    if (!units) not_a_block(which, a, pool_start);
    const std::size_t block = units * unit;
    const std::uintptr_t first_header = reinterpret_cast<std::uintptr_t>(region.base) + page_index * page_size +
                                        page.first_offset;
    if (a < first_header + unit) not_a_block(which, a, pool_start);
    const std::size_t offset = a - first_header - unit;
    const std::size_t index = block_index(page, offset);
    if (index * block != offset || index >= page.capacity) not_a_block(which, a, pool_start);

    auto* header = reinterpret_cast<nt::POOL_HEADER*>(a - unit);
    nt::POOL_HEADER seen;
    seen.Ulong1 = __atomic_load_n(&header->Ulong1, __ATOMIC_ACQUIRE);
    const auto h = reinterpret_cast<std::uintptr_t>(header);
    if (seen.pool_type() == 0) {
        // 0x07: freeing pool that was already freed (P3 header contents, P4 the block).
        ke::bug_check(bad_pool_caller, 0x07, 0, seen.Ulong1, a);
    }
    if (seen.block_size() == 0) ke::bug_check(bad_pool_header, 0x8, 0, 0, h);
    if (seen.block_size() != units) {
        if (seen.block_size() * unit > page_size - page.first_offset - index * block)
            ke::bug_check(bad_pool_header, 0x9, h, 0, h);
        ke::bug_check(bad_pool_header, 0x7, 0, 0, h);
    }
    if (seen.previous_size() != (index ? units : 0)) {
        // 0x5: adjacent entries contradict each other (P2 one, P4 the other).
        ke::bug_check(bad_pool_header, 0x5, h, 0, index ? h - block : h);
    }
    if (index + 1 < page.capacity) {
        // The next header must still say what the page's layout says: else this block overran it.
        nt::POOL_HEADER next;
        next.Ulong1 = __atomic_load_n(&(header + block / unit)->Ulong1, __ATOMIC_RELAXED);
        if (next.block_size() != units || next.previous_size() != units)
            ke::bug_check(bad_pool_header, 0x20, h, h + block, 0);
    }
    const std::size_t slack = page.slack[index].load(std::memory_order_relaxed);
    const bool quota = ((seen.pool_type() - 1) & header_quota_bit) != 0;
    const std::size_t slot = quota ? quota_slot_bytes : 0;
    const std::size_t requested = block - unit - slot - slack;
    const auto* end = reinterpret_cast<const std::uint8_t*>(a) + block - unit - slot;
    check_slack(a, requested, end, slack);
    void* billed = nullptr;
    if (quota) {
#if UINTPTR_MAX > 0xFFFFFFFFu
        billed = header->ProcessBilled;
#else
        std::memcpy(&billed, end, sizeof(billed));
#endif
        if (!ps::is_process_object(billed)) bad_quota_process(a, header->PoolTag, billed);
    }
    Located l;   // the big-block fields stay unset: only read when big is true
    l.foreign_owner = nullptr;
    l.big = false;
    l.arena = which;
    l.page = &page;
    l.index = index;
    l.header = header;
    l.header_word = seen.Ulong1;
    l.tag = header->PoolTag;
    l.pool_type = seen.pool_type() - 1;
    l.quota = quota;
    l.block_bytes = block;
    l.quota_slot = slot;
    l.billed = billed;
    l.requested = requested;
    return l;
}

[[gnu::noinline]] Located locate_big(ex::pool::Arena which, BigRegion& region, std::uintptr_t a) {
    const auto pool_start = reinterpret_cast<std::uintptr_t>(region.base);
    const std::size_t first = (a - pool_start) / page_size;
    // The table outlives the blocks (also past the bump pointer, when the last run went back to
    // the unused end), so a freed head is still recognised. No lock: the committed part only
    // grows, and an entry is a head only while its block is live (so below the bump pointer).
    if (first >= region.table_committed.load(std::memory_order_acquire)) not_a_block(which, a, pool_start);
    BigEntry& entry = region.table[first];
    const std::uint8_t state = entry.state.load(std::memory_order_acquire);
    if (state == BigEntry::freed && a % page_size == 0) {
        // A second free of a big block: the table remembers the first one.
        ke::bug_check(bad_pool_caller, 0x07, 0, 0, a);
    }
    if (state != BigEntry::head || a % page_size) not_a_block(which, a, pool_start);
    // Below a page a caller gets exactly the bytes it asked for, and past a page the tail of the
    // last page is not the caller's either: an overrun into it is found here.
    const std::size_t end = std::size_t{entry.pages} * page_size;
    check_slack(a, entry.bytes, reinterpret_cast<const std::uint8_t*>(a) + end, end - entry.bytes);
    Located l{};
    l.big = true;
    l.arena = which;
    l.first = first;
    l.entry = &entry;
    l.tag = entry.tag;
    l.pool_type = entry.pool_type - 1;
    l.quota = entry.quota;
    l.requested = entry.bytes;
    l.block_bytes = entry.pages * page_size;
    return l;
}

// ---- Blocks of another allocator (ex::pool::ForeignAllocator) ----

std::atomic<const ex::pool::ForeignAllocator*> foreign_allocator{nullptr};

// Outside every reservation: another allocator's block (the drop-in's Wine heaps), else never
// pool. A foreign block is reported with its owner (Located::foreign_owner) for free() and
// query() to hand over.
[[gnu::cold, gnu::noinline]] Located outside_pool(std::uintptr_t a) {
    const auto* foreign = foreign_allocator.load(std::memory_order_acquire);
    void* owner = foreign ? foreign->owner(reinterpret_cast<const void*>(a)) : nullptr;
    if (!owner) never_pool(a);
    Located l{};
    l.foreign_owner = owner;
    return l;
}

[[gnu::always_inline]] inline Located locate(const void* block) {
    if (!initialized()) initialize();
    const auto a = reinterpret_cast<std::uintptr_t>(block);
    for (int i = 0; i < arena_count; ++i) {
        Arena& ar = arenas[i];
        auto which = static_cast<ex::pool::Arena>(i);
        if (a - reinterpret_cast<std::uintptr_t>(ar.small.base) < ar.small.pages * page_size)
            return locate_small(which, ar.small, a);
        if (a - reinterpret_cast<std::uintptr_t>(ar.big.base) < ar.big.pages * page_size)
            return locate_big(which, ar.big, a);
    }
    return outside_pool(a);
}

ThreadHeap* create_heap() {
    const std::size_t bytes = (sizeof(ThreadHeap) + page_size - 1) / page_size * page_size;
    void* memory = platform::reserve_address_space(bytes);
    if (!memory || !platform::commit(memory, bytes, platform::Protection::read_write)) return nullptr;
    auto* heap = new (memory) ThreadHeap;
    ThreadHeap* head = heaps.load(std::memory_order_relaxed);
    do {
        heap->next_registered = head;
    } while (!heaps.compare_exchange_weak(head, heap, std::memory_order_release, std::memory_order_relaxed));
    platform::tls_set(heap_tls_slot, heap);
    return heap;
}

}  // namespace

std::atomic<int> init_state{0};   // 0 none, 1 in progress, 2 done, 3 failed
std::uintptr_t link_key = 0;

[[gnu::cold, gnu::noinline]] void corrupt_free_list(const void* entry, const void* link) {
    ke::bug_check(bad_pool_header, 0x3, reinterpret_cast<std::uintptr_t>(entry), reinterpret_cast<std::uintptr_t>(link), 0);
}
int heap_tls_slot = -1;

Arena& arena(ex::pool::Arena which) { return arenas[static_cast<int>(which)]; }

ThreadHeap& create_thread_heap() {
    {
        SpinLockGuard guard(abandoned_lock);
        if (ThreadHeap* heap = abandoned_heaps) {
            abandoned_heaps = heap->next_abandoned;
            heap->next_abandoned = nullptr;
            // Its pages still name this heap as their owner: they are ours now, and the remote
            // frees queued on it are collected as ours.
            platform::tls_set(heap_tls_slot, heap);
            return *heap;
        }
    }
    if (ThreadHeap* heap = create_heap()) return *heap;
    // No memory for a heap: the system cannot go on (Windows' equivalent is running out of
    // nonpaged pool for its own structures).
    ke::bug_check(ke::bugcheck_code::must_succeed_pool_empty, sizeof(ThreadHeap), 0, 0, 0);
}

ThreadHeap* registered_heaps() { return heaps.load(std::memory_order_acquire); }

}  // namespace detail

using namespace detail;

void thread_exit() {
    if (!initialized()) return;
    auto* heap = static_cast<ThreadHeap*>(platform::tls_get(heap_tls_slot));
    if (!heap) return;
    platform::tls_set(heap_tls_slot, nullptr);
    trim_empty_pages(*heap);
    SpinLockGuard guard(abandoned_lock);
    heap->next_abandoned = abandoned_heaps;
    abandoned_heaps = heap;
}

std::size_t thread_heap_count() {
    std::size_t n = 0;
    for (ThreadHeap* heap = registered_heaps(); heap; heap = heap->next_registered) ++n;
    return n;
}

void initialize() {
    int state = init_state.load(std::memory_order_acquire);
    if (state == 2) return;
    int expected = 0;
    if (init_state.compare_exchange_strong(expected, 1, std::memory_order_acq_rel)) {
        ke::initialize_irql();   // the pool checks the IRQL on every call
        bool ok = (heap_tls_slot = platform::tls_slot_allocate(&thread_exit)) >= 0;
        const bool exec_paged = !nt::is_64bit;   // POOL_FLAG_PAGED: executable on x86 only
        arenas[0].protection = platform::Protection::read_write_execute;
        arenas[1].protection = platform::Protection::read_write;
        arenas[2].protection = exec_paged ? platform::Protection::read_write_execute : platform::Protection::read_write;
        for (int i = 0; i < arena_count && ok; ++i)
            ok = reserve(arenas[i], region_sizes[i].small_bytes, region_sizes[i].big_bytes);
        // The free-list key: varies with where the regions landed (address space layout) and the
        // time, has bits above the page offset (never zero).
        std::uint64_t k = reinterpret_cast<std::uintptr_t>(arenas[0].small.base) ^ platform::performance_counter(nullptr) ^ 0x9E3779B97F4A7C15ull;
        k = (k ^ (k >> 29)) * 0xBF58476D1CE4E5B9ull;
        link_key = static_cast<std::uintptr_t>(k ^ (k >> 32)) | (std::uintptr_t{1} << (sizeof(void*) * 8 - 2));
        init_state.store(ok ? 2 : 3, std::memory_order_release);
    }
    while ((state = init_state.load(std::memory_order_acquire)) == 1) platform::yield_thread();
    if (state != 2) ke::bug_check(ke::bugcheck_code::must_succeed_pool_empty, 0, 0, 0, 0);
}


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
    // Paged pool needs IRQL <= APC_LEVEL, nonpaged <= DISPATCH_LEVEL (windows-behavior.md 3.1);
    // 0x08: P2 the IRQL, P3 the pool type, P4 the size.
    const nt::KIRQL irql = ke::current_irql();
    if (irql > (r.type.paged ? ke::apc_level : ke::dispatch_level))
        ke::bug_check(bad_pool_caller, 0x08, irql, r.pool_type, r.bytes);
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
    const std::size_t quota_block =
        r.quota && requested <= SIZE_MAX - quota_slot_bytes ? small_block_bytes(requested + quota_slot_bytes, r.type.cache_aligned) : 0;
    const bool quota = quota_block != 0;
    const std::size_t slot = quota ? quota_slot_bytes : 0;
    const std::size_t block = quota ? quota_block : small_block_bytes(requested, r.type.cache_aligned);
    if (!block && requested > SIZE_MAX - page_size) return fail(nt::status::insufficient_resources);
    if (quota && !charge_quota(r.type.paged, block)) return fail(nt::status::quota_exceeded);

    ThreadHeap& heap = this_thread_heap();
    void* body;
    if (block) {
        PageInfo* page;
        body = small_allocate(heap, r.type.arena, r.type.cache_aligned, block, &page);
        if (!body) {
            if (quota) return_quota(r.type.paged, block);
            return fail(nt::status::insufficient_resources);
        }
        auto* header = static_cast<nt::POOL_HEADER*>(body) - 1;
        nt::POOL_HEADER h;
        h.Ulong1 = header->Ulong1;   // PreviousSize and BlockSize were laid out with the page
        // A free block's header still says free and its size (a write after free or an
        // overrun of the previous block that reached it would hand out a block with a bad one).
        if (h.pool_type() != 0 || h.block_size() != block / unit) [[unlikely]]
            free_header_modified(header, block / unit);
        h.set_pool_type(header_pool_type(r.type, quota));
        header->PoolTag = r.tag;
        // A quota block references the process it charged until it is freed (ps/quota.h).
        void* const billed = quota ? ps::process_object() : nullptr;
        if (billed) ps::reference_process(billed);
#if UINTPTR_MAX > 0xFFFFFFFFu
        // x64 Windows keeps the charged EPROCESS in the header (windows-behavior.md 4.6).
        header->ProcessBilled = billed;
#endif
        const std::size_t slack = block - unit - slot - requested;
        const auto at = reinterpret_cast<std::uintptr_t>(body);
        const std::size_t index = block_index(*page, at - (at & ~(page_size - 1)) - page->first_offset - unit);
        page->slack[index].store(static_cast<std::uint8_t>(slack), std::memory_order_relaxed);
        std::uint8_t* end = static_cast<std::uint8_t*>(body) + block - unit - slot;
        fill_slack(end, slack, block - unit - slot);
        if (slot) std::memcpy(end, &billed, sizeof(billed));
        __atomic_store_n(&header->Ulong1, h.Ulong1, __ATOMIC_RELEASE);
    } else {
        body = big_allocate(r.type.arena, requested, r.tag, header_pool_type(r.type, false), false);
        if (!body) return fail(nt::status::insufficient_resources);
        const std::size_t pages_bytes = (requested + page_size - 1) / page_size * page_size;
        fill_slack(static_cast<std::uint8_t*>(body) + pages_bytes, pages_bytes - requested, pages_bytes);
    }
    count(heap.tags, r.tag, r.type.paged, false, static_cast<std::int64_t>(requested));
    return body;
}

namespace {
std::atomic<FreeObserver> free_observer{nullptr};
}  // namespace

void set_free_observer(FreeObserver observer) { free_observer.store(observer, std::memory_order_release); }

void free(void* block, nt::ULONG tag) {
    if (FreeObserver observer = free_observer.load(std::memory_order_acquire)) [[unlikely]]
        observer(block);
    if (special::contains(block)) [[unlikely]] {
        special::free(block, tag);
        return;
    }
    Located l = locate(block);
    if (l.foreign_owner) [[unlikely]] {
        foreign_allocator.load(std::memory_order_acquire)->free(l.foreign_owner, block);
        return;
    }
    const bool paged = l.arena == ex::pool::Arena::paged;
    // 0x09: freeing at a bad IRQL (P2 the IRQL, P3 the pool type, P4 the block). The pool type
    // is the block's as its header keeps it (stored + 1: cache aligned, session and quota bits).
    const nt::KIRQL irql = ke::current_irql();
    if (irql > (paged ? ke::apc_level : ke::dispatch_level)) [[unlikely]]
        ke::bug_check(bad_pool_caller, 0x09, irql, l.pool_type, reinterpret_cast<std::uintptr_t>(block));
    const nt::ULONG stored_tag = l.tag;
    if ((stored_tag & nt::PROTECTED_POOL) && tag != stored_tag) {
        // 0x0A: freeing with the wrong tag (P2 block, P3 allocator's tag, P4 tag used). Only
        // PROTECTED_POOL tags are checked, as on Windows' free builds (windows-behavior.md 3.1).
        ke::bug_check(bad_pool_caller, 0x0A, reinterpret_cast<std::uintptr_t>(block), stored_tag, tag);
    }
    // Verifier: a live lookaside list inside the block is 0xC4/0xCC (ex/lookaside.h).
    if (vf::enabled()) ex::lookaside::check_pool_free(block, l.big ? l.block_bytes : l.block_bytes - unit);
    if (l.big) {
        std::uint8_t expected = BigEntry::head;
        if (!l.entry->state.compare_exchange_strong(expected, BigEntry::freed, std::memory_order_acq_rel))
            ke::bug_check(bad_pool_caller, 0x07, 0, 0, reinterpret_cast<std::uintptr_t>(block));
    } else {
        // Mark the header free; losing this race to another free of the same block is a double free.
        nt::POOL_HEADER freed;
        freed.Ulong1 = l.header_word;
        freed.set_pool_type(0);
        nt::ULONG expected = l.header_word;
        if (!__atomic_compare_exchange_n(&l.header->Ulong1, &expected, freed.Ulong1, false, __ATOMIC_ACQ_REL,
                                         __ATOMIC_ACQUIRE))
            ke::bug_check(bad_pool_caller, 0x07, 0, expected, reinterpret_cast<std::uintptr_t>(block));
    }
    if (l.quota) {
        return_quota(paged, l.block_bytes);
        if (!l.big && l.billed) ps::dereference_process(l.billed);
    }
    ThreadHeap& heap = this_thread_heap();
    count(heap.tags, stored_tag, paged, true, static_cast<std::int64_t>(l.requested));
    if (l.big)
        big_release(l.arena, l.first);
    else
        small_release(heap, *l.page, block);
}

void set_foreign_allocator(const ForeignAllocator* allocator) {
    foreign_allocator.store(allocator, std::memory_order_release);
}

bool contains(const void* block) {
    if (special::contains(block)) return true;
    if (!initialized()) return false;
    const auto a = reinterpret_cast<std::uintptr_t>(block);
    for (const auto& ar : arenas)
        if (a - reinterpret_cast<std::uintptr_t>(ar.small.base) < ar.small.pages * page_size ||
            a - reinterpret_cast<std::uintptr_t>(ar.big.base) < ar.big.pages * page_size)
            return true;
    return false;
}

BlockInfo query(const void* block) {
    if (special::contains(block)) [[unlikely]] return special::query(block);
    Located l = locate(block);
    BlockInfo info{};
    if (l.foreign_owner) [[unlikely]] {
        info.usable_bytes = info.requested_bytes =
            foreign_allocator.load(std::memory_order_acquire)->usable_bytes(l.foreign_owner, block);
        return info;
    }
    info.big = l.big;
    info.arena = l.arena;
    info.requested_bytes = l.requested;
    // A small block less its header (and an i386 quota block's process slot).
    info.usable_bytes = l.big ? l.block_bytes : l.block_bytes - unit - l.quota_slot;
    info.tag = l.tag;
    info.quota_charged = l.quota;
    return info;
}

}  // namespace ex::pool
