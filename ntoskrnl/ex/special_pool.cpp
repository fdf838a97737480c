#include "ex/special_pool.h"

#include <atomic>
#include <cstring>

#include "ex/pool_internal.h"
#include "ke/bugcheck.h"
#include "ke/irql.h"
#include "ps/quota.h"

namespace ex::pool::special {
namespace {

using ke::bugcheck_code::bad_pool_caller;
using ke::bugcheck_code::special_pool_detected_memory_corruption;


// A slot is a data page and a guard page. x86_64: 256 Ki slots (2 GiB of address space, 4 MiB of
// slot table at most); i386: 8 Ki slots (64 MiB), enough for a driver under test.
#if UINTPTR_MAX > 0xFFFFFFFFu
constexpr std::size_t slot_count = std::size_t{1} << 18;
#else
constexpr std::size_t slot_count = std::size_t{1} << 13;
#endif
constexpr std::size_t slot_bytes = 2 * page_size;
constexpr std::uint8_t fill_byte = 0xD7;   // the pattern of a special page outside the block

struct Slot {
    enum State : std::uint8_t { never = 0, live = 1, freed = 2 };
    State state;
    std::uint8_t arena;
    bool quota;
    std::uint16_t body_offset;   // from the page start
    std::uint32_t bytes;         // requested
    nt::ULONG tag;
    nt::ULONG pool_type;         // the caller's, for bug check parameters
    nt::ULONG header_word;       // what the POOL_HEADER before the body must still hold
};

struct Region {
    std::uint8_t* base = nullptr;
    Slot* slots = nullptr;
    std::size_t bump = 0;             // slots handed out at least once
    std::size_t table_committed = 0;  // slot-table entries committed (whole pages)
    std::size_t reuse_cursor = 0;     // next slot to consider for reuse (FIFO over the region)
    std::size_t live = 0;
    ex::SpinLock lock;
};
Region region;
std::atomic<int> region_state{0};   // 0 none, 1 in progress, 2 ready, 3 failed

bool fault_in_special_pool(std::uintptr_t address, bool write, std::uintptr_t instruction);

bool ensure_region() {
    int s = region_state.load(std::memory_order_acquire);
    if (s == 2) return true;
    int expected = 0;
    if (region_state.compare_exchange_strong(expected, 1, std::memory_order_acq_rel)) {
        region.base = static_cast<std::uint8_t*>(platform::reserve_address_space(slot_count * slot_bytes));
        region.slots = static_cast<Slot*>(platform::reserve_address_space(slot_count * sizeof(Slot)));
        const bool ok = region.base && region.slots;
        if (ok) platform::install_access_fault_handler(&fault_in_special_pool);
        region_state.store(ok ? 2 : 3, std::memory_order_release);
    }
    while ((s = region_state.load(std::memory_order_acquire)) == 1) platform::yield_thread();
    return s == 2;
}

std::uint8_t* page_of(std::size_t slot) { return region.base + slot * slot_bytes; }

// A slot to use, under the lock: never-used ones first, then the freed slot that has waited
// longest (the cursor sweeps the region in order).
bool take_slot(std::size_t* out) {
    if (region.bump < slot_count) {
        const std::size_t need = region.bump + 1;
        if (need > region.table_committed) {
            const std::size_t per_page = page_size / sizeof(Slot);
            const std::size_t first = region.table_committed / per_page;
            if (!platform::commit(reinterpret_cast<std::uint8_t*>(region.slots) + first * page_size, page_size,
                                  platform::Protection::read_write))
                return false;
            region.table_committed += per_page;
        }
        *out = region.bump++;
        return true;
    }
    for (std::size_t n = 0; n < slot_count; ++n) {
        const std::size_t i = region.reuse_cursor;
        region.reuse_cursor = (region.reuse_cursor + 1) % slot_count;
        if (region.slots[i].state == Slot::freed) {
            *out = i;
            return true;
        }
    }
    return false;
}

std::uint8_t* body_end_limit(std::uint8_t* page) { return page + page_size; }

[[noreturn]] void corruption(std::uintptr_t block, std::uintptr_t p2, std::uintptr_t p3, std::uintptr_t subcode) {
    ke::bug_check(special_pool_detected_memory_corruption, block, p2, p3, subcode);
}

bool fault_in_special_pool(std::uintptr_t address, bool write, std::uintptr_t instruction) {
    if (region_state.load(std::memory_order_acquire) != 2 ||
        address - reinterpret_cast<std::uintptr_t>(region.base) >= slot_count * slot_bytes)
        return false;
    const std::size_t offset = address - reinterpret_cast<std::uintptr_t>(region.base);
    const std::size_t slot = offset / slot_bytes;
    const bool guard_page = offset % slot_bytes >= page_size;
    // No lock: the system is stopping either way, and the state byte is read once.
    const auto state = __atomic_load_n(&region.slots[slot].state, __ATOMIC_ACQUIRE);
    const bool by_module = platform::address_in_this_module(instruction);
    nt::ULONG code;
    if (guard_page || state == Slot::live)
        code = by_module ? ke::bugcheck_code::page_fault_beyond_end_of_allocation
                         : ke::bugcheck_code::driver_page_fault_beyond_end_of_allocation;
    else
        code = by_module ? ke::bugcheck_code::page_fault_in_freed_special_pool
                         : ke::bugcheck_code::driver_page_fault_in_freed_special_pool;
    // P1 the address referenced, P2 0 read / 1 write, P3 the instruction, P4 reserved (0).
    ke::bug_check(code, address, write ? 1 : 0, instruction, 0);
}

}  // namespace

bool eligible(std::size_t bytes, bool cache_aligned) {
    if (bytes == 0) bytes = 1;
    const std::size_t align = cache_aligned ? cache_line : unit;
    // The block and the header before it must fit in the page.
    return (bytes + align - 1) / align * align + unit <= page_size && bytes <= small_max;
}

bool contains(const void* address) {
    return region_state.load(std::memory_order_acquire) == 2 &&
           reinterpret_cast<std::uintptr_t>(address) - reinterpret_cast<std::uintptr_t>(region.base) <
               slot_count * slot_bytes;
}

void* allocate(const Request& r) {
    // Its pages come from the pool's arenas and it counts tags in the thread's heap: the pool
    // must be set up (the verifier's thunks call here first for a verified driver).
    if (!detail::initialized()) ex::pool::initialize();
    // With the verifier on, an allocation at a bad IRQL is 0xC1/0x30 (P1 IRQL, P2 pool type,
    // P3 bytes), as special pool reports it.
    const nt::KIRQL irql = ke::current_irql();
    if (!irql_allowed(irql, r.type.paged))
        corruption(irql, r.pool_type, r.bytes, 0x30);
    if (!ensure_region()) return nullptr;
    const std::size_t bytes = r.bytes ? r.bytes : 1;
    const std::size_t align = r.type.cache_aligned ? cache_line : unit;
    const std::size_t span = (bytes + align - 1) / align * align;

    const detail::Arena& a = detail::arena(r.type.arena);
    std::size_t slot;
    {
        SpinLockGuard guard(region.lock);
        if (!take_slot(&slot)) return nullptr;
        region.slots[slot].state = Slot::live;   // reserved for us; filled in below
        ++region.live;
    }
    std::uint8_t* page = page_of(slot);
    if (!platform::commit(page, page_size, a.protection)) {
        SpinLockGuard guard(region.lock);
        region.slots[slot].state = Slot::freed;
        --region.live;
        return nullptr;
    }
    if (r.quota && !ps::charge(ps::current_process(), ps::quota_kind(r.type.paged),
                               page_size)) {
        platform::decommit(page, page_size);
        SpinLockGuard guard(region.lock);
        region.slots[slot].state = Slot::freed;
        --region.live;
        return nullptr;
    }
    std::memset(page, fill_byte, page_size);
    std::uint8_t* body = body_end_limit(page) - span;
    // A POOL_HEADER before the body, as drivers that peek at their block's header expect; it is
    // checked at free like the pattern around it.
    auto* header = reinterpret_cast<nt::POOL_HEADER*>(body) - 1;
    std::memset(header, 0, sizeof(*header));
    const std::size_t units = (span + unit) / unit;
    header->Ulong1 = nt::POOL_HEADER::make_ulong1(0, 0, units, 0);
    nt::POOL_HEADER h = *header;
    h.set_pool_type(r.type.header_type + (r.quota ? 0x8 : 0));
    header->Ulong1 = h.Ulong1;
    header->PoolTag = r.tag;

    Slot& s = region.slots[slot];
    s.arena = static_cast<std::uint8_t>(r.type.arena);
    s.quota = r.quota;
    s.body_offset = static_cast<std::uint16_t>(body - page);
    s.bytes = static_cast<std::uint32_t>(bytes);
    s.tag = r.tag;
    s.pool_type = r.pool_type;
    s.header_word = h.Ulong1;
    detail::count(detail::this_thread_heap().tags, r.tag, r.type.paged, false, static_cast<std::int64_t>(bytes));
    return body;
}

void free(void* block, nt::ULONG tag) {
    const auto a = reinterpret_cast<std::uintptr_t>(block);
    const std::size_t offset = a - reinterpret_cast<std::uintptr_t>(region.base);
    const std::size_t slot = offset / slot_bytes;
    Slot s;
    {
        SpinLockGuard guard(region.lock);
        s = region.slots[slot < region.bump ? slot : 0];
        if (slot >= region.bump) s.state = Slot::never;
    }
    const bool paged = static_cast<ex::pool::Arena>(s.arena) == ex::pool::Arena::paged;
    const nt::KIRQL irql = ke::current_irql();
    // 0x31: free at a bad IRQL (P1 IRQL, P2 pool type, P3 the address).
    if (s.state == Slot::live && !irql_allowed(irql, paged))
        corruption(irql, s.pool_type, a, 0x31);
    // 0x20: freeing pool that is not allocated (never was, or already freed); P2 reserved, P3 0.
    if (s.state != Slot::live) corruption(a, 0, 0, 0x20);
    std::uint8_t* page = page_of(slot);
    std::uint8_t* body = page + s.body_offset;
    // 0x21: a bad address for this allocation (P2 bytes requested, P3 the bytes the caller got).
    if (reinterpret_cast<std::uint8_t*>(block) != body)
        corruption(a, s.bytes, static_cast<std::uintptr_t>(body_end_limit(page) - body), 0x21);
    // 0x23: bytes before the block (pattern or its header) changed: an underrun or a stray write.
    auto* header = reinterpret_cast<nt::POOL_HEADER*>(body) - 1;
    for (std::uint8_t* p = page; p < reinterpret_cast<std::uint8_t*>(header); ++p)
        if (*p != fill_byte) corruption(a, reinterpret_cast<std::uintptr_t>(p), 0, 0x23);
    bool header_intact = header->Ulong1 == s.header_word && header->PoolTag == s.tag;
#if UINTPTR_MAX > 0xFFFFFFFFu
    header_intact = header_intact && header->ProcessBilled == nullptr;
#endif
    if (!header_intact)
        corruption(a, reinterpret_cast<std::uintptr_t>(header), 0, 0x23);
    // 0x24: bytes after the end of the block, before the page end, changed: an overrun.
    for (std::uint8_t* p = body + s.bytes; p < body_end_limit(page); ++p)
        if (*p != fill_byte) corruption(a, reinterpret_cast<std::uintptr_t>(p), 0, 0x24);
    if ((s.tag & nt::PROTECTED_POOL) && tag != s.tag) ke::bug_check(bad_pool_caller, 0x0A, a, s.tag, tag);
    run_free_check(block, s.bytes);   // freeing memory that holds a live list (0xC4/0xCC)
    {
        SpinLockGuard guard(region.lock);
        if (region.slots[slot].state != Slot::live) corruption(a, 0, 0, 0x20);   // lost a race with another free
        region.slots[slot].state = Slot::freed;
        --region.live;
    }
    platform::decommit(page, page_size);   // a use after free now faults
    if (s.quota) ps::give_back(ps::current_process(), ps::quota_kind(paged), page_size);
    detail::count(detail::this_thread_heap().tags, s.tag, paged, true, s.bytes);
}

BlockInfo query(const void* block) {
    const auto a = reinterpret_cast<std::uintptr_t>(block);
    const std::size_t slot = (a - reinterpret_cast<std::uintptr_t>(region.base)) / slot_bytes;
    Slot s{};
    {
        SpinLockGuard guard(region.lock);
        if (slot < region.bump) s = region.slots[slot];
    }
    if (s.state != Slot::live || page_of(slot) + s.body_offset != block) corruption(a, 0, 0, 0x20);
    BlockInfo info{};
    info.usable_bytes = static_cast<std::size_t>(page_size - s.body_offset);
    info.requested_bytes = s.bytes;
    info.tag = s.tag;
    info.quota_charged = s.quota;
    info.big = false;
    info.arena = static_cast<ex::pool::Arena>(s.arena);
    return info;
}

std::size_t live_blocks() {
    SpinLockGuard guard(region.lock);
    return region.live;
}

}  // namespace ex::pool::special
