#include "vf/driver_verifier.h"

#include <unordered_map>

#include "ex/lookaside.h"
#include "ex/special_pool.h"
#include "ex/spinlock.h"
#include "ke/bugcheck.h"
#include "ke/irql.h"
#include "vf/settings.h"
#include "vf/verifier.h"

namespace vf {
namespace {

constexpr nt::ULONG verifier_violation = ke::bugcheck_code::driver_verifier_detected_violation;

struct Tracked {
    VerifiedDriver* driver;
    std::size_t bytes;
    bool paged;
};

ex::SpinLock lock;
VerifiedDriver drivers[32];
// Every block a tracking driver allocated, until anyone frees it. The process heap's allocator
// (std::unordered_map), not the pool: the table must not feed back into what it watches.
std::unordered_map<std::uintptr_t, Tracked>* tracked;

void forget(std::unordered_map<std::uintptr_t, Tracked>::iterator it) {
    VerifiedDriver* d = it->second.driver;
    --d->live_allocations;
    (it->second.paged ? d->live_paged_bytes : d->live_nonpaged_bytes) -= it->second.bytes;
    tracked->erase(it);
}

// Called by the pool before every free, whoever frees (ex::pool::set_free_observer).
void on_pool_free(const void* block) {
    ex::SpinLockGuard guard(lock);
    if (!tracked) return;
    auto it = tracked->find(reinterpret_cast<std::uintptr_t>(block));
    if (it != tracked->end()) forget(it);
}

void track(VerifiedDriver& d, void* block, std::size_t bytes, bool paged) {
    ex::SpinLockGuard guard(lock);
    if (!tracked) {
        tracked = new std::unordered_map<std::uintptr_t, Tracked>();
        ex::pool::set_free_observer(&on_pool_free);
    }
    (*tracked)[reinterpret_cast<std::uintptr_t>(block)] = Tracked{&d, bytes, paged};
    ++d.live_allocations;
    ++d.total_allocations;
    (paged ? d.live_paged_bytes : d.live_nonpaged_bytes) += bytes;
}

}  // namespace

VerifiedDriver* attach(std::u16string_view name, const void* base, std::size_t size, std::uint32_t options) {
    ex::SpinLockGuard guard(lock);
    for (auto& d : drivers) {
        if (d.in_use) continue;
        d = VerifiedDriver{};
        const std::size_t n = name.size() < 63 ? name.size() : 63;
        for (std::size_t i = 0; i < n; ++i) d.name_buffer[i] = name[i];
        d.name = nt::UNICODE_STRING{static_cast<nt::USHORT>(n * 2), static_cast<nt::USHORT>(n * 2 + 2), d.name_buffer};
        d.base = reinterpret_cast<std::uintptr_t>(base);
        d.size = size;
        d.options = options;
        d.in_use = true;
        verified_drivers.fetch_add(1, std::memory_order_relaxed);
        return &d;
    }
    return nullptr;
}

VerifiedDriver* driver_at(const void* address) {
    const auto a = reinterpret_cast<std::uintptr_t>(address);
    for (auto& d : drivers)
        if (d.in_use && a - d.base < d.size) return &d;
    return nullptr;
}

void detach(VerifiedDriver* d) {
    if (!d) return;
    std::uint64_t live;
    {
        ex::SpinLockGuard guard(lock);
        live = d->live_allocations;
    }
    if ((d->options & option::pool_tracking) && live)
        ke::bug_check(verifier_violation, 0x62, reinterpret_cast<nt::ULONG_PTR>(&d->name),
                      reinterpret_cast<nt::ULONG_PTR>(d), static_cast<nt::ULONG_PTR>(live));
    ex::SpinLockGuard guard(lock);
    // Blocks it left that others free later stay in the table no longer.
    if (tracked)
        for (auto it = tracked->begin(); it != tracked->end();) {
            if (it->second.driver == d) it = tracked->erase(it);
            else ++it;
        }
    d->in_use = false;
    verified_drivers.fetch_sub(1, std::memory_order_relaxed);
}

void* allocate(const ex::pool::Request& r, nt::NTSTATUS* failure, void* context) {
    auto& d = *static_cast<VerifiedDriver*>(context);
    const nt::KIRQL irql = ke::current_irql();
    if (r.bytes == 0) ke::bug_check(verifier_violation, 0x00, irql, r.pool_type, 0);
    if (!ex::pool::irql_allowed(irql, r.type.paged))
        ke::bug_check(verifier_violation, r.type.paged ? 0x01 : 0x02, irql, r.pool_type, r.bytes);
    void* block = nullptr;
    if ((d.options & option::special_pool) && !r.type.must_succeed && ex::pool::special::eligible(r.bytes, r.type.cache_aligned))
        block = ex::pool::special::allocate(r);
    if (!block) block = ex::pool::allocate(r, failure);
    if (block && (d.options & option::pool_tracking)) track(d, block, r.bytes, r.type.paged);
    return block;
}

void free(void* block, nt::ULONG tag) {
    // Special pool's own free makes these checks for its blocks, with its own codes (0xC1: 0x31 a
    // bad IRQL, 0x20/0x21 an address it did not hand out), so they are left to it.
    if (block && ex::pool::contains(block) && !ex::pool::special::contains(block)) {
        const ex::pool::BlockInfo info = ex::pool::query(block);
        const bool paged = info.arena == ex::pool::Arena::paged;
        const nt::KIRQL irql = ke::current_irql();
        if (!ex::pool::irql_allowed(irql, paged))
            ke::bug_check(verifier_violation, paged ? 0x11 : 0x12, irql, paged ? 1 : 0, reinterpret_cast<nt::ULONG_PTR>(block));
        // Vista+: freeing pool that holds a live lookaside list (0xC4 / 0xCC).
        ex::lookaside::check_pool_free(block, info.usable_bytes);
    }
    ex::pool::free(block, tag);
}

VerifiedDriver snapshot(const VerifiedDriver& d) {
    ex::SpinLockGuard guard(lock);
    return d;
}

}  // namespace vf
