// What the host does when the driver faults or fast-fails, as Windows' kernel would: the bug
// check, with the faulting instruction and its callers named module+offset (crash.cpp).
#pragma once

#include <cstdint>
#include <string>

#include <windows.h>

namespace ntoshost {

using KeBugCheckExFn = void(WINAPI*)(ULONG, ULONG_PTR, ULONG_PTR, ULONG_PTR, ULONG_PTR);

// An image the host mapped itself (the driver, the export drivers it imports): the system's
// loader does not know them, so the host names addresses inside them.
void register_image(const std::string& name, const void* base, std::uint32_t size);
// "name+0xOFFSET" for an address in a registered image or a loaded module, else "".
std::string describe_address(std::uintptr_t address);

// Installs the exception handling of a system thread: an exception the driver does not handle
// stops the system (0x7E), a fast fail is KERNEL_SECURITY_CHECK_FAILURE (0x139), a Wine stub is
// reported as unimplemented. `bug_check` is the module's KeBugCheckEx.
void install_exception_handling(KeBugCheckExFn bug_check);

}  // namespace ntoshost
