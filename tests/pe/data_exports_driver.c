/*
 * Driver half of data_exports.c: imports the module's data exports the way a driver built against
 * the MinGW-w64 DDK does (the kernel-mode conformance driver's data_exports group reads them). Where <ddk/ntifs.h> declares a variable, its declaration is used
 * (NTKERNELAPI ones through __imp_, the undecorated "extern ULONG X" ones through the linker's
 * auto-import, which also reads the import slot). The rest are not in the MinGW-w64 DDK and are
 * declared below with the types Windows exports them with (see ntoskrnl/exports/data_exports.cpp),
 * dllimport as NTKERNELAPI would.
 */
#include <ddk/ntifs.h>

#include "data_exports_driver.h"

#define IMPORTED __declspec(dllimport)
extern IMPORTED ULONG CcFastReadNotPossible, CcFastReadWait, IoDeviceHandlerObjectSize;
extern IMPORTED BOOLEAN KdEnteredDebugger;
extern IMPORTED PVOID KeLoaderBlock;
extern IMPORTED ULONG_PTR KiBugCheckData[5];
extern IMPORTED PUSHORT NlsLeadByteInfo;
/* wdm.h declares NtGlobalFlag (a ULONG) only for checked builds. */
extern IMPORTED ULONG NtGlobalFlag;
extern IMPORTED USHORT NlsOemCodePage;
/* The WDK's "extern POBJECT_TYPE *PsJobType" names the import slot; the export is the POBJECT_TYPE. */
extern IMPORTED POBJECT_TYPE PsJobType, MmSectionObjectType, LpcPortObjectType, IoAdapterObjectType,
    IoDeviceHandlerObjectType, ExDesktopObjectType, ExWindowStationObjectType;
/* HAL_PRIVATE_DISPATCH: not in the DDK; its first member is the ULONG Version. */
extern IMPORTED struct { ULONG Version; } HalPrivateDispatchTable;
#ifndef _WIN64
extern IMPORTED ULONG KeI386MachineType;
#endif

#define REF(name) {#name, (const void *)&name, sizeof(name)}

unsigned driver_data_exports(struct data_export_ref *refs, unsigned max)
{
    const struct data_export_ref all[] = {
        REF(CcFastMdlReadWait), REF(CcFastReadNotPossible), REF(CcFastReadWait),
        REF(ExDesktopObjectType), REF(ExWindowStationObjectType),
        REF(FsRtlLegalAnsiCharacterArray),
        {"HalDispatchTable", (const void *)HALDISPATCH, sizeof(HAL_DISPATCH)},   /* ntddk.h's macro */
        {"HalPrivateDispatchTable", (const void *)&HalPrivateDispatchTable, sizeof(ULONG)},
        REF(IoAdapterObjectType), REF(IoDeviceHandlerObjectSize), REF(IoDeviceHandlerObjectType),
        REF(IoReadOperationCount), REF(IoReadTransferCount), REF(IoStatisticsLock),
        REF(IoWriteOperationCount), REF(IoWriteTransferCount),
        REF(KdDebuggerNotPresent), REF(KdEnteredDebugger),
#ifndef _WIN64
        REF(KeI386MachineType),
#endif
        REF(KeLoaderBlock), REF(KeNumberProcessors), REF(KiBugCheckData),
        REF(LpcPortObjectType), REF(Mm64BitPhysicalAddress), REF(MmHighestUserAddress),
        REF(MmSectionObjectType), REF(MmSystemRangeStart), REF(MmUserProbeAddress),
        REF(NlsLeadByteInfo), REF(NlsOemCodePage), REF(NlsOemLeadByteInfo), REF(NtGlobalFlag),
        REF(PsJobType), REF(SeExports), REF(SePublicDefaultDacl), REF(SeSystemDefaultDacl),
    };
    unsigned i, n = sizeof(all) / sizeof(all[0]);
    for (i = 0; i < n && i < max; i++) refs[i] = all[i];
    return n;
}

const volatile uintptr_t *driver_bug_check_data(void)
{
    return (const volatile uintptr_t *)KiBugCheckData;
}

void driver_call_hal_query(void)
{
    ULONG needed = 0;
    HalQuerySystemInformation(HalInstalledBusInformation, 0, NULL, &needed);   /* ntddk.h: HALDISPATCH->... */
}
