// Internals of the pool, one owner per part: pool.cpp (the entry points: dispatch to a tier and
// the checks every block gets: IRQL, tag, quota), pool_space.cpp (the address space and its
// set-up), pool_heaps.cpp (the thread-heap registry), pool_small.cpp and pool_small_block.cpp
// (the small tier: pages of blocks with a POOL_HEADER, which only it formats and validates),
// pool_big.cpp (the big tier: page-aligned blocks) and pool_tags.cpp (tag accounting).
//
// Address space: each arena reserves one region for small-block pages and one for big blocks,
// so "is this ours, and what is it" is a range check plus a side-table lookup: a bad pointer is
// classified without ever being dereferenced.
//
// Small blocks: a 4 KiB page holds blocks of one size class (a whole number of header units,
// the header included), laid out from the page start (cache-aligned classes start 64 - header
// bytes in, so bodies fall on cache lines). Each thread owns a heap of pages per class and
// allocates from them without atomics; a block freed by another thread goes onto its page's
// atomic remote list, which the owner takes back when it runs dry.
#pragma once

#include <atomic>
#include <variant>

#include "ex/pool.h"
#include "ex/spinlock.h"

namespace ex::pool::detail {

inline constexpr std::size_t max_units = page_size / unit;           // 512 on i386, 256 on x64
inline constexpr std::size_t min_block = 2 * unit;                   // header + one unit of body
inline constexpr std::size_t max_blocks_per_page = page_size / min_block;

struct ThreadHeap;

// Side-table entry of one small-block page. Written by its owner thread; the fields other
// threads read (class, layout, slack) are fixed while the page is in use.
struct PageInfo {
    std::atomic<void*> remote_free{nullptr};   // bodies freed by other threads
    void* local_free = nullptr;                // bodies free for the owner
    std::atomic<ThreadHeap*> owner{nullptr};
    PageInfo* next = nullptr;                  // in the owner's available list, or the arena's free list
    PageInfo* prev = nullptr;                  // in the owner's available list
    PageInfo* next_remote = nullptr;           // in the owner's queue of pages with remote frees
    std::atomic<bool> remote_queued{false};    // on that queue already
    std::atomic<std::uint16_t> remote_in_progress{0};   // remote frees between their push and their queueing
    bool available = false;                    // on the owner's available list for its class
    bool current = false;                      // the page its owner allocates this class from
    std::atomic<std::uint16_t> units{0};       // block size in units; 0 = page not in use
    std::uint16_t capacity = 0;
    std::uint16_t used = 0;                    // handed out and not yet returned to local_free
    std::uint16_t first_offset = 0;            // bytes before the first block's header
    std::uint8_t cache_aligned = 0;
    std::uint8_t arena = 0;                    // ex::pool::Arena of the region the page is in
    std::uint32_t reciprocal = 0;              // ceil(2^32 / block bytes): offset / block by multiplication
    // Per block: bytes between the end of the request and the next header, filled with a
    // pattern that free() checks (a neighbour's overrun must not go unnoticed).
    std::atomic<std::uint8_t> slack[max_blocks_per_page];
};

struct SmallRegion {
    std::uint8_t* base = nullptr;
    std::size_t pages = 0;
    PageInfo* info = nullptr;      // one per page, committed as pages are
    std::atomic<std::size_t> committed{0};   // pages committed so far (bump); read by free()
    PageInfo* free_pages = nullptr;
    SpinLock lock;
};

struct BigEntry {
    enum State : std::uint8_t { unused = 0, head = 1, tail = 2, freed = 3 };
    std::atomic<std::uint8_t> state{unused};
    bool quota = false;
    std::uint32_t pages = 0;       // for head/freed entries
    std::size_t bytes = 0;         // requested
    nt::ULONG tag = 0;
    nt::ULONG pool_type = 0;
};

struct BigRegion {
    std::uint8_t* base = nullptr;
    std::size_t pages = 0;
    BigEntry* table = nullptr;     // the big-allocation table, one entry per page
    std::size_t bump = 0;
    // Entries committed so far (whole pages of entries); only grows. Written under the lock, read
    // without it by free (an entry below it is committed, whatever the lock's holder is doing).
    std::atomic<std::size_t> table_committed{0};
    // Runs given back, reused first fit; kept committed up to a budget so that a driver that
    // allocates and frees the same big block does not pay for a commit each time.
    struct Run {
        std::uint32_t first;
        std::uint32_t pages;
        bool committed;
    };
    static constexpr std::size_t max_runs = 1024;
    Run runs[max_runs];
    std::size_t run_count = 0;
    std::size_t cached_committed_pages = 0;
    SpinLock lock;
};

struct Arena {
    SmallRegion small;
    BigRegion big;
    platform::Protection protection;
};

extern Arena arenas[arena_count];
inline Arena& arena(ex::pool::Arena which) { return arenas[static_cast<int>(which)]; }
extern std::atomic<int> init_state;   // 2 once the address space is reserved
extern int heap_tls_slot;
inline bool initialized() { return init_state.load(std::memory_order_acquire) == 2; }

// Per-thread tag counters (pool_tags.cpp). Pointer-width, like the ULONG/SIZE_T fields poolmon
// reads (SYSTEM_POOLTAG), and because 64-bit atomics on i386 compile to x87 loads and stores.
struct TagCounters {
    std::atomic<std::uintptr_t> allocs{0};
    std::atomic<std::uintptr_t> frees{0};
    std::atomic<std::intptr_t> bytes{0};
};
struct TagSlot {
    std::atomic<nt::ULONG> tag{0};
    TagCounters kinds[2];   // [0] nonpaged, [1] paged
};
struct TagTable {
    static constexpr std::size_t slots = 512;
    TagSlot slot[slots];
    TagSlot* last = nullptr;
};
// Zero is the empty-slot marker; a zero tag (legal for the legacy allocators) is kept as this.
inline constexpr nt::ULONG zero_tag_key = 0x7FFFFFFFu;   // not a printable tag
inline nt::ULONG tag_key(nt::ULONG tag) { return tag ? tag : zero_tag_key; }
TagSlot* find_tag_slot(TagTable& table, nt::ULONG key);   // nullptr when the table is full
// A thread whose table is full counts its other tags in one table shared by all threads, under a
// lock (cold: a driver with more than 512 live tags on one thread is rare; poolmon must still see them).
void count_shared(nt::ULONG key, bool paged, bool is_free, std::int64_t bytes);

// Single writer per table: plain load + store, no locked instruction on the hot path.
template <typename T>
inline void bump(std::atomic<T>& c, T v) {
    c.store(c.load(std::memory_order_relaxed) + v, std::memory_order_relaxed);
}
inline void count(TagTable& table, nt::ULONG tag, bool paged, bool is_free, std::int64_t bytes) {
    // Tracked without PROTECTED_POOL, as poolmon lists tags (ReactOS strips it the same way,
    // anchors.md 2.1): a protected tag and its plain twin are one row.
    const nt::ULONG key = tag_key(tag & ~nt::PROTECTED_POOL);
    TagSlot* s = table.last;
    if (!s || s->tag.load(std::memory_order_relaxed) != key) s = find_tag_slot(table, key);
    if (!s) [[unlikely]] return count_shared(key, paged, is_free, bytes);
    bump(is_free ? s->kinds[paged].frees : s->kinds[paged].allocs, std::uintptr_t{1});
    bump(s->kinds[paged].bytes, static_cast<std::intptr_t>(is_free ? -bytes : bytes));
}

// A big block's run that its freeing thread keeps for the next request of the same size
// (pool_big.cpp): still committed, its table entries still saying freed head and tails.
struct CachedBigRun {
    std::uint32_t first = 0;
    std::uint32_t pages = 0;   // 0: none
};

struct ThreadHeap {
    PageInfo* current[arena_count][2][max_units + 1];     // [arena][cache aligned][units]
    PageInfo* available[arena_count][2][max_units + 1];   // other owned pages with free blocks (doubly linked)
    std::atomic<PageInfo*> remote_pages{nullptr};         // pages other threads freed into
    std::size_t emptied_since_trim = 0;                   // pages that emptied since the last trim
    CachedBigRun big_cache[arena_count];
    TagTable tags;
    ThreadHeap* next_registered = nullptr;
    ThreadHeap* next_abandoned = nullptr;   // while no thread owns it
};
ThreadHeap& create_thread_heap();   // registers a heap for this thread (bug checks if it cannot)
inline ThreadHeap& this_thread_heap() {
    if (auto* heap = static_cast<ThreadHeap*>(platform::tls_get(heap_tls_slot))) return *heap;
    return create_thread_heap();
}
ThreadHeap* registered_heaps();

// Links of the free lists, kept in the first word of each free block's body, are stored XOR-ed
// with a per-process key and checked when followed: a driver that writes to a block after freeing
// it (zeros, data, a plausible pointer) leaves a link that decodes to no block of the page, which
// is detected (BAD_POOL_HEADER 0x3) instead of being followed into a crash or handing one block
// out twice. Never zero, with bits above any page offset set (so a pointer written by a driver
// does not decode into the same page).
extern std::uintptr_t link_key;
inline void* encode_link(void* next) { return reinterpret_cast<void*>(reinterpret_cast<std::uintptr_t>(next) ^ link_key); }
inline void* decode_link(void* stored) { return encode_link(stored); }
// Index of the block whose body starts `offset` bytes after the page's first header.
inline std::size_t block_index(const PageInfo& page, std::size_t offset) {
    return static_cast<std::size_t>((static_cast<std::uint64_t>(offset) * page.reciprocal) >> 32);
}
// Whether `next` (decoded) may follow `body` on a free list of `page`: null, or the body of a
// block of the same page.
inline bool link_ok(const PageInfo& page, const void* body, const void* next) {
    if (!next) return true;
    const auto b = reinterpret_cast<std::uintptr_t>(body), n = reinterpret_cast<std::uintptr_t>(next);
    if ((b ^ n) >= page_size) return false;
    const std::uintptr_t first_body = (n & ~(page_size - 1)) + page.first_offset + unit;
    if (n < first_body) return false;
    const std::size_t offset = n - first_body;
    const std::size_t index = block_index(page, offset);
    return index * (std::size_t{page.units.load(std::memory_order_relaxed)} * unit) == offset && index < page.capacity;
}
// 0x19 / 0x3 "the pool freelist is corrupt": P2 the entry whose link is bad, P3 the link read
// back (decoded), P4 0 (the lists are singly linked: there is no Blink to read back).
[[noreturn]] void corrupt_free_list(const void* entry, const void* link);

// Small blocks (pool_small.cpp).
// Bytes of the block (header included) that serves a request; 0 if it must be a big block.
inline std::size_t small_block_bytes(std::size_t bytes, bool cache_aligned) {
    if (bytes == 0) bytes = 1;   // Windows' free build serves a zero-byte request as one byte
    if (!cache_aligned) return bytes <= small_max ? (bytes + unit + unit - 1) / unit * unit : 0;
    // Cache-aligned: whole cache lines, bodies on line boundaries.
    std::size_t block = (bytes + unit + cache_line - 1) / cache_line * cache_line;
    return cache_line - unit + block <= page_size ? block : 0;
}
// Pops a free block of this size class when the current page has none; *page_out receives
// its page. nullptr when out of memory.
void* small_allocate_slow(ThreadHeap& heap, ex::pool::Arena which, bool cache_aligned, std::size_t block_bytes,
                          PageInfo** page_out);
// Takes the first block off a page whose local free list is not empty (its link is checked).
inline void* small_pop(PageInfo& page) {
    void* body = page.local_free;
    void* next = decode_link(*static_cast<void**>(body));
    if (!link_ok(page, body, next)) [[unlikely]] corrupt_free_list(body, next);
    page.local_free = next;
    ++page.used;
    return body;
}
inline void* small_allocate(ThreadHeap& heap, ex::pool::Arena which, bool cache_aligned, std::size_t block_bytes,
                            PageInfo** page_out) {
    PageInfo* page = heap.current[static_cast<int>(which)][cache_aligned][block_bytes / unit];
    if (page && page->local_free) {
        *page_out = page;
        return small_pop(*page);
    }
    return small_allocate_slow(heap, which, cache_aligned, block_bytes, page_out);
}
// Returns a block whose header has already been marked free: onto its page's local list when the
// page is the thread's own (inline; small_release_slow when the page was full, or has emptied),
// else onto the page's remote list for its owner (small_release_remote).
void small_release_slow(ThreadHeap& heap, PageInfo& page, bool was_full);
void small_release_remote(PageInfo& page, ThreadHeap& owner, void* body);
inline void small_release(ThreadHeap& heap, PageInfo& page, void* body) {
    ThreadHeap* owner = page.owner.load(std::memory_order_relaxed);
    if (owner != &heap) [[unlikely]] return small_release_remote(page, *owner, body);
    void* const head = page.local_free;
    *static_cast<void**>(body) = encode_link(head);
    page.local_free = body;
    --page.used;
    // A page that was full becomes available again; one that empties may be trimmed.
    if (!head || page.used == 0) [[unlikely]] small_release_slow(heap, page, !head);
}
// Gives the heap's empty pages back to their arenas (a thread ending does this too).
void trim_empty_pages(ThreadHeap& heap);

// ---- What a pointer is: the facts every tier reports about a live block ----
struct BlockFacts {
    ex::pool::Arena arena;
    nt::ULONG tag;            // as allocated
    nt::ULONG pool_type;      // the block's POOL_TYPE as its header (or big entry) holds it, less 1
    bool quota;               // charged to the process
    std::size_t block_bytes;  // what the block occupies (and what its quota charge was)
    std::size_t usable_bytes; // what its caller may use (ExQueryPoolBlockSize)
    std::size_t body_bytes;   // from the body to the block's end (what the verifier's free check covers)
    std::size_t requested;
};

// A live small block, validated by small_locate.
struct SmallBlock {
    BlockFacts facts;
    PageInfo* page;
    nt::POOL_HEADER* header;
    nt::ULONG header_word;    // the header's packed word as validated
    void* billed;             // the process a quota block charged (and references), else nullptr
};
// A live big block, validated by big_locate.
struct BigBlock {
    BlockFacts facts;
    std::size_t first;        // its head entry's index
    BigEntry* entry;
};
// Another allocator's block (ex::pool::ForeignAllocator): only its owner is known.
struct ForeignBlock {
    void* owner;
};
using Located = std::variant<SmallBlock, BigBlock, ForeignBlock>;

// ---- The small tier (pool_small_block.h/.cpp): the only code that writes or reads a POOL_HEADER ----
// (besides special pool, which lays its own).
// Where a quota block names the process it charged: x64 Windows has the header's ProcessBilled;
// i386 Windows (through Windows 7) adds a pointer slot to the request and keeps the EPROCESS in
// the block's last pointer-sized slot, just before the next header (windows-behavior.md 3.1,
// ReactOS expool.c and its kmtest). The slot is the pool's, not the caller's.
inline constexpr std::size_t quota_slot_bytes = nt::is_64bit ? 0 : sizeof(void*);
// What a charged small block occupies (header and process slot included); 0 if the request
// with its slot is no small block (it is then served uncharged at its own size).
inline std::size_t small_quota_block_bytes(std::size_t requested, bool cache_aligned) {
    return requested <= SIZE_MAX - quota_slot_bytes ? small_block_bytes(requested + quota_slot_bytes, cache_aligned) : 0;
}
// The block functions themselves (small_allocate_block, small_locate, small_mark_free) are
// inline in ex/pool_small_block.h, which the entry points include.

// ---- The big tier (pool_big.cpp) ----
// A block of whole pages for `bytes`, the tail of its last page filled with the slack pattern.
void* big_allocate(ThreadHeap& heap, ex::pool::Arena which, std::size_t bytes, nt::ULONG tag, nt::ULONG pool_type,
                   bool quota);
// Validates a pointer into the big region of `which` (head of a live block, slack).
BigBlock big_locate(ex::pool::Arena which, BigRegion& region, std::uintptr_t a);
// Marks the block freed: a second free of it, or a lost race, is a double free.
void big_mark_free(const BigBlock& b, void* block);
// Gives back the run whose head entry is `first` (already marked freed): kept in the heap's
// cache when it is small enough, else (and whatever the cache held) to the region.
void big_release(ThreadHeap& heap, ex::pool::Arena which, std::size_t first);
// Gives the heap's cached runs back to their regions (a thread ending does this).
void big_flush_cache(ThreadHeap& heap);

// ---- Address space (pool_space.cpp) ----
// 0xC2 / 0x41286 or 0x99: `a` lies in a region of `which` (starting at `pool_start`) but is no block.
[[noreturn]] void not_a_block(ex::pool::Arena which, std::uintptr_t a, std::uintptr_t pool_start);

// ---- The heap registry (pool_heaps.cpp) ----
// Allocates the thread-heap TLS slot (initialize()); false if there is none.
bool heap_registry_initialize();

}  // namespace ex::pool::detail
