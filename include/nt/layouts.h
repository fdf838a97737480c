// Binary layouts the module shares with drivers: list entries, SLists, lookaside lists and zones,
// with Windows' type and field names (windows-behavior.md 4). Drivers built against any header
// set (WDK, mingw-w64, Wine) allocate these structures themselves and run inline code on their
// fields, so every offset and size below is pinned for both i386 and x86_64. The Linux host build
// of the portable core gets the x86_64 layout.
//
// Windows' names are kept even where the DDK spells them as macros (SLIST_ENTRY on x86,
// LOOKASIDE_MINIMUM_BLOCK_SIZE, ...): a translation unit that also includes <ddk/ntddk.h> must
// include this header first.
//
// Include guard rather than #pragma once: the header is also compiled on its own as a check.
#ifndef NT_LAYOUTS_H
#define NT_LAYOUTS_H

#include <cstdint>

#include "ke_layouts.h"
#include "pool.h"
#include "types.h"

// The layouts differ by pointer width; members that exist on one architecture only need the
// preprocessor, so the test is spelled with UINTPTR_MAX (checked against nt::is_64bit below).
#if UINTPTR_MAX > 0xFFFFFFFFu
#define NT_LAYOUT_64 1
#else
#define NT_LAYOUT_64 0
#endif

namespace nt {

static_assert(is_64bit == (NT_LAYOUT_64 == 1));
static_assert(sizeof(KSPIN_LOCK) == (is_64bit ? 8 : 4));
static_assert(alignof(KSPIN_LOCK) == sizeof(KSPIN_LOCK));

// ---------------------------------------------------------------------------------------------
// SINGLE_LIST_ENTRY, LIST_ENTRY (windows-behavior.md 4.1).
struct SINGLE_LIST_ENTRY {
  SINGLE_LIST_ENTRY* Next;
};
using PSINGLE_LIST_ENTRY = SINGLE_LIST_ENTRY*;
static_assert(sizeof(SINGLE_LIST_ENTRY) == (is_64bit ? 8 : 4));
static_assert(alignof(SINGLE_LIST_ENTRY) == (is_64bit ? 8 : 4));
static_assert(offsetof(SINGLE_LIST_ENTRY, Next) == 0);

struct LIST_ENTRY {
  LIST_ENTRY* Flink;
  LIST_ENTRY* Blink;
};
using PLIST_ENTRY = LIST_ENTRY*;
static_assert(sizeof(LIST_ENTRY) == (is_64bit ? 16 : 8));
static_assert(alignof(LIST_ENTRY) == (is_64bit ? 8 : 4));
static_assert(offsetof(LIST_ENTRY, Flink) == 0);
static_assert(offsetof(LIST_ENTRY, Blink) == sizeof(void*));

// LARGE_INTEGER: one 64-bit quantity, 8-byte aligned on both architectures. Passed and returned
// by value it travels as a 64-bit integer does (two stack slots / EDX:EAX on i386, one register
// on x64), which is what ExInterlockedAddLargeInteger's prototype relies on.
union LARGE_INTEGER {
  struct {
    ULONG LowPart;
    LONG HighPart;
  } u;
  LONGLONG QuadPart;
};
using PLARGE_INTEGER = LARGE_INTEGER*;
static_assert(sizeof(LARGE_INTEGER) == 8 && alignof(LARGE_INTEGER) == 8);
static_assert(offsetof(LARGE_INTEGER, u.LowPart) == 0 && offsetof(LARGE_INTEGER, u.HighPart) == 4);

// The pool's allocation unit is one header, which is also one LIST_ENTRY (windows-behavior.md 3.1).
static_assert(POOL_BLOCK_SIZE == sizeof(LIST_ENTRY));

// ---------------------------------------------------------------------------------------------
// SLIST_ENTRY / SLIST_HEADER (windows-behavior.md 4.1, 4.2).
//
// x86: an SList entry is a plain SINGLE_LIST_ENTRY and the header is one quadword {Next, Depth,
// Sequence} that is swapped as a whole with cmpxchg8b (Windows 8.1+ symbols call the last word
// CpuId; the mingw-w64 and Wine headers say Sequence).
//
// x64: entries are 16-byte aligned and the header is two quadwords swapped with cmpxchg16b. Only
// the Windows 8.1+ "HeaderX64" encoding is produced by this module:
//   Alignment (qword 0): bits 0-15 Depth, bits 16-63 Sequence
//   Region    (qword 1): bits 0-3 reserved (HeaderType in the 6.1/6.2 symbols; written as 0),
//                        bits 4-63 NextEntry = entry address >> 4
// so Region is the 16-aligned address of the first entry with the low nibble clear. The field
// names Alignment/Region are those of the plain two-quadword view in every header set.
#if NT_LAYOUT_64

struct alignas(16) SLIST_ENTRY {
  SLIST_ENTRY* Next;
};
static_assert(sizeof(SLIST_ENTRY) == 16 && alignof(SLIST_ENTRY) == 16);
static_assert(offsetof(SLIST_ENTRY, Next) == 0);

struct alignas(16) SLIST_HEADER {
  ULONGLONG Alignment;
  ULONGLONG Region;
};
static_assert(sizeof(SLIST_HEADER) == 16 && alignof(SLIST_HEADER) == 16);
static_assert(offsetof(SLIST_HEADER, Alignment) == 0);
static_assert(offsetof(SLIST_HEADER, Region) == 8);

#else

using SLIST_ENTRY = SINGLE_LIST_ENTRY;
static_assert(sizeof(SLIST_ENTRY) == 4 && alignof(SLIST_ENTRY) == 4);

// __extension__ keeps -Wpedantic quiet about the anonymous struct, which is what gives the
// Windows field names on the same storage as the Alignment quadword.
union alignas(8) SLIST_HEADER {
  ULONGLONG Alignment;
  __extension__ struct {
    SLIST_ENTRY Next;
    USHORT Depth;
    USHORT Sequence;  // CpuId in Windows 8.1+ symbols
  };
};
static_assert(sizeof(SLIST_HEADER) == 8 && alignof(SLIST_HEADER) == 8);
static_assert(offsetof(SLIST_HEADER, Alignment) == 0);
static_assert(offsetof(SLIST_HEADER, Next) == 0);
static_assert(offsetof(SLIST_HEADER, Depth) == 4);
static_assert(offsetof(SLIST_HEADER, Sequence) == 6);

#endif
using PSLIST_ENTRY = SLIST_ENTRY*;
using PSLIST_HEADER = SLIST_HEADER*;

// Encode/decode helpers for the header's quadwords, so that the SList code can build the value it
// compare-exchanges. depth(), sequence(), next_address() and first() exist in both layouts;
// x64 encodes with make_alignment(depth, sequence) + make_region(next), x86 with
// make_alignment(next, depth, sequence), its one quadword being {Next @0, Depth @4, Sequence @6}.
namespace slist {

#if NT_LAYOUT_64
inline constexpr ULONGLONG depth_mask = 0xFFFF;
inline constexpr unsigned sequence_shift = 16;
inline constexpr ULONGLONG sequence_mask = (ULONGLONG{1} << 48) - 1;  // after shifting down
inline constexpr ULONGLONG next_mask = ~ULONGLONG{0xF};               // Region bits 4-63

constexpr ULONGLONG make_alignment(USHORT depth, ULONGLONG sequence) {
  return ULONGLONG{depth} | ((sequence & sequence_mask) << sequence_shift);
}
constexpr ULONGLONG make_region(ULONG_PTR next_entry) { return next_entry & next_mask; }

constexpr USHORT depth(const SLIST_HEADER& h) {
  return static_cast<USHORT>(h.Alignment & depth_mask);
}
constexpr ULONGLONG sequence(const SLIST_HEADER& h) { return h.Alignment >> sequence_shift; }
constexpr ULONG_PTR next_address(const SLIST_HEADER& h) { return h.Region & next_mask; }

static_assert(make_alignment(0x1234, 0xABCDEF012345ull) == 0xABCDEF0123451234ull);
static_assert(make_alignment(1, ULONGLONG{1} << 48) == 1);  // sequence wraps at 48 bits
static_assert(make_region(0x00007FF612345670ull) == 0x00007FF612345670ull);
static_assert(depth(SLIST_HEADER{0xABCDEF0123451234ull, 0}) == 0x1234);
static_assert(sequence(SLIST_HEADER{0xABCDEF0123451234ull, 0}) == 0xABCDEF012345ull);
static_assert(next_address(SLIST_HEADER{0, 0xFFFFF80012345671ull}) == 0xFFFFF80012345670ull);
#else
constexpr ULONGLONG make_alignment(ULONG_PTR next_entry, USHORT depth, USHORT sequence) {
  return ULONGLONG{static_cast<ULONG>(next_entry)} | (ULONGLONG{depth} << 32) |
         (ULONGLONG{sequence} << 48);
}
constexpr USHORT depth(const SLIST_HEADER& h) { return static_cast<USHORT>(h.Alignment >> 32); }
constexpr USHORT sequence(const SLIST_HEADER& h) { return static_cast<USHORT>(h.Alignment >> 48); }
constexpr ULONG_PTR next_address(const SLIST_HEADER& h) {
  return static_cast<ULONG>(h.Alignment);
}

static_assert(make_alignment(0x80001230u, 0x0005, 0x0102) == 0x0102000580001230ull);
#endif

inline SLIST_ENTRY* first(const SLIST_HEADER& h) {
  return reinterpret_cast<SLIST_ENTRY*>(next_address(h));
}

}  // namespace slist

// Smallest block a lookaside list accepts: the bytes up to and including SLIST_ENTRY.Next, which
// is 8 on x64 even though sizeof(SLIST_ENTRY) is 16 (windows-behavior.md 3.5, 4.7).
inline constexpr ULONG LOOKASIDE_MINIMUM_BLOCK_SIZE =
    offsetof(SLIST_ENTRY, Next) + sizeof(SLIST_ENTRY::Next);
static_assert(LOOKASIDE_MINIMUM_BLOCK_SIZE == (is_64bit ? 8 : 4));

// ExInitializeLookasideListEx flags and depth limits (windows-behavior.md 3.5).
inline constexpr ULONG EX_LOOKASIDE_LIST_EX_FLAGS_RAISE_ON_FAIL = 0x00000001;
inline constexpr ULONG EX_LOOKASIDE_LIST_EX_FLAGS_FAIL_NO_RAISE = 0x00000002;
inline constexpr USHORT EX_MAXIMUM_LOOKASIDE_DEPTH_BASE = 256;
inline constexpr USHORT EX_MAXIMUM_LOOKASIDE_DEPTH_LIMIT = 1024;

// ---------------------------------------------------------------------------------------------
// FAST_MUTEX (nt/ke_layouts.h; windows-behavior.md 4.1): here only its size matters (the obsolete
// x86 PAGED_LOOKASIDE_LIST lock).
using PFAST_MUTEX = FAST_MUTEX*;
static_assert(alignof(FAST_MUTEX) == (is_64bit ? 8 : 4));

// ---------------------------------------------------------------------------------------------
// Lookaside callbacks (windows-behavior.md 2): NTAPI, i.e. stdcall on i386.
struct LOOKASIDE_LIST_EX;
using PLOOKASIDE_LIST_EX = LOOKASIDE_LIST_EX*;

using PALLOCATE_FUNCTION = PVOID(NT_API*)(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag);
using PFREE_FUNCTION = void(NT_API*)(PVOID Buffer);
using PALLOCATE_FUNCTION_EX = PVOID(NT_API*)(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag,
                                             PLOOKASIDE_LIST_EX Lookaside);
using PFREE_FUNCTION_EX = void(NT_API*)(PVOID Buffer, PLOOKASIDE_LIST_EX Lookaside);

// ---------------------------------------------------------------------------------------------
// GENERAL_LOOKASIDE_POOL / GENERAL_LOOKASIDE / LOOKASIDE_LIST_EX (windows-behavior.md 4.3).
// All three have the same fields at the same offsets. GENERAL_LOOKASIDE_POOL has natural
// alignment (8 / 16); GENERAL_LOOKASIDE is cache-aligned on x64 (64, the SDK and mingw-w64 value;
// Wine's headers use 128) and naturally aligned on x86 (the ntddk.h view). GENERAL_LOOKASIDE
// derives from GENERAL_LOOKASIDE_POOL so that one implementation serves both kinds of list;
// adding no members keeps it standard-layout with identical offsets.
struct GENERAL_LOOKASIDE_POOL {
  union {
    SLIST_HEADER ListHead;
    SINGLE_LIST_ENTRY SingleListHead;
  };
  USHORT Depth;
  USHORT MaximumDepth;
  ULONG TotalAllocates;
  union {
    ULONG AllocateMisses;
    ULONG AllocateHits;  // name used by the kernel's own per-processor lists (3.6)
  };
  ULONG TotalFrees;
  union {
    ULONG FreeMisses;
    ULONG FreeHits;
  };
  POOL_TYPE Type;
  ULONG Tag;
  ULONG Size;
  union {
    PALLOCATE_FUNCTION_EX AllocateEx;
    PALLOCATE_FUNCTION Allocate;
  };
  union {
    PFREE_FUNCTION_EX FreeEx;
    PFREE_FUNCTION Free;
  };
  LIST_ENTRY ListEntry;
  ULONG LastTotalAllocates;
  union {
    ULONG LastAllocateMisses;
    ULONG LastAllocateHits;
  };
  ULONG Future[2];
};
using PGENERAL_LOOKASIDE_POOL = GENERAL_LOOKASIDE_POOL*;

inline constexpr SIZE_T LOOKASIDE_ALIGNMENT = is_64bit ? 64 : alignof(GENERAL_LOOKASIDE_POOL);

struct alignas(LOOKASIDE_ALIGNMENT) GENERAL_LOOKASIDE : GENERAL_LOOKASIDE_POOL {};
using PGENERAL_LOOKASIDE = GENERAL_LOOKASIDE*;

struct LOOKASIDE_LIST_EX {
  GENERAL_LOOKASIDE_POOL L;
};

// Offsets of 4.3, checked on each of the three types.
#define NT_CHECK_GENERAL_LOOKASIDE_OFFSETS(T)                                     \
  static_assert(offsetof(T, ListHead) == 0);                                     \
  static_assert(offsetof(T, SingleListHead) == 0);                               \
  static_assert(offsetof(T, Depth) == (is_64bit ? 16 : 8));                      \
  static_assert(offsetof(T, MaximumDepth) == (is_64bit ? 18 : 10));              \
  static_assert(offsetof(T, TotalAllocates) == (is_64bit ? 20 : 12));            \
  static_assert(offsetof(T, AllocateMisses) == (is_64bit ? 24 : 16));            \
  static_assert(offsetof(T, AllocateHits) == (is_64bit ? 24 : 16));              \
  static_assert(offsetof(T, TotalFrees) == (is_64bit ? 28 : 20));                \
  static_assert(offsetof(T, FreeMisses) == (is_64bit ? 32 : 24));                \
  static_assert(offsetof(T, FreeHits) == (is_64bit ? 32 : 24));                  \
  static_assert(offsetof(T, Type) == (is_64bit ? 36 : 28));                      \
  static_assert(offsetof(T, Tag) == (is_64bit ? 40 : 32));                       \
  static_assert(offsetof(T, Size) == (is_64bit ? 44 : 36));                      \
  static_assert(offsetof(T, Allocate) == (is_64bit ? 48 : 40));                  \
  static_assert(offsetof(T, AllocateEx) == (is_64bit ? 48 : 40));                \
  static_assert(offsetof(T, Free) == (is_64bit ? 56 : 44));                      \
  static_assert(offsetof(T, FreeEx) == (is_64bit ? 56 : 44));                    \
  static_assert(offsetof(T, ListEntry) == (is_64bit ? 64 : 48));                 \
  static_assert(offsetof(T, LastTotalAllocates) == (is_64bit ? 80 : 56));        \
  static_assert(offsetof(T, LastAllocateMisses) == (is_64bit ? 84 : 60));        \
  static_assert(offsetof(T, LastAllocateHits) == (is_64bit ? 84 : 60));          \
  static_assert(offsetof(T, Future) == (is_64bit ? 88 : 64));                    \
  static_assert(sizeof(T::Future) == 8)

NT_CHECK_GENERAL_LOOKASIDE_OFFSETS(GENERAL_LOOKASIDE_POOL);
NT_CHECK_GENERAL_LOOKASIDE_OFFSETS(GENERAL_LOOKASIDE);
#undef NT_CHECK_GENERAL_LOOKASIDE_OFFSETS

static_assert(sizeof(SLIST_HEADER) == (is_64bit ? 16 : 8));
static_assert(sizeof(GENERAL_LOOKASIDE_POOL::SingleListHead) == (is_64bit ? 8 : 4));
static_assert(sizeof(GENERAL_LOOKASIDE_POOL::Allocate) == sizeof(void*));
static_assert(sizeof(GENERAL_LOOKASIDE_POOL::ListEntry) == (is_64bit ? 16 : 8));

static_assert(sizeof(GENERAL_LOOKASIDE_POOL) == (is_64bit ? 96 : 72));
static_assert(alignof(GENERAL_LOOKASIDE_POOL) == (is_64bit ? 16 : 8));
static_assert(sizeof(GENERAL_LOOKASIDE) == (is_64bit ? 128 : 72));
static_assert(alignof(GENERAL_LOOKASIDE) == (is_64bit ? 64 : 8));
static_assert(sizeof(LOOKASIDE_LIST_EX) == (is_64bit ? 96 : 72));
static_assert(alignof(LOOKASIDE_LIST_EX) == (is_64bit ? 16 : 8));
static_assert(offsetof(LOOKASIDE_LIST_EX, L) == 0);

// ---------------------------------------------------------------------------------------------
// NPAGED_LOOKASIDE_LIST / PAGED_LOOKASIDE_LIST (windows-behavior.md 4.4). The x86-only trailing
// lock has been unused since XP but keeps the structure size drivers allocate.
struct alignas(LOOKASIDE_ALIGNMENT) NPAGED_LOOKASIDE_LIST {
  GENERAL_LOOKASIDE L;
#if !NT_LAYOUT_64
  KSPIN_LOCK Lock__ObsoleteButDoNotDelete;
#endif
};
using PNPAGED_LOOKASIDE_LIST = NPAGED_LOOKASIDE_LIST*;

struct PAGED_LOOKASIDE_LIST {
  GENERAL_LOOKASIDE L;
#if !NT_LAYOUT_64
  FAST_MUTEX Lock__ObsoleteButDoNotDelete;
#endif
};
using PPAGED_LOOKASIDE_LIST = PAGED_LOOKASIDE_LIST*;

static_assert(offsetof(NPAGED_LOOKASIDE_LIST, L) == 0);
static_assert(offsetof(PAGED_LOOKASIDE_LIST, L) == 0);
#if !NT_LAYOUT_64
static_assert(offsetof(NPAGED_LOOKASIDE_LIST, Lock__ObsoleteButDoNotDelete) == 72);
static_assert(offsetof(PAGED_LOOKASIDE_LIST, Lock__ObsoleteButDoNotDelete) == 72);
#endif
static_assert(sizeof(NPAGED_LOOKASIDE_LIST) == (is_64bit ? 128 : 80));
static_assert(alignof(NPAGED_LOOKASIDE_LIST) == (is_64bit ? 64 : 8));
static_assert(sizeof(PAGED_LOOKASIDE_LIST) == (is_64bit ? 128 : 104));
static_assert(alignof(PAGED_LOOKASIDE_LIST) == (is_64bit ? 64 : 8));

// ---------------------------------------------------------------------------------------------
// ZONE_HEADER / ZONE_SEGMENT_HEADER (windows-behavior.md 4.5, 3.7): the NT 3.x/4 zone allocator.
// Every segment starts with a ZONE_SEGMENT_HEADER; the rest is cut into BlockSize pieces.
struct ZONE_SEGMENT_HEADER {
  SINGLE_LIST_ENTRY SegmentList;
  PVOID Reserved;
};
using PZONE_SEGMENT_HEADER = ZONE_SEGMENT_HEADER*;

struct ZONE_HEADER {
  SINGLE_LIST_ENTRY FreeList;
  SINGLE_LIST_ENTRY SegmentList;
  ULONG BlockSize;
  ULONG TotalSegmentSize;
};
using PZONE_HEADER = ZONE_HEADER*;

static_assert(offsetof(ZONE_SEGMENT_HEADER, SegmentList) == 0);
static_assert(offsetof(ZONE_SEGMENT_HEADER, Reserved) == (is_64bit ? 8 : 4));
static_assert(sizeof(ZONE_SEGMENT_HEADER) == (is_64bit ? 16 : 8));
static_assert(alignof(ZONE_SEGMENT_HEADER) == (is_64bit ? 8 : 4));

static_assert(offsetof(ZONE_HEADER, FreeList) == 0);
static_assert(offsetof(ZONE_HEADER, SegmentList) == (is_64bit ? 8 : 4));
static_assert(offsetof(ZONE_HEADER, BlockSize) == (is_64bit ? 16 : 8));
static_assert(offsetof(ZONE_HEADER, TotalSegmentSize) == (is_64bit ? 20 : 12));
static_assert(sizeof(ZONE_HEADER) == (is_64bit ? 24 : 16));
static_assert(alignof(ZONE_HEADER) == (is_64bit ? 8 : 4));

}  // namespace nt

#endif  // NT_LAYOUTS_H
