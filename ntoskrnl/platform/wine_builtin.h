// The drop-in's other half: Wine's builtin ntoskrnl.exe, loaded privately as wine_ntoskrnl.dll.
// The module's export table forwards every routine the project does not implement to it
// (tools/specgen/delegation.h); the module's DllMain loads it from the module's own directory
// (unless a forwarder bound by an importer already has). This file makes the two one kernel where their objects meet:
//  - one pool world: a block of Wine's pool (a Win32 heap of the process) that reaches the
//    project's ExFreePool is freed to its heap; a block of the project's pool that reaches Wine's
//    heap routines (Wine's ExFreePool, IoFreeIrp, IoCompleteRequest... all end in HeapFree or
//    RtlFreeHeap) is freed to the project's pool. A pointer neither owns still stops with
//    BAD_POOL_CALLER;
//  - one process object: the EPROCESS the project hands out is Wine's, so Wine's Ob*/Ps*/Ke*
//    routines accept it;
//  - one driver object, Wine's, with the Type Windows gives it (platform/wine_io.h).
// Module only (Win32); the portable core sees it through ex::pool::ForeignAllocator and
// ps::set_process_object.
#pragma once

namespace platform {

// Called once from DllMain (process attach). Rebinds the private builtin's heap-free imports and
// registers Wine's heaps with the pool. Returns false if wine_ntoskrnl.dll is not loaded.
bool join_wine_builtin();

// Wine's builtin module, or nullptr before join_wine_builtin.
void* wine_builtin_module();

}  // namespace platform
