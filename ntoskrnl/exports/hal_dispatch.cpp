// Hal dispatch tables the kernel exports as data.
//
// HalDispatchTable (ntddk.h "extern NTKERNELAPI HAL_DISPATCH HalDispatchTable"; the export is the
// structure itself, the DDK's HALDISPATCH macro takes its address): Version HAL_DISPATCH_VERSION
// (3, ntddk.h) and one routine per entry. The module implements none of the HAL's routines behind
// it (partition tables, bus handlers, DMA adapters, ACPI tables...), so every entry is a routine
// of its own that reports the call the way a Wine stub does (platform::raise_unimplemented:
// EXCEPTION_WINE_STUB with "ntoskrnl.exe" and "HalDispatchTable.<entry>"), which winedevice and the
// driver host report as an unimplemented function. The entries never return, so one
// parameterless prototype serves every entry's calling convention. Spare1 is 0.
//
// HalPrivateDispatchTable: HAL_PRIVATE_DISPATCH is not in the MinGW-w64 DDK (nor documented by
// Microsoft); it starts with a ULONG Version like HAL_DISPATCH, and its entry list and version
// numbers change from one Windows release to the next (Geoff Chappell's study of
// HAL_PRIVATE_DISPATCH lists them). The module cannot claim any release's layout: Version is 0
// (older than every real table, so a driver checking the version uses none of it), followed by 64
// pointer slots that all report "HalPrivateDispatchTable" as unimplemented if called anyway.
#include "exports/abi.h"
#include "nt/data_layouts.h"
#include "platform/platform.h"

namespace {

#define HAL_STUB(entry)                                                                      \
    [[noreturn]] void NT_API hal_##entry() {                                                 \
        platform::raise_unimplemented("ntoskrnl.exe", "HalDispatchTable." #entry);           \
    }
HAL_STUB(HalQuerySystemInformation)
HAL_STUB(HalSetSystemInformation)
HAL_STUB(HalQueryBusSlots)
HAL_STUB(HalExamineMBR)
HAL_STUB(HalIoAssignDriveLetters)
HAL_STUB(HalIoReadPartitionTable)
HAL_STUB(HalIoSetPartitionInformation)
HAL_STUB(HalIoWritePartitionTable)
HAL_STUB(HalReferenceHandlerForBus)
HAL_STUB(HalReferenceBusHandler)
HAL_STUB(HalDereferenceBusHandler)
HAL_STUB(HalInitPnpDriver)
HAL_STUB(HalInitPowerManagement)
HAL_STUB(HalGetDmaAdapter)
HAL_STUB(HalGetInterruptTranslator)
HAL_STUB(HalStartMirroring)
HAL_STUB(HalEndMirroring)
HAL_STUB(HalMirrorPhysicalMemory)
HAL_STUB(HalEndOfBoot)
HAL_STUB(HalMirrorVerify)
HAL_STUB(HalGetCachedAcpiTable)
HAL_STUB(HalSetPciErrorHandlerCallback)
#undef HAL_STUB

[[noreturn]] void NT_API hal_private_entry() {
    platform::raise_unimplemented("ntoskrnl.exe", "HalPrivateDispatchTable");
}

void* fn(void (NT_API* f)()) { return reinterpret_cast<void*>(f); }

struct HalPrivateDispatch {
    nt::ULONG Version;
    void(NT_API* Entries[64])();
};

constexpr HalPrivateDispatch make_private_dispatch() {
    HalPrivateDispatch t{};
    for (auto& e : t.Entries) e = hal_private_entry;
    return t;
}

}  // namespace

extern "C" {
nt::HAL_DISPATCH HalDispatchTable = {
    nt::hal_dispatch_version,
    fn(hal_HalQuerySystemInformation),
    fn(hal_HalSetSystemInformation),
    fn(hal_HalQueryBusSlots),
    0,   // Spare1
    fn(hal_HalExamineMBR),
    fn(hal_HalIoAssignDriveLetters),
    fn(hal_HalIoReadPartitionTable),
    fn(hal_HalIoSetPartitionInformation),
    fn(hal_HalIoWritePartitionTable),
    fn(hal_HalReferenceHandlerForBus),
    fn(hal_HalReferenceBusHandler),
    fn(hal_HalDereferenceBusHandler),
    fn(hal_HalInitPnpDriver),
    fn(hal_HalInitPowerManagement),
    fn(hal_HalGetDmaAdapter),
    fn(hal_HalGetInterruptTranslator),
    fn(hal_HalStartMirroring),
    fn(hal_HalEndMirroring),
    fn(hal_HalMirrorPhysicalMemory),
    fn(hal_HalEndOfBoot),
    fn(hal_HalMirrorVerify),
    fn(hal_HalGetCachedAcpiTable),
    fn(hal_HalSetPciErrorHandlerCallback),
};

HalPrivateDispatch HalPrivateDispatchTable = make_private_dispatch();
}  // extern "C"
