// ZwLoadDriver, IoCreateDriver (wdm.h; IoCreateDriver is exported by Windows' ntoskrnl.exe without a
// WDK prototype: NTSTATUS IoCreateDriver(PUNICODE_STRING DriverName, PDRIVER_INITIALIZE)). The I/O
// manager is Wine's; the project's exports are Wine's routines with the DRIVER_OBJECT completed
// as Windows creates it (platform/wine_io.h). winedevice.exe starts every kernel service through
// ZwLoadDriver, so in the drop-in every driver Wine loads gets its object this way.
#include "exports/abi.h"
#include "platform/wine_io.h"

NT_EXPORT nt::NTSTATUS NT_API ZwLoadDriver(nt::UNICODE_STRING* service_key) {
    return platform::load_driver(service_key);
}

NT_EXPORT nt::NTSTATUS NT_API IoCreateDriver(nt::UNICODE_STRING* name, nt::DRIVER_INITIALIZE* init) {
    return platform::create_driver(name, init);
}
