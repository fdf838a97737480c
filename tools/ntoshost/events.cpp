// The child's half of the event stream (report.h) and its own copy of the pool tracking (for the
// verifier's leak check at unload and for routing frees under --wine-fallback).
#include <windows.h>

#include <cstdarg>
#include <cstdio>
#include <set>

#include "child.h"
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

PoolTracker tracker;
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

void emit(const char* format, ...) {
    char buf[1024];
    int n = std::snprintf(buf, sizeof(buf), "%s", event_prefix.data());
    va_list ap;
    va_start(ap, format);
    int m = std::vsnprintf(buf + n, sizeof(buf) - n - 1, format, ap);
    va_end(ap);
    n += m < 0 ? 0 : std::min<int>(m, static_cast<int>(sizeof(buf)) - n - 2);
    buf[n++] = '\n';
    Guard g;
    write_line(buf, n);   // one write per line: lines from several threads never interleave
}

void record_alloc(void* block, std::uint32_t tag, bool paged, std::uint32_t pool_type, std::uint64_t bytes,
                  const char* routine) {
    Guard g;
    tracker.allocated(reinterpret_cast<std::uintptr_t>(block), tag, paged, pool_type, bytes, routine);
    if (wine_fallback_active) pool_reservations.insert(allocation_base(block));
    emit("alloc %llx %08x %x %d %llu %s", static_cast<unsigned long long>(reinterpret_cast<std::uintptr_t>(block)), tag,
         pool_type, paged ? 1 : 0, static_cast<unsigned long long>(bytes), routine);
}

void record_free(void* block, std::uint32_t tag, const char* routine) {
    Guard g;
    tracker.freed(reinterpret_cast<std::uintptr_t>(block), tag, routine);
    emit("free %llx %08x %s", static_cast<unsigned long long>(reinterpret_cast<std::uintptr_t>(block)), tag, routine);
}

bool from_project_pool(void* block) {
    Guard g;
    if (tracker.live().count(reinterpret_cast<std::uintptr_t>(block))) return true;
    return pool_reservations.count(allocation_base(block)) != 0;
}

std::uint64_t live_allocations() {
    Guard g;
    return tracker.live().size();
}

}  // namespace ntoshost
