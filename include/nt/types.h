// Basic NT kernel types with Windows' sizes, for code that cannot include <windows.h> or the DDK
// headers (the module's core also builds natively on Linux, where `long` is 64-bit, so every type
// is spelled with a fixed width). Everything lives in namespace nt so that a translation unit may
// include this next to <ddk/ntddk.h> and compare layouts.
#pragma once

#include <cstddef>
#include <cstdint>

// Calling conventions of exported routines and driver callbacks. Only i386 Windows distinguishes
// them (NTAPI = stdcall, FASTCALL = fastcall); x64 has one convention, and the Linux host build
// must not see Windows-only attributes.
#if defined(__i386__) && defined(_WIN32)
#ifndef NT_API
#define NT_API __attribute__((stdcall))
#endif
#ifndef NT_FASTCALL
#define NT_FASTCALL __attribute__((fastcall))
#endif
#else
#ifndef NT_API
#define NT_API
#endif
#ifndef NT_FASTCALL
#define NT_FASTCALL
#endif
#endif

namespace nt {

using UCHAR = std::uint8_t;
using BOOLEAN = std::uint8_t;
using CHAR = char;
using USHORT = std::uint16_t;
using WCHAR = char16_t;
using ULONG = std::uint32_t;
using LONG = std::int32_t;
using ULONG64 = std::uint64_t;
using ULONGLONG = std::uint64_t;
using LONGLONG = std::int64_t;
using ULONG_PTR = std::uintptr_t;
using LONG_PTR = std::intptr_t;
using SIZE_T = std::size_t;
using PVOID = void*;
using NTSTATUS = std::int32_t;
using KIRQL = UCHAR;
using KSPIN_LOCK = ULONG_PTR;

// Size of a pointer on the target. The module is built for i386 (4) and x86_64 (8); the host
// (Linux x86_64) build of the portable core has the x86_64 layout.
inline constexpr bool is_64bit = sizeof(void*) == 8;

// NTSTATUS values used by the module (values from ntstatus.h).
namespace status {
inline constexpr NTSTATUS success = 0x00000000;
inline constexpr NTSTATUS unsuccessful = static_cast<NTSTATUS>(0xC0000001);
inline constexpr NTSTATUS not_implemented = static_cast<NTSTATUS>(0xC0000002);
inline constexpr NTSTATUS invalid_parameter = static_cast<NTSTATUS>(0xC000000D);
inline constexpr NTSTATUS no_memory = static_cast<NTSTATUS>(0xC0000017);
inline constexpr NTSTATUS access_violation = static_cast<NTSTATUS>(0xC0000005);
inline constexpr NTSTATUS quota_exceeded = static_cast<NTSTATUS>(0xC0000044);
inline constexpr NTSTATUS insufficient_resources = static_cast<NTSTATUS>(0xC000009A);
inline constexpr NTSTATUS object_name_not_found = static_cast<NTSTATUS>(0xC0000034);
inline constexpr NTSTATUS buffer_overflow = static_cast<NTSTATUS>(0x80000005);
inline constexpr NTSTATUS invalid_parameter_4 = static_cast<NTSTATUS>(0xC00000F2);
inline constexpr NTSTATUS invalid_parameter_5 = static_cast<NTSTATUS>(0xC00000F3);
}  // namespace status

inline constexpr bool nt_success(NTSTATUS s) { return s >= 0; }

}  // namespace nt
