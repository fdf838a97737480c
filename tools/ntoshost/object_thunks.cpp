// Thunks between the driver and the module's lookaside list and zone routines (the counterpart of
// pool_thunks.cpp): each has the routine's exact prototype and convention as spec/ntoskrnl.exe.spec
// declares it (NT_API: stdcall on i386; USHORT Depth takes a full argument slot), forwards to the
// module and streams what the driver created (events.h), so the report can list the
// lookaside lists and zones of the driver. A row is bound only when the module exports the routine
// (child.cpp), so a module without lookaside lists leaves such imports unresolved, as before.
#include <cstring>

#include "child.h"
#include "nt/layouts.h"
#include "nt/pool.h"

namespace ntoshost {
namespace {

using nt::NTSTATUS;
using nt::PVOID;
using nt::SIZE_T;
using nt::ULONG;
using nt::USHORT;

void* real_ExInitializeNPagedLookasideList;
void* real_ExInitializePagedLookasideList;
void* real_ExInitializeLookasideListEx;
void* real_ExDeleteNPagedLookasideList;
void* real_ExDeletePagedLookasideList;
void* real_ExDeleteLookasideListEx;
void* real_ExInitializeZone;
void* real_ExExtendZone;
void* real_ExInterlockedExtendZone;

template <typename F>
F* fn(void* p) {
    return reinterpret_cast<F*>(p);
}

unsigned long long address(const void* p) { return static_cast<unsigned long long>(reinterpret_cast<std::uintptr_t>(p)); }

void initialized(const void* list, const char* kind, ULONG tag, SIZE_T size, ULONG pool_type, NTSTATUS status) {
    emit(events::Lookaside{address(list), kind, tag, size, pool_type, static_cast<std::uint32_t>(status)});
}

// Recorded before the delete is forwarded (the module may stop the system on a bad list). The
// counters are the GENERAL_LOOKASIDE fields every kind of list starts with (layouts.h), read
// while the list is still initialized.
void deleting(const void* list) {
    if (!list) {
        emit(events::LookasideDelete{address(list), 0, 0, 0, 0, 0});
        return;
    }
    const auto* l = static_cast<const nt::GENERAL_LOOKASIDE_POOL*>(list);
    emit(events::LookasideDelete{address(list), 1, l->TotalAllocates, l->AllocateMisses, l->TotalFrees, l->FreeMisses});
}

void zone_extended(const void* zone, const void* segment, ULONG size, NTSTATUS status) {
    emit(events::ZoneExtend{address(zone), address(segment), size, static_cast<std::uint32_t>(status)});
}

// A classic list initialised with NULL callbacks holds ExAllocatePoolWithTag and ExFreePool
// (as on Windows); here they become the driver's tracked views of those routines, so the pool the
// list takes on a miss and gives back on a full free or at delete is the driver's in the report.
void track_default_routines(nt::GENERAL_LOOKASIDE_POOL& l, bool default_allocate, bool default_free) {
    if (default_allocate)
        if (void* thunk = tracked_pool_routine("ExAllocatePoolWithTag")) l.Allocate = reinterpret_cast<nt::PALLOCATE_FUNCTION>(thunk);
    if (default_free)
        if (void* thunk = tracked_pool_routine("ExFreePool")) l.Free = reinterpret_cast<nt::PFREE_FUNCTION>(thunk);
}

// The Ex lists' defaults take the list as an extra argument; these forward to the tracked routines.
void* NT_API tracked_allocate_ex(nt::POOL_TYPE type, SIZE_T size, ULONG tag, nt::PLOOKASIDE_LIST_EX) {
    return fn<void* NT_API(ULONG, SIZE_T, ULONG)>(tracked_pool_routine("ExAllocatePoolWithTag"))(static_cast<ULONG>(type), size, tag);
}
void NT_API tracked_free_ex(PVOID block, nt::PLOOKASIDE_LIST_EX) { fn<void NT_API(PVOID)>(tracked_pool_routine("ExFreePool"))(block); }

}  // namespace

extern "C" {
void NT_API thunk_ExInitializeNPagedLookasideList(PVOID list, nt::PALLOCATE_FUNCTION allocate, nt::PFREE_FUNCTION free_fn,
                                                   ULONG flags, SIZE_T size, ULONG tag, USHORT depth) {
    fn<void NT_API(PVOID, nt::PALLOCATE_FUNCTION, nt::PFREE_FUNCTION, ULONG, SIZE_T, ULONG, USHORT)>(
        real_ExInitializeNPagedLookasideList)(list, allocate, free_fn, flags, size, tag, depth);
    track_default_routines(static_cast<nt::NPAGED_LOOKASIDE_LIST*>(list)->L, !allocate, !free_fn);
    initialized(list, "NPaged", tag, size, nt::NonPagedPool, 0);
}
void NT_API thunk_ExInitializePagedLookasideList(PVOID list, nt::PALLOCATE_FUNCTION allocate, nt::PFREE_FUNCTION free_fn,
                                                  ULONG flags, SIZE_T size, ULONG tag, USHORT depth) {
    fn<void NT_API(PVOID, nt::PALLOCATE_FUNCTION, nt::PFREE_FUNCTION, ULONG, SIZE_T, ULONG, USHORT)>(
        real_ExInitializePagedLookasideList)(list, allocate, free_fn, flags, size, tag, depth);
    track_default_routines(static_cast<nt::PAGED_LOOKASIDE_LIST*>(list)->L, !allocate, !free_fn);
    initialized(list, "Paged", tag, size, nt::PagedPool, 0);
}
NTSTATUS NT_API thunk_ExInitializeLookasideListEx(nt::PLOOKASIDE_LIST_EX list, nt::PALLOCATE_FUNCTION_EX allocate,
                                                  nt::PFREE_FUNCTION_EX free_fn, nt::POOL_TYPE pool_type, ULONG flags,
                                                  SIZE_T size, ULONG tag, USHORT depth) {
    NTSTATUS status = fn<NTSTATUS NT_API(nt::PLOOKASIDE_LIST_EX, nt::PALLOCATE_FUNCTION_EX, nt::PFREE_FUNCTION_EX, nt::POOL_TYPE,
                                         ULONG, SIZE_T, ULONG, USHORT)>(real_ExInitializeLookasideListEx)(
        list, allocate, free_fn, pool_type, flags, size, tag, depth);
    if (status >= 0 && list) {
        if (!allocate && tracked_pool_routine("ExAllocatePoolWithTag")) list->L.AllocateEx = &tracked_allocate_ex;
        if (!free_fn && tracked_pool_routine("ExFreePool")) list->L.FreeEx = &tracked_free_ex;
    }
    initialized(list, "Ex", tag, size, static_cast<ULONG>(pool_type), status);
    return status;
}
void NT_API thunk_ExDeleteNPagedLookasideList(PVOID list) {
    deleting(list);
    fn<void NT_API(PVOID)>(real_ExDeleteNPagedLookasideList)(list);
}
void NT_API thunk_ExDeletePagedLookasideList(PVOID list) {
    deleting(list);
    fn<void NT_API(PVOID)>(real_ExDeletePagedLookasideList)(list);
}
void NT_API thunk_ExDeleteLookasideListEx(nt::PLOOKASIDE_LIST_EX list) {
    deleting(list);
    fn<void NT_API(nt::PLOOKASIDE_LIST_EX)>(real_ExDeleteLookasideListEx)(list);
}
NTSTATUS NT_API thunk_ExInitializeZone(nt::PZONE_HEADER zone, ULONG block_size, PVOID segment, ULONG segment_size) {
    NTSTATUS status = fn<NTSTATUS NT_API(nt::PZONE_HEADER, ULONG, PVOID, ULONG)>(real_ExInitializeZone)(zone, block_size, segment,
                                                                                                       segment_size);
    emit(events::Zone{address(zone), block_size, address(segment), segment_size, static_cast<std::uint32_t>(status)});
    return status;
}
NTSTATUS NT_API thunk_ExExtendZone(nt::PZONE_HEADER zone, PVOID segment, ULONG segment_size) {
    NTSTATUS status = fn<NTSTATUS NT_API(nt::PZONE_HEADER, PVOID, ULONG)>(real_ExExtendZone)(zone, segment, segment_size);
    zone_extended(zone, segment, segment_size, status);
    return status;
}
NTSTATUS NT_API thunk_ExInterlockedExtendZone(nt::PZONE_HEADER zone, PVOID segment, ULONG segment_size, nt::KSPIN_LOCK* lock) {
    NTSTATUS status = fn<NTSTATUS NT_API(nt::PZONE_HEADER, PVOID, ULONG, nt::KSPIN_LOCK*)>(real_ExInterlockedExtendZone)(
        zone, segment, segment_size, lock);
    zone_extended(zone, segment, segment_size, status);
    return status;
}
}

namespace {
#define NTOSHOST_THUNK(name) {#name, reinterpret_cast<void*>(&thunk_##name), &real_##name}
const Interposed table[] = {
    NTOSHOST_THUNK(ExInitializeNPagedLookasideList),
    NTOSHOST_THUNK(ExInitializePagedLookasideList),
    NTOSHOST_THUNK(ExInitializeLookasideListEx),
    NTOSHOST_THUNK(ExDeleteNPagedLookasideList),
    NTOSHOST_THUNK(ExDeletePagedLookasideList),
    NTOSHOST_THUNK(ExDeleteLookasideListEx),
    NTOSHOST_THUNK(ExInitializeZone),
    NTOSHOST_THUNK(ExExtendZone),
    NTOSHOST_THUNK(ExInterlockedExtendZone),
};
#undef NTOSHOST_THUNK
}  // namespace

const Interposed* find_object_interposed(const char* name) {
    for (const auto& t : table)
        if (!std::strcmp(t.name, name)) return &t;
    return nullptr;
}

}  // namespace ntoshost
