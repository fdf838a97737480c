// The objects an unmodified driver is started with: its DRIVER_OBJECT (with extension and loader
// entry) and registry path, built with Windows' layouts (include/nt/driver.h). This translation
// unit sees no <windows.h>, whose names would clash with the NT ones.
#pragma once

#include <cstdint>
#include <string>

namespace ntoshost {

struct DriverImage {
    void* base;
    std::uint32_t size;
    void* entry;                 // DriverEntry
    std::u16string service;      // e.g. u"sample"
    std::u16string image_path;   // full path of the .sys
};

// Fills the process's one DRIVER_OBJECT for `image`: Type/Size, DriverStart/Size, DriverSection
// (a KLDR_DATA_TABLE_ENTRY), DriverExtension (ServiceKeyName), DriverName "\Driver\<service>",
// DriverInit; MajorFunction all set to the invalid-request routine, as IoCreateDriver does.
void build_driver_object(const DriverImage& image);
// Calls DriverEntry(DriverObject, RegistryPath) and returns its NTSTATUS.
std::int32_t call_driver_entry();
// A kernel-mode DLL's DllInitialize(RegistryPath) and DllUnload() (export drivers), at the
// addresses the image exports them.
std::int32_t call_dll_initialize(void* routine);
std::int32_t call_dll_unload(void* routine);
// DllInitialize of an imported export driver, with its own registry path.
std::int32_t call_dll_initialize_with(void* routine, const std::u16string& registry_path);
bool has_unload_routine();
void call_driver_unload();
// "\Driver\<service>" as a UNICODE_STRING's address (for bug check parameters).
void* driver_name_address();
void* driver_object_address();

}  // namespace ntoshost
