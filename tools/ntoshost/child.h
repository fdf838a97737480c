// The child process: loads, binds and runs the driver, streaming events (report.h) to the parent.
#pragma once

#include <cstdint>
#include <string>

#include <windows.h>

#include "events.h"
#include "options.h"

namespace ntoshost {

int run_child(const Options& options);

// ---- Event stream (events.cpp) ----
// One event line to the parent (events.h), written in one piece so lines of several threads
// never interleave.
void emit_line(const std::string& line);
template <class E> void emit(const E& event) { emit_line(events::format(event)); }
// `caller`: the return address of the pool routine's call; a call from an export driver's image
// counts for that module, any other for the driver.
void record_alloc(void* block, std::uint32_t tag, bool paged, std::uint32_t pool_type, std::uint64_t bytes,
                  const char* routine, const void* caller = nullptr);
void record_free(void* block, std::uint32_t tag, const char* routine, const void* caller = nullptr);
// Whether `block` came from the project's pool (the fallback routes other frees to Wine's).
bool from_project_pool(void* block);
// Live allocations of the driver now (not of its export drivers) (for the verifier check at unload).
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
// MmGetSystemRoutineAddress's thunk (pool_thunks.cpp): a run-time lookup of a tracked routine
// returns its tracking thunk. Bound for the driver (not its export drivers) wherever the import
// is bound at all: the routine is Wine's, so only with --wine-fallback.
const Interposed* find_lookup_interposed(const char* name);
// Lookaside list and zone routines (object_thunks.cpp); find_interposed also searches these.
const Interposed* find_object_interposed(const char* name);

// ---- The module's delegation to Wine's builtin (wine_fallback.cpp) ----
// Whether --wine-fallback binds the routines the module forwards to Wine's builtin.
extern bool wine_fallback_active;
// Records frees of the driver's pool blocks that Wine's builtin makes (wine_ntoskrnl.dll's
// HeapFree / RtlFreeHeap, which the module routes to its pool); false if there was nothing to
// observe.
bool observe_wine_frees(HMODULE wine_ntoskrnl);
// Tracking thunks on the module's RtlFreeUnicodeString / RtlFreeAnsiString (they free pool).
const Interposed* find_string_interposed(const char* name);

}  // namespace ntoshost
