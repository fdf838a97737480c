// The pool's address space: per arena one region for small-block pages and one for big blocks,
// reserved at the first use (initialize), so that "is this ours, and which tier's" is a range
// check that never dereferences the pointer.
#include "ex/pool_internal.h"
#include "ke/bugcheck.h"
#include "ke/irql.h"

namespace ex::pool {
namespace detail {
namespace {

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

bool reserve(Arena& a, std::size_t small_bytes, std::size_t big_bytes) {
    a.small.pages = small_bytes / page_size;
    a.small.base = static_cast<std::uint8_t*>(platform::reserve_address_space(small_bytes));
    a.small.info = static_cast<PageInfo*>(platform::reserve_address_space(a.small.pages * sizeof(PageInfo)));
    a.big.pages = big_bytes / page_size;
    a.big.base = static_cast<std::uint8_t*>(platform::reserve_address_space(big_bytes));
    a.big.table = static_cast<BigEntry*>(platform::reserve_address_space(a.big.pages * sizeof(BigEntry)));
    return a.small.base && a.small.info && a.big.base && a.big.table;
}

}  // namespace

Arena arenas[arena_count];
std::atomic<int> init_state{0};   // 0 none, 1 in progress, 2 done, 3 failed
std::uintptr_t link_key = 0;


[[noreturn, gnu::cold, gnu::noinline]] void not_a_block(ex::pool::Arena which, std::uintptr_t a, std::uintptr_t pool_start) {
    if (which == ex::pool::Arena::paged) {
        // 0x41286: "free a paged pool address in the middle of an allocation"; P4 the offset in
        // pages from the start of paged pool.
        ke::bug_check(ke::bugcheck_code::bad_pool_caller, 0x41286, 0, 0, (a - pool_start) / page_size);
    }
    // 0x99: "attempted to free pool with an invalid address". (Which of the documented
    // nonpaged codes Windows uses for an interior pointer is not known.)
    ke::bug_check(ke::bugcheck_code::bad_pool_caller, 0x99, a, 0, 0);
}

}  // namespace detail

using namespace detail;

void initialize() {
    int state = init_state.load(std::memory_order_acquire);
    if (state == 2) return;
    int expected = 0;
    if (init_state.compare_exchange_strong(expected, 1, std::memory_order_acq_rel)) {
        ke::initialize_irql();   // the pool checks the IRQL on every call
        bool ok = heap_registry_initialize();
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

}  // namespace ex::pool
