// The memory routines every driver imports from ntoskrnl.exe: the DDK's RtlZeroMemory,
// RtlCopyMemory, RtlFillMemory and RtlMoveMemory macros compile into memset, memcpy and memmove,
// and compilers call memcpy and memset for structure copies and initialisers, so a legacy driver
// that imports nothing else still imports these. Windows exports them as functions too
// (MinGW-w64's libntoskrnl.a, both architectures; RtlCopyMemory on x64 only). The C runtime
// ones are cdecl on i386; the Rtl ones stdcall.
#include <cstdint>
#include <cstring>

#include "exports/abi.h"
#include "rtl/memory.h"

using nt::PVOID;
using nt::SIZE_T;

// Named apart from the C runtime's own (which the module itself imports from msvcrt); the spec
// exports them as memcpy, memset, memmove, memcmp and memchr.
extern "C" {

// Windows' kernel memcpy tolerates overlapping blocks (it is its memmove), and legacy drivers
// have come to rely on that: so is this one.
void* __cdecl ntoskrnl_memcpy(void* to, const void* from, std::size_t bytes) { return std::memmove(to, from, bytes); }
void* __cdecl ntoskrnl_memmove(void* to, const void* from, std::size_t bytes) { return std::memmove(to, from, bytes); }
void* __cdecl ntoskrnl_memset(void* to, int value, std::size_t bytes) { return std::memset(to, value, bytes); }
int __cdecl ntoskrnl_memcmp(const void* a, const void* b, std::size_t bytes) { return std::memcmp(a, b, bytes); }
const void* __cdecl ntoskrnl_memchr(const void* block, int value, std::size_t bytes) { return std::memchr(block, value, bytes); }

}  // extern "C"

NT_EXPORT void NT_API RtlZeroMemory(PVOID to, SIZE_T bytes) { std::memset(to, 0, bytes); }

NT_EXPORT void NT_API RtlFillMemory(PVOID to, SIZE_T bytes, nt::UCHAR value) { std::memset(to, value, bytes); }

NT_EXPORT void NT_API RtlMoveMemory(PVOID to, const void* from, SIZE_T bytes) { std::memmove(to, from, bytes); }

#if UINTPTR_MAX > 0xFFFFFFFFu
// An export on x64 only; the i386 DDK's RtlCopyMemory is the memcpy macro.
NT_EXPORT void NT_API RtlCopyMemory(PVOID to, const void* from, SIZE_T bytes) { std::memmove(to, from, bytes); }
#endif

NT_EXPORT SIZE_T NT_API RtlCompareMemory(const void* a, const void* b, SIZE_T bytes) {
    return rtl::compare_memory(a, b, bytes);
}
