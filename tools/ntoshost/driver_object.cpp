#include "driver_object.h"

#include <cstring>

#include "nt/driver.h"

namespace ntoshost {
namespace {

// STATUS_INVALID_DEVICE_REQUEST: what IopInvalidDeviceRequest answers for a major function the
// driver does not handle (the value from ntstatus.h).
constexpr nt::NTSTATUS status_invalid_device_request = static_cast<nt::NTSTATUS>(0xC0000010);
nt::NTSTATUS NT_API invalid_device_request(void*, void*) { return status_invalid_device_request; }

// Windows allocates the extension right behind the object with private fields after the public
// ones; zeroed room stands in for them.
struct DriverExtensionBlock {
    nt::DRIVER_EXTENSION ext;
    unsigned char private_fields[64];
};

nt::DRIVER_OBJECT driver_object;
DriverExtensionBlock driver_extension;
nt::KLDR_DATA_TABLE_ENTRY loader_entry;
std::u16string driver_name, registry_path, service_name, full_name, base_name;
nt::UNICODE_STRING registry_path_string;

nt::UNICODE_STRING counted(std::u16string& s) {
    return nt::UNICODE_STRING{static_cast<nt::USHORT>(s.size() * 2), static_cast<nt::USHORT>(s.size() * 2 + 2), s.data()};
}

}  // namespace

void build_driver_object(const DriverImage& image) {
    service_name = image.service;
    driver_name = u"\\Driver\\" + image.service;
    registry_path = u"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\" + image.service;
    full_name = image.image_path;
    base_name = full_name.substr(full_name.find_last_of(u"\\/") + 1);

    std::memset(&loader_entry, 0, sizeof(loader_entry));
    loader_entry.InLoadOrderLinks.Flink = loader_entry.InLoadOrderLinks.Blink = &loader_entry.InLoadOrderLinks;
    loader_entry.DllBase = image.base;
    loader_entry.EntryPoint = image.entry;
    loader_entry.SizeOfImage = image.size;
    loader_entry.FullDllName = counted(full_name);
    loader_entry.BaseDllName = counted(base_name);
    loader_entry.LoadCount = 1;

    std::memset(&driver_extension, 0, sizeof(driver_extension));
    driver_extension.ext.DriverObject = &driver_object;
    driver_extension.ext.ServiceKeyName = counted(service_name);

    std::memset(&driver_object, 0, sizeof(driver_object));
    driver_object.Type = nt::IO_TYPE_DRIVER;
    driver_object.Size = static_cast<nt::CSHORT>(sizeof(nt::DRIVER_OBJECT));
    driver_object.DriverStart = image.base;
    driver_object.DriverSize = image.size;
    driver_object.DriverSection = &loader_entry;
    driver_object.DriverExtension = &driver_extension.ext;
    driver_object.DriverName = counted(driver_name);
    driver_object.DriverInit = reinterpret_cast<nt::DRIVER_INITIALIZE*>(image.entry);
    for (auto& f : driver_object.MajorFunction) f = invalid_device_request;
    registry_path_string = counted(registry_path);
}

std::int32_t call_driver_entry() { return driver_object.DriverInit(&driver_object, &registry_path_string); }

std::int32_t call_dll_initialize(void* routine) {
    return reinterpret_cast<nt::NTSTATUS(NT_API*)(nt::UNICODE_STRING*)>(routine)(&registry_path_string);
}

std::int32_t call_dll_initialize_with(void* routine, const std::u16string& registry_path) {
    std::u16string copy = registry_path;   // Windows frees the buffer once DllInitialize returned
    nt::UNICODE_STRING path = counted(copy);
    return reinterpret_cast<nt::NTSTATUS(NT_API*)(nt::UNICODE_STRING*)>(routine)(&path);
}

std::int32_t call_dll_unload(void* routine) { return reinterpret_cast<nt::NTSTATUS(NT_API*)()>(routine)(); }

bool has_unload_routine() { return driver_object.DriverUnload != nullptr; }

void call_driver_unload() { driver_object.DriverUnload(&driver_object); }

void* driver_name_address() { return &driver_object.DriverName; }

void* driver_object_address() { return &driver_object; }

}  // namespace ntoshost
