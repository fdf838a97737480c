#include "platform/image_notify.h"

#include <windows.h>

#include <atomic>

namespace platform {
namespace {

struct CountedString {
    USHORT Length;
    USHORT MaximumLength;
    const char16_t* Buffer;
};
// LDR_DLL_LOADED_NOTIFICATION_DATA / LDR_DLL_UNLOADED_NOTIFICATION_DATA (same layout).
struct NotificationData {
    ULONG Flags;
    const CountedString* FullDllName;
    const CountedString* BaseDllName;
    void* DllBase;
    ULONG SizeOfImage;
};
constexpr ULONG reason_loaded = 1, reason_unloaded = 2;

std::atomic<ImageObserver> observers[4];
std::atomic<bool> registered{false};

std::u16string_view view(const CountedString* s) {
    return s && s->Buffer ? std::u16string_view(s->Buffer, s->Length / sizeof(char16_t)) : std::u16string_view();
}

VOID CALLBACK on_notification(ULONG reason, const NotificationData* data, void*) {
    if ((reason != reason_loaded && reason != reason_unloaded) || !data) return;
    const ImageEvent event{reason == reason_loaded, data->DllBase, data->SizeOfImage, view(data->BaseDllName),
                           view(data->FullDllName)};
    for (auto& o : observers)
        if (ImageObserver f = o.load(std::memory_order_acquire)) f(event);
}

}  // namespace

bool add_image_observer(ImageObserver observer) {
    bool added = false;
    for (auto& o : observers) {
        ImageObserver expected = nullptr;
        if (o.compare_exchange_strong(expected, observer, std::memory_order_acq_rel)) {
            added = true;
            break;
        }
    }
    if (!added) return false;
    if (registered.exchange(true)) return true;
    using RegisterFn = LONG(NTAPI*)(ULONG, void*, void*, void**);
    auto reg = reinterpret_cast<RegisterFn>(
        reinterpret_cast<void*>(GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "LdrRegisterDllNotification")));
    static void* cookie;
    if (!reg || reg(0, reinterpret_cast<void*>(&on_notification), nullptr, &cookie) != 0) {
        registered.store(false);
        return false;
    }
    return true;
}

bool is_driver_image(std::u16string_view name) {
    if (name.size() < 4) return false;
    auto lower = [](char16_t c) { return c >= u'A' && c <= u'Z' ? static_cast<char16_t>(c + 32) : c; };
    const std::u16string_view ext = name.substr(name.size() - 4);
    return ext[0] == u'.' && lower(ext[1]) == u's' && lower(ext[2]) == u'y' && lower(ext[3]) == u's';
}

}  // namespace platform
