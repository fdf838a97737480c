// The child process: loads, binds and runs the driver, streaming events (report.h) to the parent.
#pragma once

#include <cstdint>

#include <windows.h>

#include "options.h"

namespace ntoshost {

int run_child(const Options& options);

// ---- Event stream (events.cpp) ----
void emit(const char* format, ...) __attribute__((format(printf, 1, 2)));
void record_alloc(void* block, std::uint32_t tag, bool paged, std::uint32_t pool_type, std::uint64_t bytes,
                  const char* routine);
void record_free(void* block, std::uint32_t tag, const char* routine);
// Whether `block` came from the project's pool (the fallback routes other frees to Wine's).
bool from_project_pool(void* block);
// Live allocations of the driver now (for the verifier check at unload).
std::uint64_t live_allocations();

// ---- Pool routines interposed between the driver and the module (pool_thunks.cpp) ----
struct Interposed {
    const char* name;
    void* thunk;
    void** real;   // where the thunk finds the module's routine
};
const Interposed* find_interposed(const char* name);
// The tracking thunk of a pool routine (ExAllocatePoolWithTag, ExFreePool), bound to the module's
// routine even if the driver does not import it; null if the module lacks the routine. Lookaside
// lists initialised with the default callbacks get these (object_thunks.cpp), so the blocks they
// take from the pool count for the driver, as poolmon counts them under the list's tag.
void* tracked_pool_routine(const char* name);
extern HMODULE project_ntoskrnl;
// Lookaside list and zone routines (object_thunks.cpp); find_interposed also searches these.
const Interposed* find_object_interposed(const char* name);

// ---- --wine-fallback (wine_fallback.cpp) ----
// Whether --wine-fallback loaded Wine's builtin ntoskrnl.exe next to the project's.
extern bool wine_fallback_active;
// The Win32 heap of the process that owns `block` (Wine's builtin pool, an ntdll Rtl
// allocation), or null.
HANDLE heap_owning(void* block);
// Makes Wine's builtin give blocks of the project's pool back to it (rebinds its HeapFree and
// RtlFreeHeap imports); false if there was nothing to rebind.
bool route_wine_frees(HMODULE wine_ntoskrnl, HMODULE project_ntoskrnl);
// Thunks on Wine builtin routines that free pool the driver may have allocated from ours.
const Interposed* find_fallback_interposed(const char* name, HMODULE wine_ntoskrnl);

}  // namespace ntoshost
