// DbgPrint's filtering and formatting (the kernel debugger's print path), portable and
// unit-tested natively; exports/kd_print.cpp is the ABI shell, platform/ does the output.
//
// Microsoft, "Reading and Filtering Debugging Messages": DbgPrintEx(ComponentId, Level, ...) sends
// its message when the level's mask shares a bit with the component's mask or with the
// system-wide WIN2000 mask. A Level of 0..31 is a bit index (mask 1 << Level); a larger Level is
// the mask itself (DPFLTR_MASK, 0x80000000, marks it). DbgPrint and KdPrint are
// DbgPrintEx(DPFLTR_DEFAULT_ID, DPFLTR_INFO_LEVEL): since Windows Vista they are filtered out by
// default. The masks come from REG_DWORD values named after the component (DEFAULT, IHVDRIVER,
// ..., WIN2000) under HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\Debug Print Filter;
// without a value a component's mask is 0 and WIN2000's is 1 (errors only). Any single call
// transmits at most 512 bytes.
#pragma once

#include <atomic>
#include <cstdarg>
#include <cstddef>
#include <cstdint>

namespace kd {

inline constexpr std::uint32_t error_level = 0;     // DPFLTR_ERROR_LEVEL
inline constexpr std::uint32_t warning_level = 1;   // DPFLTR_WARNING_LEVEL
inline constexpr std::uint32_t trace_level = 2;     // DPFLTR_TRACE_LEVEL
inline constexpr std::uint32_t info_level = 3;      // DPFLTR_INFO_LEVEL
inline constexpr std::uint32_t mask_flag = 0x80000000u;   // DPFLTR_MASK
inline constexpr std::uint32_t ihvdriver_id = 77;   // DPFLTR_IHVDRIVER_ID (dpfilter.h)
inline constexpr std::uint32_t default_id = 101;    // DPFLTR_DEFAULT_ID
inline constexpr std::uint32_t component_count = 146;   // DPFLTR_ENDOFTABLE_ID of dpfilter.h
inline constexpr std::uint32_t win2000_default_mask = 1;
// The most one call transmits, terminator included.
inline constexpr std::size_t max_message_bytes = 512;

// The mask a Level stands for.
std::uint32_t level_mask(std::uint32_t level);
// The registry value name of a component ("DEFAULT"), or nullptr for an id dpfilter.h lacks.
const char16_t* component_name(std::uint32_t id);

// The component masks, read from the registry on first use (a component's value, WIN2000's) and
// changed by DbgSetDebugFilterState. `read` answers one value name of the Debug Print Filter key.
class Filter {
public:
    using Reader = bool (*)(const char16_t* value_name, std::uint32_t* mask);
    explicit Filter(Reader read) : read_(read) {}
    bool enabled(std::uint32_t component, std::uint32_t level);
    // DbgSetDebugFilterState: sets (state true) or clears the level's bits in the component's
    // mask; false for a component id outside the table.
    bool set(std::uint32_t component, std::uint32_t level, bool state);

private:
    std::uint32_t mask_of(std::uint32_t slot);
    Reader read_;
    // Per slot (the components, then WIN2000): bit 32 set once the registry was read.
    std::atomic<std::uint64_t> masks_[component_count + 1] = {};
};

// Formats like the kernel's _vsnprintf: flags - + space # 0, width and precision (or *), sizes
// h l ll w I I32 I64 z, conversions d i u o x X c C s S Z (ANSI_STRING*), wZ (UNICODE_STRING*),
// p and %%; wide characters beyond ASCII become '?'. `prefix` (vDbgPrintExWithPrefix) comes
// first. Writes at most `capacity - 1` bytes and a terminator; returns the length written.
std::size_t format(char* out, std::size_t capacity, const char* prefix, const char* fmt, va_list args);

}  // namespace kd
