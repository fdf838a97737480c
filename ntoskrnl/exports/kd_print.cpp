// The DbgPrint family (kd/debug_print.h): Windows' filtering by component and level, the Debug
// Print Filter key, the 512-byte limit; a message that passes goes to platform::debug_output.
// Conventions as Windows exports them (MinGW-w64's libntoskrnl.a, i386): DbgPrint, DbgPrintEx and
// DbgPrintReturnControlC are cdecl varargs (_DbgPrint); vDbgPrintEx, vDbgPrintExWithPrefix,
// DbgQueryDebugFilterState and DbgSetDebugFilterState are stdcall (_vDbgPrintEx@16).
#include <cstdarg>

#include "exports/abi.h"
#include "kd/debug_print.h"
#include "platform/platform.h"

using nt::ULONG;

namespace {

// HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\Debug Print Filter (Microsoft, "Reading
// and Filtering Debugging Messages").
bool read_filter_value(const char16_t* name, std::uint32_t* mask) {
    return platform::read_registry_dword(
        u"\\Registry\\Machine\\System\\CurrentControlSet\\Control\\Session Manager\\Debug Print Filter", name, mask);
}

kd::Filter& filter() {
    static kd::Filter f(read_filter_value);
    return f;
}

constexpr nt::NTSTATUS status_success = 0;
constexpr nt::NTSTATUS status_invalid_parameter_1 = static_cast<nt::NTSTATUS>(0xC00000EFu);

nt::NTSTATUS print(ULONG component, ULONG level, const char* prefix, const char* format, va_list args) {
    if (!filter().enabled(component, level)) return status_success;
    char message[kd::max_message_bytes];
    const std::size_t n = kd::format(message, sizeof(message), prefix, format, args);
    platform::debug_output(message, n);
    return status_success;
}

}  // namespace

extern "C" {

ULONG __cdecl DbgPrint(const char* format, ...) {
    va_list args;
    va_start(args, format);
    const nt::NTSTATUS s = print(kd::default_id, kd::info_level, nullptr, format, args);
    va_end(args);
    return static_cast<ULONG>(s);
}

ULONG __cdecl DbgPrintEx(ULONG component, ULONG level, const char* format, ...) {
    va_list args;
    va_start(args, format);
    const nt::NTSTATUS s = print(component, level, nullptr, format, args);
    va_end(args);
    return static_cast<ULONG>(s);
}

// DbgPrint that also says whether the debugger's user pressed Ctrl+C: there is no debugger.
ULONG __cdecl DbgPrintReturnControlC(const char* format, ...) {
    va_list args;
    va_start(args, format);
    print(kd::default_id, kd::info_level, nullptr, format, args);
    va_end(args);
    return 0;
}

ULONG NT_API vDbgPrintEx(ULONG component, ULONG level, const char* format, va_list args) {
    return static_cast<ULONG>(print(component, level, nullptr, format, args));
}

ULONG NT_API vDbgPrintExWithPrefix(const char* prefix, ULONG component, ULONG level, const char* format, va_list args) {
    return static_cast<ULONG>(print(component, level, prefix, format, args));
}

// TRUE if a message of this component and level would be sent (the NTSTATUS holds the BOOLEAN).
nt::NTSTATUS NT_API DbgQueryDebugFilterState(ULONG component, ULONG level) { return filter().enabled(component, level) ? 1 : 0; }

nt::NTSTATUS NT_API DbgSetDebugFilterState(ULONG component, ULONG level, nt::BOOLEAN state) {
    return filter().set(component, level, state != 0) ? status_success : status_invalid_parameter_1;
}

}  // extern "C"
