// Bug checks: how the emulated system stops. A bug check writes one line to stderr,
//   *** STOP: 0x000000C2 (0x00000007,0x00000000,0x00000000,0x00000000) BAD_POOL_CALLER
// (parameters are pointer-sized, so 16 hex digits on x64 as on a 64-bit Windows stop screen),
// and ends the process with the bug check code as its exit status. The pool, list and lookaside
// code raise their Windows bug checks through here; the driver host reports them.
#pragma once

#include <cstddef>

#include "nt/types.h"

// KiBugCheckData: the kernel's record of the bug check in progress, exported as data (spec "Ke:
// data exports"): the code, then the four parameters, each a ULONG_PTR (so 5 x 4 bytes on i386,
// 5 x 8 on x86_64). Zero until a bug check; bug_check() fills it before the STOP line is written,
// parameters first and the code last, so a reader that sees a nonzero code sees the parameters.
// It lives with the bug check core, which writes it, rather than with the other data exports.
extern "C" nt::ULONG_PTR KiBugCheckData[5];

namespace ke {

// Bug check codes the module raises (values from Microsoft's bug check code reference).
namespace bugcheck_code {
inline constexpr nt::ULONG irql_not_greater_or_equal = 0x09;
inline constexpr nt::ULONG irql_not_less_or_equal = 0x0A;
inline constexpr nt::ULONG spin_lock_already_owned = 0x0F;
inline constexpr nt::ULONG spin_lock_not_owned = 0x10;
inline constexpr nt::ULONG bad_pool_header = 0x19;
inline constexpr nt::ULONG quota_underflow = 0x21;
inline constexpr nt::ULONG must_succeed_pool_empty = 0x41;
inline constexpr nt::ULONG special_pool_detected_memory_corruption = 0xC1;
inline constexpr nt::ULONG bad_pool_caller = 0xC2;
inline constexpr nt::ULONG driver_verifier_detected_violation = 0xC4;
inline constexpr nt::ULONG driver_corrupted_expool = 0xC5;
inline constexpr nt::ULONG page_fault_in_freed_special_pool = 0xCC;
inline constexpr nt::ULONG page_fault_beyond_end_of_allocation = 0xCD;
inline constexpr nt::ULONG driver_page_fault_in_freed_special_pool = 0xD5;
inline constexpr nt::ULONG driver_page_fault_beyond_end_of_allocation = 0xD6;
}  // namespace bugcheck_code

// The symbolic name of a bug check code, or nullptr if the module does not know it.
const char* bugcheck_name(nt::ULONG code);

// Formats the STOP line (with its trailing newline) into buf; returns its length, truncated to
// capacity - 1 and always NUL-terminated. Pure, so unit tests check it without dying.
std::size_t format_bugcheck(char* buf, std::size_t capacity, nt::ULONG code, nt::ULONG_PTR p1, nt::ULONG_PTR p2,
                            nt::ULONG_PTR p3, nt::ULONG_PTR p4);

// What a bug check leaves behind besides the STOP line: a recorder (in the drop-in, the Minidump
// report and the event log entry, exports/crash_record.h) is called once, on the bug-checking
// thread, after KiBugCheckData is filled and before the process ends. It must not use the pool.
struct BugCheckRecord {
    nt::ULONG code;
    nt::ULONG_PTR params[4];
    const char* stop_line;     // as written to stderr, with its newline
    std::size_t stop_line_length;
};
using BugCheckRecorder = void (*)(const BugCheckRecord& record);
void set_bug_check_recorder(BugCheckRecorder recorder);

// Stops the system: prints the STOP line and terminates the process with `code`. If another
// thread is already bug checking, the caller parks forever, as other processors do on Windows.
[[noreturn]] void bug_check(nt::ULONG code, nt::ULONG_PTR p1 = 0, nt::ULONG_PTR p2 = 0, nt::ULONG_PTR p3 = 0,
                            nt::ULONG_PTR p4 = 0);

}  // namespace ke
