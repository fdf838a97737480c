// The child's half of the event stream (events.h) and its own copy of the pool tracking (for the
// verifier's leak check at unload and for routing frees under --wine-fallback).
#include <windows.h>

#include <cstdio>
#include <set>

#include "child.h"
#include "export_drivers.h"
#include "report.h"

namespace ntoshost {
namespace {

CRITICAL_SECTION lock;
struct LockInit {
    LockInit() { InitializeCriticalSection(&lock); }
} lock_init;
struct Guard {
    Guard() { EnterCriticalSection(&lock); }
    ~Guard() { LeaveCriticalSection(&lock); }
};

PoolTracker tracker;          // the driver's blocks
PoolTracker module_tracker;   // its export drivers' blocks
std::set<void*> pool_reservations;   // allocation bases of blocks the project's pool returned

void write_line(const char* text, int n) {
    DWORD written = 0;
    WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), text, static_cast<DWORD>(n), &written, nullptr);
}

void* allocation_base(void* p) {
    MEMORY_BASIC_INFORMATION mbi;
    if (!VirtualQuery(p, &mbi, sizeof(mbi))) return nullptr;
    return mbi.AllocationBase;
}

}  // namespace

void emit_line(const std::string& line) {
    const std::string text = line + "\n";
    Guard g;
    write_line(text.data(), static_cast<int>(text.size()));
}

void record_alloc(void* block, std::uint32_t tag, bool paged, std::uint32_t pool_type, std::uint64_t bytes,
                  const char* routine, const void* caller) {
    const std::string owner = caller ? export_driver_at(caller) : std::string();
    Guard g;
    (owner.empty() ? tracker : module_tracker).allocated(reinterpret_cast<std::uintptr_t>(block), tag, paged, pool_type, bytes, routine);
    if (wine_fallback_active) pool_reservations.insert(allocation_base(block));
    emit(events::Alloc{reinterpret_cast<std::uintptr_t>(block), tag, pool_type, paged ? 1u : 0u, bytes, routine, owner});
}

void record_free(void* block, std::uint32_t tag, const char* routine, const void* caller) {
    const std::string by = caller ? export_driver_at(caller) : std::string();
    Guard g;
    const auto a = reinterpret_cast<std::uintptr_t>(block);
    // The block counts where it was allocated: a driver may free what its export driver made.
    if (!tracker.live().count(a) && module_tracker.live().count(a))
        module_tracker.freed(a, tag, routine);
    else
        tracker.freed(a, tag, routine);
    emit(events::Free{a, tag, routine, by});
}

bool from_project_pool(void* block) {
    Guard g;
    if (tracker.live().count(reinterpret_cast<std::uintptr_t>(block))) return true;
    if (module_tracker.live().count(reinterpret_cast<std::uintptr_t>(block))) return true;
    return pool_reservations.count(allocation_base(block)) != 0;
}

std::uint64_t live_allocations() {
    Guard g;
    return tracker.live().size();
}

}  // namespace ntoshost
