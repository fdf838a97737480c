// Per-tag accounting, poolmon style. Each thread counts into its own table (single writer, no
// atomic read-modify-write on the hot path); readers sum every thread's table. A block freed on
// another thread than the one that allocated it is counted as a free there: the sums stay right.
#include <cstdio>

#include "ex/pool_internal.h"

namespace ex::pool::detail {

TagSlot* find_tag_slot(TagTable& table, nt::ULONG tag) {
    std::size_t i = (tag * 0x9E3779B1u) >> 23;   // 9 bits: 512 slots
    for (std::size_t probe = 0; probe < TagTable::slots; ++probe, i = (i + 1) % TagTable::slots) {
        nt::ULONG t = table.slot[i].tag.load(std::memory_order_relaxed);
        if (t == tag) return table.last = &table.slot[i];
        if (t == 0) {
            table.slot[i].tag.store(tag, std::memory_order_release);
            return table.last = &table.slot[i];
        }
    }
    return nullptr;
}

namespace {
// The shared table: more than every tag a whole Windows system has in use at once (a few
// thousand), on top of each thread's own 512.
struct SharedTags {
    static constexpr std::size_t slots = 8192;
    TagSlot slot[slots];
    SpinLock lock;
};
SharedTags shared_tags;
}  // namespace

void count_shared(nt::ULONG key, bool paged, bool is_free, std::int64_t bytes) {
    SpinLockGuard guard(shared_tags.lock);
    std::size_t i = (key * 0x9E3779B1u) >> 19;   // 13 bits: 8192 slots
    TagSlot* s = nullptr;
    for (std::size_t probe = 0; probe < SharedTags::slots && !s; ++probe, i = (i + 1) % SharedTags::slots) {
        const nt::ULONG t = shared_tags.slot[i].tag.load(std::memory_order_relaxed);
        if (t == key) s = &shared_tags.slot[i];
        else if (t == 0) (s = &shared_tags.slot[i])->tag.store(key, std::memory_order_release);
    }
    if (!s) return;   // 8192 more distinct tags: beyond what any system tracks
    bump(is_free ? s->kinds[paged].frees : s->kinds[paged].allocs, std::uintptr_t{1});
    bump(s->kinds[paged].bytes, static_cast<std::intptr_t>(is_free ? -bytes : bytes));
}

}  // namespace ex::pool::detail

namespace ex::pool {

std::size_t tag_usage(TagUsage* out, std::size_t capacity) {
    using namespace detail;
    std::size_t n = 0;
    auto merge = [&](nt::ULONG key, bool paged, const TagCounters& c) {
        std::uint64_t allocs = c.allocs.load(std::memory_order_relaxed);
        std::uint64_t frees = c.frees.load(std::memory_order_relaxed);
        if (!allocs && !frees) return;
        nt::ULONG tag = key == zero_tag_key ? 0 : key;
        for (std::size_t i = 0; i < n && i < capacity; ++i) {
            if (out[i].tag == tag && out[i].paged == paged) {
                out[i].allocs += allocs;
                out[i].frees += frees;
                out[i].bytes_live += c.bytes.load(std::memory_order_relaxed);
                return;
            }
        }
        if (n < capacity) out[n] = {tag, paged, allocs, frees, c.bytes.load(std::memory_order_relaxed)};
        ++n;
    };
    auto merge_table = [&](const TagSlot* slots, std::size_t count) {
        for (std::size_t i = 0; i < count; ++i) {
            const nt::ULONG key = slots[i].tag.load(std::memory_order_acquire);
            if (!key) continue;
            merge(key, false, slots[i].kinds[0]);
            merge(key, true, slots[i].kinds[1]);
        }
    };
    for (ThreadHeap* heap = registered_heaps(); heap; heap = heap->next_registered) merge_table(heap->tags.slot, TagTable::slots);
    {
        SpinLockGuard guard(shared_tags.lock);
        merge_table(shared_tags.slot, SharedTags::slots);
    }
    return n;
}

std::size_t format_tag_table(TagUsage* rows, std::size_t n, char* out, std::size_t capacity) {
    // Most bytes in use first, then by tag, as poolmon sorted by bytes shows them.
    for (std::size_t i = 1; i < n; ++i) {
        TagUsage row = rows[i];
        std::size_t j = i;
        auto before = [](const TagUsage& a, const TagUsage& b) {
            return a.bytes_live != b.bytes_live ? a.bytes_live > b.bytes_live : a.tag < b.tag;
        };
        for (; j > 0 && before(row, rows[j - 1]); --j) rows[j] = rows[j - 1];
        rows[j] = row;
    }
    std::size_t len = 0;
    auto append = [&](int wrote) {
        if (wrote > 0) len += static_cast<std::size_t>(wrote);
    };
    auto room = [&]() { return len < capacity ? capacity - len : 0; };
    auto at = [&]() { return out + (len < capacity ? len : (capacity ? capacity - 1 : 0)); };
    append(std::snprintf(capacity ? at() : nullptr, room(), " Tag  Type      Allocs       Frees        Diff       Bytes\n"));
    for (std::size_t i = 0; i < n; ++i) {
        char tag[5];
        for (int k = 0; k < 4; ++k) {
            // Poolmon shows the four characters as they read in memory; the protected bit is not one.
            unsigned char c = static_cast<unsigned char>(((rows[i].tag & ~nt::PROTECTED_POOL) >> (8 * k)) & 0xFF);
            tag[k] = c >= 0x20 && c < 0x7F ? static_cast<char>(c) : '.';
        }
        tag[4] = '\0';
        append(std::snprintf(capacity ? at() : nullptr, room(), " %s %-7s %11llu %11llu %11lld %11lld\n", tag,
                                      rows[i].paged ? "Paged" : "Nonp",
                                      static_cast<unsigned long long>(rows[i].allocs),
                                      static_cast<unsigned long long>(rows[i].frees),
                                      static_cast<long long>(rows[i].allocs - rows[i].frees),
                                      static_cast<long long>(rows[i].bytes_live)));
    }
    if (capacity) out[len < capacity ? len : capacity - 1] = '\0';
    return len;
}

}  // namespace ex::pool
