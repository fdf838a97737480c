#include "ex/zone.h"

#include <cstdint>

#include "ke/spin_lock.h"

namespace ex::zone {
namespace {

// The failure status. Microsoft's own documentation of ExInitializeZone and ExExtendZone (NT 4.0
// DDK, msdn-1998-06 k102_35 / k102_20, and the Windows 2000 DDK, msdn-2000-04, same text) names
// STATUS_UNSUCCESSFUL for "BlockSize or InitialSegment was not aligned properly, or BlockSize was
// larger than the initial segment size" (ExExtendZone: "Segment was not aligned on an 8-byte
// boundary or a block size was larger than SegmentSize"). ReactOS returns
// STATUS_INVALID_PARAMETER; it is a reimplementation, the DDK pages describe Windows, so the
// DDK's status wins (reference 3.7 / 9 left this open). Only what the DDK lists is checked
// (ReactOS also rejects a segment *size* that is not a multiple of 8; the DDK does not say so,
// and the carving below simply leaves the tail unused). BlockSize 0 is refused too: it is
// 8-byte aligned, but a block must hold the free-list link and the carving would not end.
bool acceptable(nt::ULONG block_size, const void* segment, nt::ULONG segment_size) {
    if (block_size == 0 || (block_size & 7) != 0) return false;
    if ((reinterpret_cast<std::uintptr_t>(segment) & 7) != 0) return false;
    return block_size <= segment_size;
}

// Links the segment in and carves it; returns the bytes it adds to TotalSegmentSize.
nt::ULONG add_segment(nt::ZONE_HEADER* zone, void* segment, nt::ULONG segment_size) {
    auto* header = static_cast<nt::ZONE_SEGMENT_HEADER*>(segment);
    header->SegmentList.Next = zone->SegmentList.Next;
    header->Reserved = nullptr;
    zone->SegmentList.Next = &header->SegmentList;

    auto* base = static_cast<unsigned char*>(segment);
    const nt::ULONG block_size = zone->BlockSize;
    nt::ULONG offset = sizeof(nt::ZONE_SEGMENT_HEADER);
    // Ascending pushes: the last piece carved (highest address) ends up first on FreeList.
    while (segment_size >= block_size && offset <= segment_size - block_size) {
        auto* block = reinterpret_cast<nt::SINGLE_LIST_ENTRY*>(base + offset);
        block->Next = zone->FreeList.Next;
        zone->FreeList.Next = block;
        offset += block_size;
    }
    return offset;
}

}  // namespace

nt::NTSTATUS initialize(nt::ZONE_HEADER* zone, nt::ULONG block_size, void* segment, nt::ULONG segment_size) {
    if (!acceptable(block_size, segment, segment_size)) return nt::status::unsuccessful;
    zone->BlockSize = block_size;
    zone->FreeList.Next = nullptr;
    zone->SegmentList.Next = nullptr;
    zone->TotalSegmentSize = add_segment(zone, segment, segment_size);
    return nt::status::success;
}

nt::NTSTATUS extend(nt::ZONE_HEADER* zone, void* segment, nt::ULONG segment_size) {
    if (!acceptable(zone->BlockSize, segment, segment_size)) return nt::status::unsuccessful;
    zone->TotalSegmentSize += add_segment(zone, segment, segment_size);
    return nt::status::success;
}

nt::NTSTATUS interlocked_extend(nt::ZONE_HEADER* zone, void* segment, nt::ULONG segment_size, nt::KSPIN_LOCK* lock) {
    ke::SpinLockHold hold(lock);
    return extend(zone, segment, segment_size);
}

}  // namespace ex::zone
