/*
 * Driver half of data_exports.c: reads the module's data exports the way a driver built against
 * the MinGW-w64 DDK does. Where <ddk/ntifs.h> declares a variable, its declaration is used
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

void driver_data_values(struct driver_data_values *v)
{
    v->kd_debugger_not_present = KD_DEBUGGER_NOT_PRESENT;
    v->kd_entered_debugger = KdEnteredDebugger;
    v->mm_64bit_physical = Mm64BitPhysicalAddress;
    v->number_processors = (unsigned char)KeNumberProcessors;
    v->highest_user = (uintptr_t)MM_HIGHEST_USER_ADDRESS;
    v->user_probe = (uintptr_t)MM_USER_PROBE_ADDRESS;
    v->system_range_start = (uintptr_t)MM_SYSTEM_RANGE_START;
    v->nt_global_flag = NtGlobalFlag;
    v->io_read_ops = IoReadOperationCount;
    v->io_write_ops = IoWriteOperationCount;
    v->io_read_bytes = IoReadTransferCount.QuadPart;
    v->io_write_bytes = IoWriteTransferCount.QuadPart;
    v->io_statistics_lock = IoStatisticsLock;
    v->cc_fast_mdl_read_wait = CcFastMdlReadWait;
    v->cc_fast_read_not_possible = CcFastReadNotPossible;
    v->cc_fast_read_wait = CcFastReadWait;
    v->io_device_handler_object_size = IoDeviceHandlerObjectSize;
#ifndef _WIN64
    v->i386_machine_type = KeI386MachineType;
#else
    v->i386_machine_type = 0;
#endif
    v->loader_block = KeLoaderBlock;
    v->oem_code_page = NlsOemCodePage;
    v->oem_lead_bytes = NLS_OEM_LEAD_BYTE_INFO;
    v->ansi_lead_bytes = NlsLeadByteInfo;
    v->object_types[0] = PsJobType;
    v->object_types[1] = MmSectionObjectType;
    v->object_types[2] = LpcPortObjectType;
    v->object_types[3] = IoAdapterObjectType;
    v->object_types[4] = IoDeviceHandlerObjectType;
    v->object_types[5] = ExDesktopObjectType;
    v->object_types[6] = ExWindowStationObjectType;
    v->legal_ansi = FsRtlLegalAnsiCharacterArray;
    v->fat_legal_A = FsRtlIsAnsiCharacterLegalFat('A', FALSE) != 0;
    v->fat_legal_plus = FsRtlIsAnsiCharacterLegalFat('+', FALSE) != 0;
    v->ntfs_legal_plus = FsRtlIsAnsiCharacterLegalNtfs('+', FALSE) != 0;
    v->ntfs_legal_colon = FsRtlIsAnsiCharacterLegalNtfs(':', TRUE) != 0;
    v->wild_star = FsRtlIsAnsiCharacterWild('*') != 0;
    v->wild_dos_star = FsRtlIsAnsiCharacterWild(DOS_STAR) != 0;
    v->stream_legal_ctrl = FsRtlIsAnsiCharacterLegalNtfsStream(5, FALSE) != 0;
    v->ntfs_legal_ctrl = FsRtlIsAnsiCharacterLegalNtfs(5, FALSE) != 0;
    v->hal_version = HALDISPATCH->Version;
    v->hal_private_version = HalPrivateDispatchTable.Version;
    /* ntddk.h makes the field name a macro (HalQuerySystemInformation -> HALDISPATCH->...): read
     * the first pointer after Version, at offset 4 / 8 (include/nt/data_layouts.h pins it). */
    v->hal_query_system_information = *(void *const *)((const char *)HALDISPATCH + sizeof(void *));
    v->se_exports = SeExports;
    v->public_dacl = SePublicDefaultDacl;
    v->system_dacl = SeSystemDefaultDacl;
    v->bug_check_data = (const uintptr_t *)KiBugCheckData;
}

static int same_luid(LUID a, ULONG value) { return a.LowPart == value && a.HighPart == 0; }

/* S-1-<authority>-<rids...> with the DDK's SID and RtlValidSid-style shape checks. */
static int is_sid(PSID p, UCHAR authority, UCHAR count, ULONG rid0, ULONG rid1)
{
    SID *sid = (SID *)p;
    if (!sid || sid->Revision != SID_REVISION || sid->SubAuthorityCount != count) return 0;
    if (sid->IdentifierAuthority.Value[5] != authority) return 0;
    if (count > 0 && sid->SubAuthority[0] != rid0) return 0;
    if (count > 1 && sid->SubAuthority[1] != rid1) return 0;
    return 1;
}

int driver_check_se_exports(void)
{
    PSE_EXPORTS e = SeExports;
    if (!e) return 1;
    if (!same_luid(e->SeCreateTokenPrivilege, SE_CREATE_TOKEN_PRIVILEGE)) return 2;
    if (!same_luid(e->SeUnsolicitedInputPrivilege, SE_UNSOLICITED_INPUT_PRIVILEGE)) return 3;
    if (!same_luid(e->SeLoadDriverPrivilege, SE_LOAD_DRIVER_PRIVILEGE)) return 4;
    if (!same_luid(e->SeCreatePagefilePrivilege, SE_CREATE_PAGEFILE_PRIVILEGE)) return 5;
    if (!same_luid(e->SeIncreaseBasePriorityPrivilege, SE_INC_BASE_PRIORITY_PRIVILEGE)) return 6;
    if (!same_luid(e->SeTcbPrivilege, SE_TCB_PRIVILEGE)) return 7;
    if (!same_luid(e->SeChangeNotifyPrivilege, SE_CHANGE_NOTIFY_PRIVILEGE)) return 8;
    if (!same_luid(e->SeRemoteShutdownPrivilege, SE_REMOTE_SHUTDOWN_PRIVILEGE)) return 9;
    if (!same_luid(e->SeUndockPrivilege, SE_UNDOCK_PRIVILEGE)) return 10;
    if (!same_luid(e->SeEnableDelegationPrivilege, SE_ENABLE_DELEGATION_PRIVILEGE)) return 11;
    if (!same_luid(e->SeManageVolumePrivilege, SE_MANAGE_VOLUME_PRIVILEGE)) return 12;
    if (!same_luid(e->SeImpersonatePrivilege, SE_IMPERSONATE_PRIVILEGE)) return 13;
    if (!same_luid(e->SeCreateSymbolicLinkPrivilege, SE_CREATE_SYMBOLIC_LINK_PRIVILEGE)) return 14;
    if (!is_sid(e->SeNullSid, 0, 1, 0, 0)) return 20;
    if (!is_sid(e->SeWorldSid, 1, 1, 0, 0)) return 21;
    if (!is_sid(e->SeLocalSid, 2, 1, 0, 0)) return 22;
    if (!is_sid(e->SeCreatorOwnerSid, 3, 1, 0, 0)) return 23;
    if (!is_sid(e->SeCreatorGroupSid, 3, 1, 1, 0)) return 24;
    if (!is_sid(e->SeNtAuthoritySid, 5, 0, 0, 0)) return 25;
    if (!is_sid(e->SeInteractiveSid, 5, 1, SECURITY_INTERACTIVE_RID, 0)) return 26;
    if (!is_sid(e->SeLocalSystemSid, 5, 1, SECURITY_LOCAL_SYSTEM_RID, 0)) return 27;
    if (!is_sid(e->SeAliasAdminsSid, 5, 2, SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_ADMINS)) return 28;
    if (!is_sid(e->SeAliasBackupOpsSid, 5, 2, SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_BACKUP_OPS)) return 29;
    if (!is_sid(e->SeAuthenticatedUsersSid, 5, 1, SECURITY_AUTHENTICATED_USER_RID, 0)) return 30;
    if (!is_sid(e->SeRestrictedSid, 5, 1, SECURITY_RESTRICTED_CODE_RID, 0)) return 31;
    if (!is_sid(e->SeAnonymousLogonSid, 5, 1, SECURITY_ANONYMOUS_LOGON_RID, 0)) return 32;
    if (!is_sid(e->SeLocalServiceSid, 5, 1, SECURITY_LOCAL_SERVICE_RID, 0)) return 33;
    if (!is_sid(e->SeNetworkServiceSid, 5, 1, SECURITY_NETWORK_SERVICE_RID, 0)) return 34;
    if (!is_sid(e->SeIUserSid, 5, 1, SECURITY_IUSER_RID, 0)) return 35;
    if (!is_sid(e->SeUntrustedMandatorySid, 16, 1, SECURITY_MANDATORY_UNTRUSTED_RID, 0)) return 36;
    if (!is_sid(e->SeMediumMandatorySid, 16, 1, SECURITY_MANDATORY_MEDIUM_RID, 0)) return 37;
    if (!is_sid(e->SeSystemMandatorySid, 16, 1, SECURITY_MANDATORY_SYSTEM_RID, 0)) return 38;
    if (!is_sid(e->SeOwnerRightsSid, 3, 1, SECURITY_CREATOR_OWNER_RIGHTS_RID, 0)) return 39;
    return 0;
}

void driver_call_hal_query(void)
{
    ULONG needed = 0;
    HalQuerySystemInformation(HalInstalledBusInformation, 0, NULL, &needed);   /* ntddk.h: HALDISPATCH->... */
}
