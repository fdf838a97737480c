// The child process: loads, binds and runs the driver, streaming events (report.h) to the parent.
#pragma once

#include <cstdint>

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
// Lookaside list and zone routines (object_thunks.cpp); find_interposed also searches these.
const Interposed* find_object_interposed(const char* name);
// Wine's builtin ExFreePool/ExFreePoolWithTag, when --wine-fallback loaded it (else null).
extern void* wine_free_pool_with_tag;

}  // namespace ntoshost
