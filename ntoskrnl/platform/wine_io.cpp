#include "platform/wine_io.h"

#include <windows.h>

#include <string_view>

#include "platform/image_notify.h"
#include "platform/platform.h"

namespace platform {
namespace {

using nt::DRIVER_INITIALIZE;
using nt::DRIVER_OBJECT;
using nt::NTSTATUS;
using nt::UNICODE_STRING;

using ZwLoadDriverFn = NTSTATUS(NT_API*)(UNICODE_STRING*);
using IoCreateDriverFn = NTSTATUS(NT_API*)(UNICODE_STRING*, DRIVER_INITIALIZE*);
// ObReferenceObjectByName (ntifs.h; exported by Windows and Wine, not in the WDK's wdm.h).
using ObReferenceObjectByNameFn = NTSTATUS(NT_API*)(UNICODE_STRING*, ULONG, void* access_state, ULONG access,
                                                   void* type, char mode, void* parse_context, void** object);
using ObDereferenceObjectFn = void(NT_API*)(void*);

ZwLoadDriverFn wine_ZwLoadDriver;
IoCreateDriverFn wine_IoCreateDriver;
ObReferenceObjectByNameFn wine_ObReferenceObjectByName;
ObDereferenceObjectFn wine_ObDereferenceObject;

// Per thread: the service key whose driver object ZwLoadDriver has yet to complete, and the
// IoCreateDriver call whose init routine the trampoline is to call.
DWORD pending_load_slot = TLS_OUT_OF_INDEXES;
DWORD pending_init_slot = TLS_OUT_OF_INDEXES;

void complete(DRIVER_OBJECT* driver) {
    // Only an object that is Wine's DRIVER_OBJECT as it creates them: never overwrite a Type.
    if (driver && driver->Type == 0 && driver->Size == sizeof(DRIVER_OBJECT)) driver->Type = nt::IO_TYPE_DRIVER;
}

// The object of service key ...\Services\NAME: \Driver\NAME, or \FileSystem\NAME for a file
// system driver (the names Windows' and Wine's I/O managers give it).
bool complete_by_service_key(const UNICODE_STRING* key) {
    const nt::WCHAR* text = key->Buffer;
    USHORT n = key->Length / sizeof(nt::WCHAR), start = n;
    while (start && text[start - 1] != u'\\') --start;
    const USHORT name_chars = n - start;
    for (const std::u16string_view directory : {u"\\Driver\\", u"\\FileSystem\\"}) {
        nt::WCHAR buffer[300];
        const auto chars = static_cast<USHORT>(directory.size() + name_chars);
        if (chars > 300) return false;
        CopyMemory(buffer, directory.data(), directory.size() * sizeof(nt::WCHAR));
        CopyMemory(buffer + directory.size(), text + start, name_chars * sizeof(nt::WCHAR));
        UNICODE_STRING name{static_cast<USHORT>(chars * sizeof(nt::WCHAR)), static_cast<USHORT>(chars * sizeof(nt::WCHAR)),
                            buffer};
        void* object = nullptr;
        if (wine_ObReferenceObjectByName(&name, 0, nullptr, 0, nullptr, 0 /* KernelMode */, nullptr, &object) ==
                nt::status::success && object) {
            complete(static_cast<DRIVER_OBJECT*>(object));
            wine_ObDereferenceObject(object);
            return true;
        }
    }
    return false;
}

// Wine's ZwLoadDriver has created the driver object before it loads the image, so the first
// image load on the loading thread finds it (platform/image_notify.h).
void on_image(const ImageEvent& event) {
    if (!event.loaded || pending_load_slot == TLS_OUT_OF_INDEXES) return;
    auto* key = static_cast<UNICODE_STRING*>(TlsGetValue(pending_load_slot));
    if (key && complete_by_service_key(key)) TlsSetValue(pending_load_slot, nullptr);
}

struct InitCall {
    DRIVER_INITIALIZE* init;
    void* outer;   // the thread's previous InitCall (an init routine may create a driver too)
};

NTSTATUS NT_API completing_init(DRIVER_OBJECT* driver, UNICODE_STRING* registry_path) {
    auto* call = static_cast<InitCall*>(TlsGetValue(pending_init_slot));
    TlsSetValue(pending_init_slot, call->outer);
    complete(driver);
    driver->DriverInit = call->init;   // what the caller passed, as Windows records it
    return call->init(driver, registry_path);
}

template <typename Fn>
Fn wine_routine(HMODULE module, const char* name) {
    return reinterpret_cast<Fn>(reinterpret_cast<void*>(GetProcAddress(module, name)));
}

}  // namespace

void watch_driver_objects(void* wine_module) {
    auto module = static_cast<HMODULE>(wine_module);
    wine_ZwLoadDriver = wine_routine<ZwLoadDriverFn>(module, "ZwLoadDriver");
    wine_IoCreateDriver = wine_routine<IoCreateDriverFn>(module, "IoCreateDriver");
    wine_ObReferenceObjectByName = wine_routine<ObReferenceObjectByNameFn>(module, "ObReferenceObjectByName");
    wine_ObDereferenceObject = wine_routine<ObDereferenceObjectFn>(module, "ObDereferenceObject");
    pending_load_slot = TlsAlloc();
    pending_init_slot = TlsAlloc();
    if (!wine_ObReferenceObjectByName || !wine_ObDereferenceObject || pending_load_slot == TLS_OUT_OF_INDEXES ||
        pending_init_slot == TLS_OUT_OF_INDEXES || !add_image_observer(&on_image)) {
        wine_ZwLoadDriver = nullptr;
        wine_IoCreateDriver = nullptr;
        write_stderr("ntoskrnl.exe: warning: cannot watch Wine's driver objects; ZwLoadDriver and IoCreateDriver "
                     "are not available.\n");
    }
}

NTSTATUS load_driver(UNICODE_STRING* service_key) {
    if (!wine_ZwLoadDriver) return nt::status::not_implemented;
    void* outer = TlsGetValue(pending_load_slot);
    TlsSetValue(pending_load_slot, service_key && service_key->Buffer ? service_key : nullptr);
    const NTSTATUS status = wine_ZwLoadDriver(service_key);
    TlsSetValue(pending_load_slot, outer);
    return status;
}

NTSTATUS create_driver(UNICODE_STRING* name, DRIVER_INITIALIZE* init) {
    if (!wine_IoCreateDriver) return nt::status::not_implemented;
    if (!init) return wine_IoCreateDriver(name, init);
    InitCall call{init, TlsGetValue(pending_init_slot)};
    TlsSetValue(pending_init_slot, &call);
    const NTSTATUS status = wine_IoCreateDriver(name, &completing_init);
    // Wine calls the init routine inside IoCreateDriver; if it did not (it failed first), undo.
    if (TlsGetValue(pending_init_slot) == &call) TlsSetValue(pending_init_slot, call.outer);
    return status;
}

}  // namespace platform
