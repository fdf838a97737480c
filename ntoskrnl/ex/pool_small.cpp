// Small blocks: a POOL_HEADER, then the caller's bytes, then up to unit-1 bytes of checked
// slack, in pages of one size class owned by one thread's heap.
#include "ex/pool_internal.h"

namespace ex::pool::detail {
namespace {

constexpr std::size_t commit_chunk_pages = 16;   // commit 64 KiB of pages (and their side table) at a time

std::uint8_t* page_base(const SmallRegion& region, const PageInfo& page) {
    return region.base + static_cast<std::size_t>(&page - region.info) * page_size;
}

// Takes back the blocks other threads freed onto this page. Owner only. The links are checked
// as they are walked (a block written to after its free must not send the walk astray).
bool take_remote_frees(PageInfo& page) {
    void* list = page.remote_free.exchange(nullptr, std::memory_order_acquire);
    if (!list) return false;
    void* tail = list;
    std::uint16_t n = 1;
    for (void* next; (next = decode_link(*static_cast<void**>(tail)));) {
        if (!link_ok(page, tail, next) || n >= page.capacity) corrupt_free_list(tail, next);
        tail = next;
        ++n;
    }
    *static_cast<void**>(tail) = encode_link(page.local_free);
    page.local_free = list;
    page.used = static_cast<std::uint16_t>(page.used - n);
    return true;
}

PageInfo* new_page(ex::pool::Arena which, ThreadHeap& heap, std::size_t units, bool cache_aligned) {
    Arena& a = arena(which);
    SmallRegion& region = a.small;
    PageInfo* page;
    {
        SpinLockGuard guard(region.lock);
        if (region.free_pages) {
            page = region.free_pages;
            region.free_pages = page->next;
        } else {
            std::size_t first = region.committed.load(std::memory_order_relaxed);
            if (first == region.pages) return nullptr;
            std::size_t count = commit_chunk_pages < region.pages - first ? commit_chunk_pages : region.pages - first;
            if (!platform::commit(region.base + first * page_size, count * page_size, a.protection)) return nullptr;
            // The side-table entries of these pages, in whole pages: those the entries of the
            // pages before them did not already bring in.
            auto lo = (reinterpret_cast<std::uintptr_t>(region.info + first) + page_size - 1) & ~(page_size - 1);
            auto hi = (reinterpret_cast<std::uintptr_t>(region.info + first + count) + page_size - 1) & ~(page_size - 1);
            if (hi > lo && !platform::commit(reinterpret_cast<void*>(lo), hi - lo, platform::Protection::read_write))
                return nullptr;
            for (std::size_t i = first + 1; i < first + count; ++i) {
                region.info[i].next = region.free_pages;
                region.free_pages = &region.info[i];
            }
            region.committed.store(first + count, std::memory_order_release);
            page = &region.info[first];
        }
    }
    const std::size_t block = units * unit;
    const std::size_t first_offset = cache_aligned ? cache_line - unit : 0;
    page->capacity = static_cast<std::uint16_t>((page_size - first_offset) / block);
    page->first_offset = static_cast<std::uint16_t>(first_offset);
    page->cache_aligned = cache_aligned;
    page->arena = static_cast<std::uint8_t>(which);
    page->reciprocal = static_cast<std::uint32_t>(((std::uint64_t{1} << 32) + block - 1) / block);
    page->used = 0;
    page->available = false;
    page->current = false;
    page->remote_queued.store(false, std::memory_order_relaxed);
    page->remote_free.store(nullptr, std::memory_order_relaxed);
    page->owner.store(&heap, std::memory_order_relaxed);

    // Every block gets a header marking it free (PoolType 0), as Windows' free blocks have, so a
    // stale pointer into a recycled page reads as "already free", not as garbage. The free list
    // hands out the lowest address first.
    std::uint8_t* base = page_base(region, *page);
    void* list = nullptr;
    for (std::size_t i = page->capacity; i-- > 0;) {
        auto* header = reinterpret_cast<nt::POOL_HEADER*>(base + first_offset + i * block);
        header->Ulong1 = nt::POOL_HEADER::make_ulong1(i ? units : 0, 0, units, 0);
        header->PoolTag = 0;
        void* body = header + 1;
        *static_cast<void**>(body) = encode_link(list);
        list = body;
    }
    page->local_free = list;
    page->units.store(static_cast<std::uint16_t>(units), std::memory_order_release);
    return page;
}

PageInfo*& available_head(ThreadHeap& heap, const PageInfo& page) {
    return heap.available[page.arena][page.cache_aligned][page.units.load(std::memory_order_relaxed)];
}

void make_available(ThreadHeap& heap, PageInfo& page) {
    if (page.available || page.current) return;
    PageInfo*& head = available_head(heap, page);
    page.available = true;
    page.prev = nullptr;
    page.next = head;
    if (head) head->prev = &page;
    head = &page;
}

void unlink_available(ThreadHeap& heap, PageInfo& page) {
    if (!page.available) return;
    if (page.prev)
        page.prev->next = page.next;
    else
        available_head(heap, page) = page.next;
    if (page.next) page.next->prev = page.prev;
    page.available = false;
}

// An owned page whose blocks are all free goes back to its arena for any class or thread, unless
// it is the page being allocated from, or another thread may still queue it (its remote free is
// between pushing the block and queueing the page), or it still sits on the heap's remote queue:
// in those cases it stays, and the queue brings it back here.
bool release_if_empty(ThreadHeap& heap, PageInfo& page) {
    if (page.used || page.current || page.remote_in_progress.load(std::memory_order_acquire) ||
        page.remote_queued.load(std::memory_order_acquire))
        return false;
    unlink_available(heap, page);
    SmallRegion& region = arena(static_cast<ex::pool::Arena>(page.arena)).small;
    page.units.store(0, std::memory_order_release);
    page.owner.store(nullptr, std::memory_order_relaxed);
    page.local_free = nullptr;
    SpinLockGuard guard(region.lock);
    page.next = region.free_pages;
    region.free_pages = &page;
    return true;
}

// Empty pages stay with the heap (a churning class refills them at once); after this many have
// emptied, the ones still empty go back to the arena. Bounds what a heap keeps idle to about
// 64 pages without releasing and re-carving a page on every swing.
constexpr std::size_t trim_after_emptied = 64;

void note_emptied(ThreadHeap& heap) {
    if (++heap.emptied_since_trim >= trim_after_emptied) trim_empty_pages(heap);
}

// Pages that other threads freed into since the last look: their blocks come back, and the
// pages become available to their classes again.
void collect_remote_pages(ThreadHeap& heap) {
    PageInfo* page = heap.remote_pages.exchange(nullptr, std::memory_order_acquire);
    while (page) {
        PageInfo* next = page->next_remote;
        page->remote_queued.store(false, std::memory_order_relaxed);   // before taking: later frees re-queue it
        take_remote_frees(*page);
        if (page->local_free) make_available(heap, *page);
        if (!page->used && !page->current) note_emptied(heap);
        page = next;
    }
}

}  // namespace

void* small_allocate_slow(ThreadHeap& heap, ex::pool::Arena which, bool cache_aligned, std::size_t block_bytes,
                          PageInfo** page_out) {
    const std::size_t units = block_bytes / unit;
    const int a = static_cast<int>(which);
    PageInfo*& current = heap.current[a][cache_aligned][units];
    auto make_current = [&](PageInfo* next) {
        // The page we leave has no free block (that is why we leave it): a later free makes it
        // available again (local frees directly, remote ones through the heap's queue).
        if (current) current->current = false;
        next->current = true;
        current = next;
    };
    PageInfo* page = current;
    if (page && (page->local_free || take_remote_frees(*page))) return small_pop(*(*page_out = page));
    collect_remote_pages(heap);
    PageInfo*& available = heap.available[a][cache_aligned][units];
    while ((page = available)) {
        unlink_available(heap, *page);
        if (page->local_free || take_remote_frees(*page)) {
            make_current(page);
            return small_pop(*(*page_out = page));
        }
    }
    page = new_page(which, heap, units, cache_aligned);
    if (!page) return nullptr;
    make_current(page);
    return small_pop(*(*page_out = page));
}

void small_release_remote(PageInfo& page, ThreadHeap& owner, void* body) {
    page.remote_in_progress.fetch_add(1, std::memory_order_acq_rel);
    void* head = page.remote_free.load(std::memory_order_relaxed);
    do {
        *static_cast<void**>(body) = encode_link(head);
    } while (!page.remote_free.compare_exchange_weak(head, body, std::memory_order_release, std::memory_order_relaxed));
    // Tell the owner, once per batch, that this page has blocks to take back.
    if (!page.remote_queued.exchange(true, std::memory_order_acq_rel)) {
        PageInfo* top = owner.remote_pages.load(std::memory_order_relaxed);
        do {
            page.next_remote = top;
        } while (!owner.remote_pages.compare_exchange_weak(top, &page, std::memory_order_release,
                                                          std::memory_order_relaxed));
    }
    page.remote_in_progress.fetch_sub(1, std::memory_order_acq_rel);
}

// The owner's release (small_release) found the page was full, or has just emptied.
void small_release_slow(ThreadHeap& heap, PageInfo& page, bool was_full) {
    if (was_full) make_available(heap, page);
    if (page.used == 0 && !page.current) note_emptied(heap);
}

void trim_empty_pages(ThreadHeap& heap) {
    heap.emptied_since_trim = 0;
    for (auto& by_alignment : heap.available)
        for (auto& by_units : by_alignment)
            for (PageInfo* head : by_units) {
                for (PageInfo* page = head; page;) {
                    PageInfo* next = page->next;
                    release_if_empty(heap, *page);
                    page = next;
                }
            }
}

}  // namespace ex::pool::detail
