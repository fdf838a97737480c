// ExRaiseStatus (wdm.h): raises a noncontinuable structured exception with the status, which the
// driver's own __try/__except catches (Microsoft, "ExRaiseStatus function"). Wine 8.0's builtin
// only stubs it; drivers use it for their own error paths (the pool raises through the same
// platform::raise_status for POOL_RAISE_IF_ALLOCATION_FAILURE).
#include "exports/abi.h"
#include "platform/platform.h"

NT_EXPORT void NT_API ExRaiseStatus(nt::NTSTATUS status) { platform::raise_status(status); }
