// The thread-heap registry: each thread that uses the pool gets a heap (its pages and tag
// counters), found through a TLS slot; a heap whose thread ended waits for the next thread that
// needs one, so the number of heaps is bounded by the most threads that used the pool at once.
#include <new>

#include "ex/pool_internal.h"
#include "ke/bugcheck.h"

namespace ex::pool {
namespace detail {
namespace {

std::atomic<ThreadHeap*> heaps{nullptr};
// Heaps of threads that ended, waiting for a new thread to adopt them.
ThreadHeap* abandoned_heaps = nullptr;
SpinLock abandoned_lock;

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

int heap_tls_slot = -1;

bool heap_registry_initialize() { return (heap_tls_slot = platform::tls_slot_allocate(&thread_exit)) >= 0; }

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
    big_flush_cache(*heap);
    SpinLockGuard guard(abandoned_lock);
    heap->next_abandoned = abandoned_heaps;
    abandoned_heaps = heap;
}

std::size_t thread_heap_count() {
    std::size_t n = 0;
    for (ThreadHeap* heap = registered_heaps(); heap; heap = heap->next_registered) ++n;
    return n;
}

}  // namespace ex::pool
