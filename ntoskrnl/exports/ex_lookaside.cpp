// Lookaside list exports (windows-behavior.md 1.2, 2, 3.5, 3.6): the classic and Ex
// initialise/delete/flush routines, the i386 paged allocate/free exports that
// _WIN2K_COMPAT_SLIST_USAGE builds import, and the Windows 11 22H2 x64 allocate/free exports.
// The logic is ex::lookaside's; this file resolves the default callbacks.
#include "ex/lookaside.h"
#include "exports/abi.h"

using nt::PVOID;
using nt::SIZE_T;
using nt::ULONG;
using nt::USHORT;
namespace la = ex::lookaside;

// The pool exports (exports/ex_pool.cpp) are the classic lists' default callbacks: Windows
// stores ExAllocatePoolWithTag and ExFreePool when NULL is passed [MSDN:ExInitializeNPagedLookasideList].
NT_EXPORT PVOID NT_API ExAllocatePoolWithTag(ULONG pool_type, SIZE_T bytes, ULONG tag);
NT_EXPORT void NT_API ExFreePool(PVOID block);

namespace {

// Ex lists' defaults take the list as an extra argument, so they cannot be the pool exports
// themselves (stdcall on i386): these forward to them (windows-behavior.md 3.5).
PVOID NT_API default_allocate_ex(nt::POOL_TYPE type, SIZE_T bytes, ULONG tag, nt::PLOOKASIDE_LIST_EX) {
    return ExAllocatePoolWithTag(static_cast<ULONG>(type), bytes, tag);
}
void NT_API default_free_ex(PVOID block, nt::PLOOKASIDE_LIST_EX) { ExFreePool(block); }

void initialize_classic(nt::GENERAL_LOOKASIDE_POOL& l, nt::PALLOCATE_FUNCTION allocate, nt::PFREE_FUNCTION free,
                        ULONG base_type, ULONG flags, SIZE_T size, ULONG tag) {
    if (!allocate) allocate = reinterpret_cast<nt::PALLOCATE_FUNCTION>(&ExAllocatePoolWithTag);
    if (!free) free = &ExFreePool;
    // Type = base pool | Flags; the Depth argument is ignored (windows-behavior.md 3.5).
    la::initialize(la::system_registry(), l, allocate, free, base_type | flags, size, tag);
}

}  // namespace

NT_EXPORT void NT_API ExInitializeNPagedLookasideList(nt::PNPAGED_LOOKASIDE_LIST list, nt::PALLOCATE_FUNCTION allocate,
                                                      nt::PFREE_FUNCTION free, ULONG flags, SIZE_T size, ULONG tag,
                                                      USHORT /*depth*/) {
    initialize_classic(list->L, allocate, free, 0 /*NonPagedPool*/, flags, size, tag);
}

NT_EXPORT void NT_API ExInitializePagedLookasideList(nt::PPAGED_LOOKASIDE_LIST list, nt::PALLOCATE_FUNCTION allocate,
                                                     nt::PFREE_FUNCTION free, ULONG flags, SIZE_T size, ULONG tag,
                                                     USHORT /*depth*/) {
    initialize_classic(list->L, allocate, free, 1 /*PagedPool*/, flags, size, tag);
}

NT_EXPORT void NT_API ExDeleteNPagedLookasideList(nt::PNPAGED_LOOKASIDE_LIST list) {
    la::remove(la::system_registry(), list->L, la::Kind::classic);
}

NT_EXPORT void NT_API ExDeletePagedLookasideList(nt::PPAGED_LOOKASIDE_LIST list) {
    la::remove(la::system_registry(), list->L, la::Kind::classic);
}

NT_EXPORT PVOID NT_API ExAllocateFromPagedLookasideList(nt::PPAGED_LOOKASIDE_LIST list) {
    return la::allocate(list->L, la::Kind::classic);
}

NT_EXPORT void NT_API ExFreeToPagedLookasideList(nt::PPAGED_LOOKASIDE_LIST list, PVOID block) {
    la::free(list->L, block, la::Kind::classic);
}

#if NT_LAYOUT_64
NT_EXPORT PVOID NT_API ExAllocateFromNPagedLookasideList(nt::PNPAGED_LOOKASIDE_LIST list) {
    return la::allocate(list->L, la::Kind::classic);
}

NT_EXPORT void NT_API ExFreeToNPagedLookasideList(nt::PNPAGED_LOOKASIDE_LIST list, PVOID block) {
    la::free(list->L, block, la::Kind::classic);
}

NT_EXPORT PVOID NT_API ExAllocateFromLookasideListEx(nt::PLOOKASIDE_LIST_EX list) {
    return la::allocate(list->L, la::Kind::ex);
}

NT_EXPORT void NT_API ExFreeToLookasideListEx(nt::PLOOKASIDE_LIST_EX list, PVOID block) {
    la::free(list->L, block, la::Kind::ex);
}
#endif

NT_EXPORT nt::NTSTATUS NT_API ExInitializeLookasideListEx(nt::PLOOKASIDE_LIST_EX list,
                                                          nt::PALLOCATE_FUNCTION_EX allocate,
                                                          nt::PFREE_FUNCTION_EX free, ULONG pool_type, ULONG flags,
                                                          SIZE_T size, ULONG tag, USHORT /*depth*/) {
    return la::initialize_ex(la::system_registry(), *list, allocate ? allocate : &default_allocate_ex,
                             free ? free : &default_free_ex, pool_type, flags, size, tag);
}

NT_EXPORT void NT_API ExDeleteLookasideListEx(nt::PLOOKASIDE_LIST_EX list) {
    la::remove(la::system_registry(), list->L, la::Kind::ex);
}

NT_EXPORT void NT_API ExFlushLookasideListEx(nt::PLOOKASIDE_LIST_EX list) { la::flush(list->L, la::Kind::ex); }
