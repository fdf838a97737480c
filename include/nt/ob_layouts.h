// OBJECT_HEADER: what precedes every object the Windows object manager keeps (an EPROCESS
// included), in the layout of Windows 7 and later. Drivers do not see it through the DDK, but
// some read it (OBJECT_TO_OBJECT_HEADER: ReactOS's kmtest ExPools.c, validated on Windows, reads
// the process's PointerCount to see that a quota block references the process). Offsets from type
// dumps of Microsoft's public symbols (_OBJECT_HEADER, 6.1 and later: PointerCount, HandleCount,
// Lock, TypeIndex, TraceFlags, InfoMask, Flags, [x64: Reserved], ObjectCreateInfo,
// SecurityDescriptor, Body); the body starts 0x18 (x86) / 0x30 (x64) bytes after the header.
#pragma once

#include <cstddef>

#include "types.h"

namespace nt {

struct OBJECT_HEADER {
  LONG_PTR PointerCount;      // LONG on x86, LONG_PTR (SSIZE_T) on x64
  LONG_PTR HandleCount;       // union with NextToFree
  PVOID Lock;                 // EX_PUSH_LOCK
  UCHAR TypeIndex;
  UCHAR TraceFlags;
  UCHAR InfoMask;
  UCHAR Flags;
#if UINTPTR_MAX > 0xFFFFFFFFu
  ULONG Reserved;
#endif
  PVOID ObjectCreateInfo;     // union with QuotaBlockCharged
  PVOID SecurityDescriptor;
  // Body follows.
};
static_assert(offsetof(OBJECT_HEADER, PointerCount) == 0);
static_assert(offsetof(OBJECT_HEADER, HandleCount) == (is_64bit ? 0x08 : 0x04));
static_assert(offsetof(OBJECT_HEADER, Lock) == (is_64bit ? 0x10 : 0x08));
static_assert(offsetof(OBJECT_HEADER, TypeIndex) == (is_64bit ? 0x18 : 0x0C));
static_assert(offsetof(OBJECT_HEADER, Flags) == (is_64bit ? 0x1B : 0x0F));
static_assert(offsetof(OBJECT_HEADER, ObjectCreateInfo) == (is_64bit ? 0x20 : 0x10));
static_assert(offsetof(OBJECT_HEADER, SecurityDescriptor) == (is_64bit ? 0x28 : 0x14));
static_assert(sizeof(OBJECT_HEADER) == (is_64bit ? 0x30 : 0x18));   // = offset of Body

}  // namespace nt
