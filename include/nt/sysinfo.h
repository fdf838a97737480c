// System information structures the module fills for ZwQuerySystemInformation. Only the pool
// tag class is the module's own; the others are Wine's (ntdll). Layout of SYSTEM_POOLTAG as
// poolmon reads it (public Windows headers of the NT 4 era on; SIZE_T-wide byte counts).
#ifndef NT_SYSINFO_H
#define NT_SYSINFO_H

#include "types.h"

namespace nt {

inline constexpr ULONG SystemPoolTagInformation = 22;
inline constexpr NTSTATUS STATUS_INFO_LENGTH_MISMATCH = static_cast<NTSTATUS>(0xC0000004);

struct SYSTEM_POOLTAG {
  union {
    UCHAR Tag[4];
    ULONG TagUlong;
  };
  ULONG PagedAllocs;
  ULONG PagedFrees;
  SIZE_T PagedUsed;
  ULONG NonPagedAllocs;
  ULONG NonPagedFrees;
  SIZE_T NonPagedUsed;
};
static_assert(sizeof(SYSTEM_POOLTAG) == (is_64bit ? 40 : 28));
static_assert(offsetof(SYSTEM_POOLTAG, PagedAllocs) == 4);
static_assert(offsetof(SYSTEM_POOLTAG, PagedFrees) == 8);
static_assert(offsetof(SYSTEM_POOLTAG, PagedUsed) == (is_64bit ? 16 : 12));
static_assert(offsetof(SYSTEM_POOLTAG, NonPagedAllocs) == (is_64bit ? 24 : 16));
static_assert(offsetof(SYSTEM_POOLTAG, NonPagedFrees) == (is_64bit ? 28 : 20));
static_assert(offsetof(SYSTEM_POOLTAG, NonPagedUsed) == (is_64bit ? 32 : 24));

struct SYSTEM_POOLTAG_INFORMATION {
  ULONG Count;
  SYSTEM_POOLTAG TagInfo[1];
};
static_assert(offsetof(SYSTEM_POOLTAG_INFORMATION, TagInfo) == (is_64bit ? 8 : 4));

// SystemLookasideInformation (45): one SYSTEM_LOOKASIDE_INFORMATION per lookaside list. Class
// number and 32-byte size: Microsoft's Win32 metadata (SYSTEM_LOOKASIDE_INFORMATION as
// Reserved1[32], SystemLookasideInformation = 45); field order: the NT native API headers in
// public use (e.g. phnt ntexapi.h: CurrentDepth, MaximumDepth, TotalAllocates, AllocateMisses,
// TotalFrees, FreeMisses, Type, Tag, Size).
inline constexpr ULONG SystemLookasideInformation = 45;

struct SYSTEM_LOOKASIDE_INFORMATION {
  USHORT CurrentDepth;
  USHORT MaximumDepth;
  ULONG TotalAllocates;
  ULONG AllocateMisses;
  ULONG TotalFrees;
  ULONG FreeMisses;
  ULONG Type;
  ULONG Tag;
  ULONG Size;
};
static_assert(sizeof(SYSTEM_LOOKASIDE_INFORMATION) == 32);
static_assert(offsetof(SYSTEM_LOOKASIDE_INFORMATION, MaximumDepth) == 2);
static_assert(offsetof(SYSTEM_LOOKASIDE_INFORMATION, TotalAllocates) == 4);
static_assert(offsetof(SYSTEM_LOOKASIDE_INFORMATION, AllocateMisses) == 8);
static_assert(offsetof(SYSTEM_LOOKASIDE_INFORMATION, TotalFrees) == 12);
static_assert(offsetof(SYSTEM_LOOKASIDE_INFORMATION, FreeMisses) == 16);
static_assert(offsetof(SYSTEM_LOOKASIDE_INFORMATION, Type) == 20);
static_assert(offsetof(SYSTEM_LOOKASIDE_INFORMATION, Tag) == 24);
static_assert(offsetof(SYSTEM_LOOKASIDE_INFORMATION, Size) == 28);

}  // namespace nt

#endif
