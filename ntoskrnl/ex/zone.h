// Zones (windows-behavior.md 1.3, 3.7, 4.5): the NT 3.x/4 fixed-size block allocator. The module
// only builds the structures (ExInitializeZone, ExExtendZone, ExInterlockedExtendZone); drivers
// allocate and free with the DDK's inline/macro code, which pops and pushes ZONE_HEADER.FreeList
// directly or through Ex(f)InterlockedPop/PushEntryList. So the layout and the carving are ABI:
// - every segment starts with a ZONE_SEGMENT_HEADER (Reserved = NULL), linked at the head of
//   ZONE_HEADER.SegmentList (the newest segment first);
// - the rest of the segment is cut into BlockSize pieces from the lowest address up, and each
//   piece is pushed on FreeList in that order, so the highest-address piece is handed out first;
// - TotalSegmentSize grows by header + n * BlockSize per segment (what ExIsObjectInFirstZoneSegment
//   compares against, measured from SegmentList.Next).
// Carving order and TotalSegmentSize: ReactOS zone.c [ROS] (reference 3.7); field list [DDK98].
#pragma once

#include "nt/layouts.h"
#include "nt/types.h"

namespace ex::zone {

// STATUS_UNSUCCESSFUL when the segment address or BlockSize is not 8-byte aligned, BlockSize is
// 0, or BlockSize is larger than the segment; STATUS_SUCCESS otherwise.
nt::NTSTATUS initialize(nt::ZONE_HEADER* zone, nt::ULONG block_size, void* segment, nt::ULONG segment_size);
nt::NTSTATUS extend(nt::ZONE_HEADER* zone, void* segment, nt::ULONG segment_size);
// extend() under the caller's spin lock, taken with KeAcquireSpinLock (raises to DISPATCH_LEVEL).
nt::NTSTATUS interlocked_extend(nt::ZONE_HEADER* zone, void* segment, nt::ULONG segment_size, nt::KSPIN_LOCK* lock);

}  // namespace ex::zone
