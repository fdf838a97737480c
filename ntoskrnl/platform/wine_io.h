// The drop-in's one correction to Wine's I/O manager: the DRIVER_OBJECT a driver receives.
// Windows' I/O manager creates every driver object with Type IO_TYPE_DRIVER (4) and Size
// sizeof(DRIVER_OBJECT) (wdm.h: "Type and Size ... identify the structure"; drivers and
// debugger extensions such as !drvobj check Type before trusting the object). Wine 8's
// IoCreateDriver fills Size but leaves Type 0, so a driver that validates its DRIVER_OBJECT
// refuses to start under Wine (tests/drivers/tagged_pool.c does: STATUS_INVALID_PARAMETER).
// The object stays Wine's (its I/O manager owns and frees it); only the missing Type is written,
// before the driver's entry runs, on the two paths that create one:
//  - ZwLoadDriver (how winedevice.exe starts a kernel service): Wine creates the object, then
//    loads the image and calls DriverEntry inside one call; the object is completed from the
//    loader's notification for the driver's image, on the loading thread;
//  - IoCreateDriver (a driver creating a second driver object): the caller's init routine is
//    called through a trampoline that completes the object first.
// Module only (Win32 with Wine's builtin loaded privately, platform/wine_builtin.h).
#pragma once

#include "nt/driver.h"

namespace platform {

// Called once from join_wine_builtin with Wine's builtin module.
void watch_driver_objects(void* wine_module);

// Wine's ZwLoadDriver / IoCreateDriver with the object completed before the driver's code runs.
// STATUS_NOT_IMPLEMENTED when Wine's builtin is not loaded (nothing else can load a driver).
nt::NTSTATUS load_driver(nt::UNICODE_STRING* service_key);
nt::NTSTATUS create_driver(nt::UNICODE_STRING* name, nt::DRIVER_INITIALIZE* init);

}  // namespace platform
