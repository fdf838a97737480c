// Layouts of the data exports drivers read in place (exports/data_exports.cpp, se_exports.cpp,
// hal_dispatch.cpp): security identifiers and ACLs, SE_EXPORTS (ntifs.h), HAL_DISPATCH (ntddk.h),
// the FsRtl legal-character bits (ntifs.h) and the project's opaque object-type record. Field
// lists from the MinGW-w64 DDK headers; offsets and sizes pinned for i386 and x86_64 below and
// cross-checked against the DDK in tests/layout/ddk_crosscheck.cpp.
#ifndef NT_DATA_LAYOUTS_H
#define NT_DATA_LAYOUTS_H

#include <cstddef>

#include "types.h"

namespace nt {

// LUID (winnt.h / wdm.h): two 32-bit halves, 4-byte aligned.
struct LUID {
  ULONG LowPart;
  LONG HighPart;
};
static_assert(sizeof(LUID) == 8 && alignof(LUID) == 4);

// SID (winnt.h): revision 1, a 6-byte big-endian identifier authority, then N 32-bit
// subauthorities. N is fixed per instance here; SubAuthority[] is the DDK's variable tail.
template <unsigned N>
struct SID_N {
  UCHAR Revision;
  UCHAR SubAuthorityCount;
  UCHAR IdentifierAuthority[6];
  ULONG SubAuthority[N];
};
static_assert(sizeof(SID_N<1>) == 12 && sizeof(SID_N<2>) == 16);
static_assert(offsetof(SID_N<1>, SubAuthority) == 8);
inline constexpr UCHAR sid_revision = 1;   // winnt.h

// ACL and ACCESS_ALLOWED_ACE (winnt.h): an 8-byte header followed by AceCount ACEs; each ACE is
// a 4-byte ACE_HEADER, an ACCESS_MASK and the SID inline.
struct ACL {
  UCHAR AclRevision;
  UCHAR Sbz1;
  USHORT AclSize;
  USHORT AceCount;
  USHORT Sbz2;
};
static_assert(sizeof(ACL) == 8);
struct ACE_HEADER {
  UCHAR AceType;
  UCHAR AceFlags;
  USHORT AceSize;
};
static_assert(sizeof(ACE_HEADER) == 4);
template <unsigned N>
struct ACCESS_ALLOWED_ACE_N {
  ACE_HEADER Header;
  ULONG Mask;
  SID_N<N> Sid;   // the DDK's SidStart is the first ULONG of this
};
static_assert(offsetof(ACCESS_ALLOWED_ACE_N<1>, Sid) == 8);
inline constexpr UCHAR acl_revision = 2;                  // winnt.h
inline constexpr UCHAR access_allowed_ace_type = 0;       // winnt.h

// SE_EXPORTS (ntifs.h, Microsoft's ns-ntifs-_se_exports): LUIDs and PSIDs, in the MinGW-w64
// DDK's order, which ends at SeOwnerRightsSid (later WDKs append fields; see se_exports.cpp).
struct SE_EXPORTS {
  LUID SeCreateTokenPrivilege, SeAssignPrimaryTokenPrivilege, SeLockMemoryPrivilege,
      SeIncreaseQuotaPrivilege, SeUnsolicitedInputPrivilege, SeTcbPrivilege, SeSecurityPrivilege,
      SeTakeOwnershipPrivilege, SeLoadDriverPrivilege, SeCreatePagefilePrivilege,
      SeIncreaseBasePriorityPrivilege, SeSystemProfilePrivilege, SeSystemtimePrivilege,
      SeProfileSingleProcessPrivilege, SeCreatePermanentPrivilege, SeBackupPrivilege,
      SeRestorePrivilege, SeShutdownPrivilege, SeDebugPrivilege, SeAuditPrivilege,
      SeSystemEnvironmentPrivilege, SeChangeNotifyPrivilege, SeRemoteShutdownPrivilege;
  PVOID SeNullSid, SeWorldSid, SeLocalSid, SeCreatorOwnerSid, SeCreatorGroupSid, SeNtAuthoritySid,
      SeDialupSid, SeNetworkSid, SeBatchSid, SeInteractiveSid, SeLocalSystemSid, SeAliasAdminsSid,
      SeAliasUsersSid, SeAliasGuestsSid, SeAliasPowerUsersSid, SeAliasAccountOpsSid,
      SeAliasSystemOpsSid, SeAliasPrintOpsSid, SeAliasBackupOpsSid, SeAuthenticatedUsersSid,
      SeRestrictedSid, SeAnonymousLogonSid;
  LUID SeUndockPrivilege, SeSyncAgentPrivilege, SeEnableDelegationPrivilege;
  PVOID SeLocalServiceSid, SeNetworkServiceSid;
  LUID SeManageVolumePrivilege, SeImpersonatePrivilege, SeCreateGlobalPrivilege,
      SeTrustedCredManAccessPrivilege, SeRelabelPrivilege, SeIncreaseWorkingSetPrivilege,
      SeTimeZonePrivilege, SeCreateSymbolicLinkPrivilege;
  PVOID SeIUserSid, SeUntrustedMandatorySid, SeLowMandatorySid, SeMediumMandatorySid,
      SeHighMandatorySid, SeSystemMandatorySid, SeOwnerRightsSid;
};
// 23 LUIDs (184 bytes, 8-aligned on both) then pointers: x86 packs everything at 4 bytes.
static_assert(offsetof(SE_EXPORTS, SeRemoteShutdownPrivilege) == 176);
static_assert(offsetof(SE_EXPORTS, SeNullSid) == 184);
static_assert(offsetof(SE_EXPORTS, SeAnonymousLogonSid) == (is_64bit ? 184 + 21 * 8 : 184 + 21 * 4));
static_assert(offsetof(SE_EXPORTS, SeUndockPrivilege) == (is_64bit ? 360 : 272));
static_assert(offsetof(SE_EXPORTS, SeLocalServiceSid) == (is_64bit ? 384 : 296));
static_assert(offsetof(SE_EXPORTS, SeManageVolumePrivilege) == (is_64bit ? 400 : 304));
static_assert(offsetof(SE_EXPORTS, SeIUserSid) == (is_64bit ? 464 : 368));
static_assert(offsetof(SE_EXPORTS, SeOwnerRightsSid) == (is_64bit ? 512 : 392));
static_assert(sizeof(SE_EXPORTS) == (is_64bit ? 520 : 396));

// HAL_DISPATCH (ntddk.h): Version, then the HAL's routines; HalQuerySystemInformation is the
// first pointer (offset 4 / 8). Spare1 is a ULONG among the pointers. The entries are typed as
// plain pointers here (the DDK's pHal* typedefs are NTAPI function pointers of the same size).
struct HAL_DISPATCH {
  ULONG Version;
  PVOID HalQuerySystemInformation, HalSetSystemInformation, HalQueryBusSlots;
  ULONG Spare1;
  PVOID HalExamineMBR, HalIoAssignDriveLetters, HalIoReadPartitionTable,
      HalIoSetPartitionInformation, HalIoWritePartitionTable, HalReferenceHandlerForBus,
      HalReferenceBusHandler, HalDereferenceBusHandler, HalInitPnpDriver, HalInitPowerManagement,
      HalGetDmaAdapter, HalGetInterruptTranslator, HalStartMirroring, HalEndMirroring,
      HalMirrorPhysicalMemory, HalEndOfBoot, HalMirrorVerify, HalGetCachedAcpiTable,
      HalSetPciErrorHandlerCallback;
};
inline constexpr ULONG hal_dispatch_version = 3;   // ntddk.h
static_assert(offsetof(HAL_DISPATCH, HalQuerySystemInformation) == (is_64bit ? 8 : 4));
static_assert(offsetof(HAL_DISPATCH, Spare1) == (is_64bit ? 32 : 16));
static_assert(offsetof(HAL_DISPATCH, HalExamineMBR) == (is_64bit ? 40 : 20));
static_assert(offsetof(HAL_DISPATCH, HalSetPciErrorHandlerCallback) == (is_64bit ? 184 : 92));
static_assert(sizeof(HAL_DISPATCH) == (is_64bit ? 192 : 96));

// FsRtlLegalAnsiCharacterArray bits (ntifs.h FSRTL_*; Microsoft's nf-ntifs-fsrtlisansicharacterlegal).
// Spelled in lower case: the DDK defines the upper-case names as macros.
namespace fsrtl {
inline constexpr UCHAR fat_legal = 0x01;
inline constexpr UCHAR hpfs_legal = 0x02;
inline constexpr UCHAR ntfs_legal = 0x04;
inline constexpr UCHAR wild_character = 0x08;
inline constexpr UCHAR ole_legal = 0x10;
}  // namespace fsrtl

// The project's object-type record behind the exported POBJECT_TYPE variables (PsJobType,
// MmSectionObjectType, ...). OBJECT_TYPE is opaque to drivers (wdm.h declares only the pointer
// type): they pass the pointer to Ob routines and compare it, never read it. The record holds
// the type's name first, as a debugging aid, and null pointers after it.
struct OBJECT_TYPE_RECORD {
  const char16_t* Name;
  PVOID Reserved[7];
};
static_assert(sizeof(OBJECT_TYPE_RECORD) == 8 * sizeof(void*));

}  // namespace nt

#endif
