// The loader's image notifications, for the parts of the module that act when Wine loads or
// unloads a driver image in its process (winedevice.exe): the driver-object completion
// (platform/wine_io.h) and Driver Verifier (vf/verifier_thunks.cpp). One registration with
// ntdll's LdrRegisterDllNotification (Microsoft, "LdrRegisterDllNotification function"); Wine
// sends LOADED after the image's imports are bound and before its entry point runs, and
// UNLOADED when FreeLibrary unmaps it. Module only (Win32).
#pragma once

#include <cstddef>
#include <string_view>

namespace platform {

struct ImageEvent {
    bool loaded;                       // false: being unloaded
    void* base;
    std::size_t size;
    std::u16string_view base_name;     // e.g. u"leaky.sys"
    std::u16string_view full_name;
};
// Runs on the loading thread with the loader lock held: no waiting on other threads.
using ImageObserver = void (*)(const ImageEvent& event);

// Adds an observer (up to 4), registering with the loader the first time. False if it cannot.
bool add_image_observer(ImageObserver observer);

// Whether an image name is a kernel driver's (".sys", any case).
bool is_driver_image(std::u16string_view base_name);

}  // namespace platform
