// libFuzzer target for the pool core: a byte string becomes a sequence of allocations (sizes from
// 0 to past 64 KiB, every legal pool type, four tags), frees in any order and queries, all of them
// valid, as a correct driver makes them. After each operation the pool's promises are checked:
// every block aligned as its type requires and below a page never crossing one, at least the bytes
// asked for usable (ExQueryPoolBlockSize), no block overlapping another (each is filled with its
// own pattern, checked before its free), and at the end the tag counters back where they started.
// A bug check or a failed check aborts, which libFuzzer reports. Build with clang (tools/test.sh
// runs it for a short while; by hand):
//   cmake --preset fuzz && cmake --build --preset fuzz --target pool_fuzzer
//   build-fuzz/tests/fuzz/pool_fuzzer -max_total_time=60
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "ex/pool.h"

namespace {

constexpr nt::ULONG tags[4] = {0x317A7546, 0x327A7546, 0x337A7546, 0x347A7546};   // "Fuz1".."Fuz4"
// Plain, paged, cache aligned, session and NX types (never MustSucceed, which bug checks).
constexpr nt::ULONG types[] = {0, 1, 4, 5, 0x20, 0x21, 0x24, 0x25, 0x200, 0x204, 0x220};

struct Live {
    std::uint8_t* p;
    std::size_t bytes;
    nt::ULONG tag;
    std::uint8_t seed;
};

[[noreturn]] void fail(const char* what, const Live& b) {
    std::fprintf(stderr, "pool_fuzzer: %s (block %p, %zu bytes)\n", what, static_cast<void*>(b.p), b.bytes);
    std::abort();
}

std::uint8_t pattern(const Live& b, std::size_t i) { return static_cast<std::uint8_t>(b.seed + i * 31); }

void check_contents(const Live& b) {
    for (std::size_t i = 0; i < b.bytes; ++i)
        if (b.p[i] != pattern(b, i)) fail("a block's contents changed: another block overlaps it", b);
}

std::int64_t live_bytes_of_fuzz_tags() {
    static std::vector<ex::pool::TagUsage> rows(16384);
    const std::size_t n = ex::pool::tag_usage(rows.data(), rows.size());
    std::int64_t sum = 0;
    for (std::size_t i = 0; i < n && i < rows.size(); ++i)
        for (nt::ULONG t : tags)
            if (rows[i].tag == t) sum += rows[i].bytes_live;
    return sum;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::int64_t baseline = live_bytes_of_fuzz_tags();
    std::vector<Live> live;
    std::size_t at = 0;
    auto next = [&]() -> std::uint8_t { return at < size ? data[at++] : 0; };
    while (at < size) {
        const std::uint8_t op = next();
        if (op < 160 || live.empty()) {
            // Mostly small sizes, sometimes around the small limit and the page, sometimes big.
            std::size_t bytes = next();
            bytes |= std::size_t{next()} << 8;
            switch (op & 3) {
            case 0: bytes %= 129; break;
            case 1: bytes = ex::pool::small_max - 40 + bytes % 80; break;   // both sides of the small limit and the page
            case 2: bytes %= 4097; break;
            default: bytes %= 70000; break;
            }
            const nt::ULONG type = types[next() % (sizeof(types) / sizeof(types[0]))];
            const nt::ULONG tag = tags[next() & 3];
            const ex::pool::Request r{bytes, tag, type, ex::pool::classify(type), (op & 0x40) != 0};
            auto* p = static_cast<std::uint8_t*>(ex::pool::allocate(r));
            if (!p) continue;   // quota or memory: allowed to fail, never to misbehave
            Live b{p, bytes ? bytes : 1, tag, next()};
            const auto a = reinterpret_cast<std::uintptr_t>(p);
            const bool big = b.bytes > ex::pool::small_max;
            if (big && a % ex::pool::page_size) fail("a big block is not page aligned", b);
            if (a % ex::pool::unit) fail("a block is not aligned to the pool granularity", b);
            if (r.type.cache_aligned && !big && a % ex::pool::cache_line) fail("a cache-aligned block is not", b);
            if (!big && a / ex::pool::page_size != (a + b.bytes - 1) / ex::pool::page_size) fail("a small block crosses a page", b);
            const ex::pool::BlockInfo info = ex::pool::query(p);
            if (info.usable_bytes < b.bytes || info.tag != tag) fail("the block's size or tag is not what was asked", b);
            for (std::size_t i = 0; i < b.bytes; ++i) p[i] = pattern(b, i);
            live.push_back(b);
            if (live.size() > 512) {   // bound the live set: free the oldest
                check_contents(live.front());
                ex::pool::free(live.front().p, live.front().tag);
                live.erase(live.begin());
            }
        } else if (op < 240) {
            const std::size_t i = next() % live.size();
            check_contents(live[i]);
            ex::pool::free(live[i].p, (op & 1) ? live[i].tag : 0);
            live[i] = live.back();
            live.pop_back();
        } else {
            const Live& b = live[next() % live.size()];
            check_contents(b);
            if (ex::pool::query(b.p).usable_bytes < b.bytes) fail("the usable size shrank", b);
        }
    }
    for (const Live& b : live) {
        check_contents(b);
        ex::pool::free(b.p, b.tag);
    }
    if (live_bytes_of_fuzz_tags() != baseline) {
        std::fprintf(stderr, "pool_fuzzer: the tag counters do not return to where they were\n");
        std::abort();
    }
    return 0;
}
