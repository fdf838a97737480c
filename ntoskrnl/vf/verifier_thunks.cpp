// Driver Verifier in the drop-in (module only): when Wine loads a driver image that the registry's
// Verifier settings name (vf/settings.h), its imports from ntoskrnl.exe of the pool routines and
// of the spin lock, IRQL and lookaside routines are pointed at the thunks below, as Windows'
// verifier redirects a verified driver's imports at load; each thunk finds the driver by its
// return address and runs the verifier's rules (vf/driver_verifier.h) or the project's routine
// with the Verifier-only checks on (vf::VerifiedCall). When the image is unloaded (after DriverUnload), pool tracking's leak
// check runs. Settings are read at each driver load, so `verifier /flags ... /driver x.sys` takes
// effect the next time the service starts (Windows needs a reboot).
#include <windows.h>

#include "ex/pool_args.h"
#include "exports/abi.h"
#include "platform/image_notify.h"
#include "platform/import_slots.h"
#include "platform/platform.h"
#include "vf/driver_verifier.h"
#include "vf/settings.h"
#include "vf/verifier.h"

namespace vf {
namespace {

constexpr const char16_t* memory_management =
    u"\\Registry\\Machine\\System\\CurrentControlSet\\Control\\Session Manager\\Memory Management";

Settings read_registry_settings() {
    char16_t drivers[512];
    const std::size_t n = platform::read_registry_string(memory_management, u"VerifyDrivers", drivers, 512);
    std::uint32_t level = 0;
    const bool has_level = platform::read_registry_dword(memory_management, u"VerifyDriverLevel", &level);
    return parse_settings(std::u16string_view(drivers, n), has_level, level);
}

// The verified caller: the driver whose image holds the thunk's return address.
#define VERIFIED_CALLER() ::vf::driver_at(__builtin_return_address(0))

void* legacy(VerifiedDriver* d, nt::ULONG type, nt::SIZE_T bytes, nt::ULONG tag, bool quota) {
    return d ? ex::pool::allocate_legacy(type, bytes, tag, quota, &vf::allocate, d)
             : ex::pool::allocate_legacy(type, bytes, tag, quota);
}

NT_API void* thunk_ExAllocatePool(nt::ULONG type, nt::SIZE_T bytes) {
    return legacy(VERIFIED_CALLER(), type, bytes, ex::pool::tag_none, false);
}
NT_API void* thunk_ExAllocatePoolWithTag(nt::ULONG type, nt::SIZE_T bytes, nt::ULONG tag) {
    return legacy(VERIFIED_CALLER(), type, bytes, tag, false);
}
NT_API void* thunk_ExAllocatePoolWithQuota(nt::ULONG type, nt::SIZE_T bytes) {
    return legacy(VERIFIED_CALLER(), type, bytes, ex::pool::tag_none, true);
}
NT_API void* thunk_ExAllocatePoolWithQuotaTag(nt::ULONG type, nt::SIZE_T bytes, nt::ULONG tag) {
    return legacy(VERIFIED_CALLER(), type, bytes, tag, true);
}
NT_API void* thunk_ExAllocatePoolWithTagPriority(nt::ULONG type, nt::SIZE_T bytes, nt::ULONG tag, nt::ULONG) {
    return legacy(VERIFIED_CALLER(), type, bytes, tag, false);
}
NT_API void* thunk_ExAllocatePool2(nt::POOL_FLAGS flags, nt::SIZE_T bytes, nt::ULONG tag) {
    VerifiedDriver* d = VERIFIED_CALLER();
    return d ? ex::pool::allocate_flags(flags, bytes, tag, nullptr, 0, &vf::allocate, d)
             : ex::pool::allocate_flags(flags, bytes, tag, nullptr, 0);
}
NT_API void* thunk_ExAllocatePool3(nt::POOL_FLAGS flags, nt::SIZE_T bytes, nt::ULONG tag, const nt::POOL_EXTENDED_PARAMETER* params,
                                   nt::ULONG count) {
    VerifiedDriver* d = VERIFIED_CALLER();
    return d ? ex::pool::allocate_flags(flags, bytes, tag, params, count, &vf::allocate, d)
             : ex::pool::allocate_flags(flags, bytes, tag, params, count);
}
void free_as(VerifiedDriver* d, void* block, nt::ULONG tag) {
    if (d) vf::free(block, tag);
    else ex::pool::free(block, tag);
}
NT_API void thunk_ExFreePool(void* block) { free_as(VERIFIED_CALLER(), block, 0); }
NT_API void thunk_ExFreePoolWithTag(void* block, nt::ULONG tag) { free_as(VERIFIED_CALLER(), block, tag); }
NT_API void thunk_ExFreePool2(void* block, nt::ULONG tag, const nt::POOL_EXTENDED_PARAMETER*, nt::ULONG) {
    free_as(VERIFIED_CALLER(), block, tag);
}

// The routines whose checks only Driver Verifier makes (the IRQL and spin lock rules with option
// 0x2, Force IRQL checking; the lookaside list rules for any verified driver): the project's own
// export, run with the Verifier-only checks on for the call (vf::VerifiedCall).
bool irql_checks(VerifiedDriver* d) { return d && (d->options & option::force_irql_checking); }

}  // namespace
}  // namespace vf

// The module's own exports (exports/ke_spin_lock.cpp, exports/ex_lookaside.cpp), by their C names.
extern "C" {
void NT_API ExInitializeNPagedLookasideList(void*, void*, void*, nt::ULONG, nt::SIZE_T, nt::ULONG, nt::USHORT);
void NT_API ExInitializePagedLookasideList(void*, void*, void*, nt::ULONG, nt::SIZE_T, nt::ULONG, nt::USHORT);
void NT_API ExDeleteNPagedLookasideList(void*);
void NT_API ExDeletePagedLookasideList(void*);
nt::NTSTATUS NT_API ExInitializeLookasideListEx(void*, void*, void*, nt::ULONG, nt::ULONG, nt::SIZE_T, nt::ULONG, nt::USHORT);
void NT_API ExDeleteLookasideListEx(void*);
void NT_API KeAcquireSpinLockAtDpcLevel(void*);
void NT_API KeReleaseSpinLockFromDpcLevel(void*);
void NT_FASTCALL KeAcquireInStackQueuedSpinLockAtDpcLevel(void*, void*);
void NT_FASTCALL KeReleaseInStackQueuedSpinLockFromDpcLevel(void*);
#if defined(__i386__)
void NT_FASTCALL KefAcquireSpinLockAtDpcLevel(void*);
void NT_FASTCALL KefReleaseSpinLockFromDpcLevel(void*);
#else
nt::KIRQL NT_API KeAcquireSpinLockRaiseToDpc(void*);
void NT_API KeReleaseSpinLock(void*, nt::KIRQL);
nt::KIRQL NT_API KeRaiseIrqlToDpcLevel();
nt::KIRQL NT_API KfRaiseIrql(nt::KIRQL);
void NT_API KeLowerIrql(nt::KIRQL);
nt::KIRQL NT_API KeAcquireSpinLockRaiseToSynch(void*);
void NT_API KeAcquireInStackQueuedSpinLock(void*, void*);
void NT_API KeAcquireInStackQueuedSpinLockRaiseToSynch(void*, void*);
void NT_API KeReleaseInStackQueuedSpinLock(void*);
#endif
}

namespace vf {
namespace {

#define LOOKASIDE_CALL(call) \
    VerifiedCall scope(VERIFIED_CALLER() != nullptr); \
    return call
#define IRQL_CALL(call) \
    VerifiedCall scope(irql_checks(VERIFIED_CALLER())); \
    return call

NT_API void v_ExInitializeNPagedLookasideList(void* l, void* a, void* f, nt::ULONG fl, nt::SIZE_T sz, nt::ULONG t, nt::USHORT d) {
    LOOKASIDE_CALL(ExInitializeNPagedLookasideList(l, a, f, fl, sz, t, d));
}
NT_API void v_ExInitializePagedLookasideList(void* l, void* a, void* f, nt::ULONG fl, nt::SIZE_T sz, nt::ULONG t, nt::USHORT d) {
    LOOKASIDE_CALL(ExInitializePagedLookasideList(l, a, f, fl, sz, t, d));
}
NT_API void v_ExDeleteNPagedLookasideList(void* l) { LOOKASIDE_CALL(ExDeleteNPagedLookasideList(l)); }
NT_API void v_ExDeletePagedLookasideList(void* l) { LOOKASIDE_CALL(ExDeletePagedLookasideList(l)); }
NT_API nt::NTSTATUS v_ExInitializeLookasideListEx(void* l, void* a, void* f, nt::ULONG pt, nt::ULONG fl, nt::SIZE_T sz,
                                                  nt::ULONG t, nt::USHORT d) {
    LOOKASIDE_CALL(ExInitializeLookasideListEx(l, a, f, pt, fl, sz, t, d));
}
NT_API void v_ExDeleteLookasideListEx(void* l) { LOOKASIDE_CALL(ExDeleteLookasideListEx(l)); }
NT_API void v_KeAcquireSpinLockAtDpcLevel(void* l) { IRQL_CALL(KeAcquireSpinLockAtDpcLevel(l)); }
NT_API void v_KeReleaseSpinLockFromDpcLevel(void* l) { IRQL_CALL(KeReleaseSpinLockFromDpcLevel(l)); }
NT_FASTCALL void v_KeAcquireInStackQueuedSpinLockAtDpcLevel(void* l, void* h) {
    IRQL_CALL(KeAcquireInStackQueuedSpinLockAtDpcLevel(l, h));
}
NT_FASTCALL void v_KeReleaseInStackQueuedSpinLockFromDpcLevel(void* h) { IRQL_CALL(KeReleaseInStackQueuedSpinLockFromDpcLevel(h)); }
#if defined(__i386__)
NT_FASTCALL void v_KefAcquireSpinLockAtDpcLevel(void* l) { IRQL_CALL(KefAcquireSpinLockAtDpcLevel(l)); }
NT_FASTCALL void v_KefReleaseSpinLockFromDpcLevel(void* l) { IRQL_CALL(KefReleaseSpinLockFromDpcLevel(l)); }
#else
NT_API nt::KIRQL v_KeAcquireSpinLockRaiseToDpc(void* l) { IRQL_CALL(KeAcquireSpinLockRaiseToDpc(l)); }
NT_API void v_KeReleaseSpinLock(void* l, nt::KIRQL i) { IRQL_CALL(KeReleaseSpinLock(l, i)); }
NT_API nt::KIRQL v_KeRaiseIrqlToDpcLevel() { IRQL_CALL(KeRaiseIrqlToDpcLevel()); }
NT_API nt::KIRQL v_KfRaiseIrql(nt::KIRQL i) { IRQL_CALL(KfRaiseIrql(i)); }
NT_API void v_KeLowerIrql(nt::KIRQL i) { IRQL_CALL(KeLowerIrql(i)); }
NT_API nt::KIRQL v_KeAcquireSpinLockRaiseToSynch(void* l) { IRQL_CALL(KeAcquireSpinLockRaiseToSynch(l)); }
NT_API void v_KeAcquireInStackQueuedSpinLock(void* l, void* h) { IRQL_CALL(KeAcquireInStackQueuedSpinLock(l, h)); }
NT_API void v_KeAcquireInStackQueuedSpinLockRaiseToSynch(void* l, void* h) {
    IRQL_CALL(KeAcquireInStackQueuedSpinLockRaiseToSynch(l, h));
}
NT_API void v_KeReleaseInStackQueuedSpinLock(void* h) { IRQL_CALL(KeReleaseInStackQueuedSpinLock(h)); }
#endif

struct Thunk {
    const char* name;
    void* to;
};
const Thunk thunks[] = {
    {"ExAllocatePool", reinterpret_cast<void*>(&thunk_ExAllocatePool)},
    {"ExAllocatePoolWithTag", reinterpret_cast<void*>(&thunk_ExAllocatePoolWithTag)},
    {"ExAllocatePoolWithQuota", reinterpret_cast<void*>(&thunk_ExAllocatePoolWithQuota)},
    {"ExAllocatePoolWithQuotaTag", reinterpret_cast<void*>(&thunk_ExAllocatePoolWithQuotaTag)},
    {"ExAllocatePoolWithTagPriority", reinterpret_cast<void*>(&thunk_ExAllocatePoolWithTagPriority)},
    {"ExAllocatePool2", reinterpret_cast<void*>(&thunk_ExAllocatePool2)},
    {"ExAllocatePool3", reinterpret_cast<void*>(&thunk_ExAllocatePool3)},
    {"ExFreePool", reinterpret_cast<void*>(&thunk_ExFreePool)},
    {"ExFreePoolWithTag", reinterpret_cast<void*>(&thunk_ExFreePoolWithTag)},
    {"ExFreePool2", reinterpret_cast<void*>(&thunk_ExFreePool2)},
#define SCOPED(name) {#name, reinterpret_cast<void*>(&v_##name)}
    SCOPED(ExInitializeNPagedLookasideList), SCOPED(ExInitializePagedLookasideList), SCOPED(ExDeleteNPagedLookasideList),
    SCOPED(ExDeletePagedLookasideList), SCOPED(ExInitializeLookasideListEx), SCOPED(ExDeleteLookasideListEx),
    SCOPED(KeAcquireSpinLockAtDpcLevel), SCOPED(KeReleaseSpinLockFromDpcLevel),
    SCOPED(KeAcquireInStackQueuedSpinLockAtDpcLevel), SCOPED(KeReleaseInStackQueuedSpinLockFromDpcLevel),
#if defined(__i386__)
    SCOPED(KefAcquireSpinLockAtDpcLevel), SCOPED(KefReleaseSpinLockFromDpcLevel),
#else
    SCOPED(KeAcquireSpinLockRaiseToDpc), SCOPED(KeReleaseSpinLock), SCOPED(KeRaiseIrqlToDpcLevel), SCOPED(KfRaiseIrql),
    SCOPED(KeLowerIrql), SCOPED(KeAcquireSpinLockRaiseToSynch), SCOPED(KeAcquireInStackQueuedSpinLock),
    SCOPED(KeAcquireInStackQueuedSpinLockRaiseToSynch), SCOPED(KeReleaseInStackQueuedSpinLock),
#endif
#undef SCOPED
};

void say(const VerifiedDriver& d, const char* what, std::uint32_t bits) {
    char line[512];
    int n = 0;
    auto put = [&](const char* s) {
        while (*s && n < 500) line[n++] = *s++;
    };
    put("ntoskrnl.exe: Driver Verifier: ");
    for (int i = 0; i < d.name.Length / 2 && n < 200; ++i) line[n++] = static_cast<char>(d.name_buffer[i]);
    put(what);
    bool first = true;
    for (std::uint32_t bit = 1; bit; bit <<= 1) {
        if (!(bits & bit)) continue;
        put(first ? " " : ", ");
        first = false;
        const char* name = option_name(bit);
        if (name) put(name);
        else put("an undefined option");
    }
    put("\n");
    platform::write_stderr(std::string_view(line, n));
}

void on_image(const platform::ImageEvent& event) {
    if (!platform::is_driver_image(event.base_name)) return;
    if (!event.loaded) {
        detach(driver_at(event.base));   // the leak check (0xC4 / 0x62)
        return;
    }
    const Settings settings = read_registry_settings();
    if (!applies(settings, event.base_name)) return;
    VerifiedDriver* d = attach(event.base_name, event.base, event.size, settings.level & option::supported);
    if (!d) {
        platform::write_stderr("ntoskrnl.exe: Driver Verifier: more than 32 verified drivers; this one is not verified\n");
        return;
    }
    say(*d, " is verified with:", d->options);
    // The options Windows has and the module does not emulate are said, not silently dropped.
    if (const std::uint32_t unsupported = settings.level & ~option::supported)
        say(*d, ": not supported here, so not applied:", unsupported);
    for (const Thunk& t : thunks) {
        void* previous = nullptr;
        platform::rebind_import(static_cast<HMODULE>(event.base), "ntoskrnl.exe", t.name, t.to, &previous);
    }
}

}  // namespace

void install_driver_verifier() {
    if (!platform::add_image_observer(&on_image))
        platform::write_stderr("ntoskrnl.exe: warning: cannot watch driver loads; Driver Verifier settings are not applied\n");
}

}  // namespace vf
