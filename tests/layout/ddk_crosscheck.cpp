// Compile-time cross-check of include/nt/layouts.h and include/nt/pool.h against the mingw-w64 DDK
// (<ddk/ntddk.h>): every size, alignment, field offset and constant value the DDK also defines must
// agree, on whichever of i686 / x86_64 this is compiled for. Compiling the file is the test; it
// produces no code. The numbers themselves are windows-behavior.md section 4 (and 3.2, 3.5 for
// the constants); nt/*.h pins them independently, this file guards against misreading either.
//
// Build (cross compilers only): the DDK's headers include each other as <wdm.h>, <mce.h>, ..., so
// the DDK directory must be on the include path, e.g.
//   i686-w64-mingw32-g++-win32 -std=c++20 -c -I include
//       -idirafter /usr/share/mingw-w64/include/ddk tests/layout/ddk_crosscheck.cpp

#if !defined(_WIN32)
#error "ddk_crosscheck.cpp needs a MinGW-w64 cross compiler (it includes <ddk/ntddk.h>)"
#endif

#include <cstddef>
#include <cstdint>
#include <type_traits>

// Our headers first: several Windows names we define as constants (PROTECTED_POOL, PAGE_SIZE,
// LOOKASIDE_MINIMUM_BLOCK_SIZE, TRUE, ...) and, on x86, SLIST_ENTRY are macros in the DDK.
#include "nt/layouts.h"
#include "nt/data_layouts.h"
#include "nt/driver.h"
#include "nt/pool.h"

// Snapshot of our values whose names the DDK turns into macros (hence the my_ prefix, which the
// macros cannot reach); compared after the DDK is in.
namespace mine {
inline constexpr auto my_IO_TYPE_DRIVER = nt::IO_TYPE_DRIVER;
inline constexpr auto my_IRP_MJ_MAXIMUM_FUNCTION = nt::IRP_MJ_MAXIMUM_FUNCTION;
inline constexpr auto my_POOL_QUOTA_FAIL_INSTEAD_OF_RAISE = nt::POOL_QUOTA_FAIL_INSTEAD_OF_RAISE;
inline constexpr auto my_POOL_RAISE_IF_ALLOCATION_FAILURE = nt::POOL_RAISE_IF_ALLOCATION_FAILURE;
inline constexpr auto my_POOL_COLD_ALLOCATION = nt::POOL_COLD_ALLOCATION;
inline constexpr auto my_POOL_NX_ALLOCATION = nt::POOL_NX_ALLOCATION;
inline constexpr auto my_PROTECTED_POOL = nt::PROTECTED_POOL;
inline constexpr auto my_LOOKASIDE_MINIMUM_BLOCK_SIZE = nt::LOOKASIDE_MINIMUM_BLOCK_SIZE;
inline constexpr auto my_EX_LOOKASIDE_LIST_EX_FLAGS_RAISE_ON_FAIL =
    nt::EX_LOOKASIDE_LIST_EX_FLAGS_RAISE_ON_FAIL;
inline constexpr auto my_EX_LOOKASIDE_LIST_EX_FLAGS_FAIL_NO_RAISE =
    nt::EX_LOOKASIDE_LIST_EX_FLAGS_FAIL_NO_RAISE;
inline constexpr auto my_EX_MAXIMUM_LOOKASIDE_DEPTH_BASE = nt::EX_MAXIMUM_LOOKASIDE_DEPTH_BASE;
inline constexpr auto my_EX_MAXIMUM_LOOKASIDE_DEPTH_LIMIT = nt::EX_MAXIMUM_LOOKASIDE_DEPTH_LIMIT;
inline constexpr auto my_PAGE_SIZE = nt::PAGE_SIZE;
inline constexpr auto my_PAGE_SHIFT = nt::PAGE_SHIFT;
inline constexpr auto my_POOL_FLAG_USE_QUOTA = nt::POOL_FLAG_USE_QUOTA;
inline constexpr auto my_POOL_FLAG_NON_PAGED = nt::POOL_FLAG_NON_PAGED;
inline constexpr auto my_POOL_FLAG_PAGED = nt::POOL_FLAG_PAGED;
}  // namespace mine

#if !__has_include(<wdm.h>)
#error "put the mingw-w64 DDK directory on the include path: -idirafter <mingw>/include/ddk"
#endif

// mingw-w64's wdm.h defines InterlockedBitTestAndSet/Reset as static inline functions after
// <intrin.h> has already defined them; C accepts that, C++ rejects the redefinition. Telling
// intrin-impl.h that they are taken keeps only wdm.h's copies.
#define __INTRINSIC_DEFINED_InterlockedBitTestAndSet
#define __INTRINSIC_DEFINED_InterlockedBitTestAndReset
#include <ddk/ntddk.h>
#include <ddk/ntifs.h>

namespace {

// Enumerators of different enums (and macros) compare by value without -Wenum-compare noise.
template <class A, class B>
constexpr bool same_value(A a, B b) {
  return static_cast<long long>(a) == static_cast<long long>(b);
}

}  // namespace

#define SAME_SHAPE(T)                                                              \
  static_assert(sizeof(nt::T) == sizeof(::T), "sizeof " #T);                       \
  static_assert(alignof(nt::T) == alignof(::T), "alignof " #T)
#define SAME_OFFSET(T, f) static_assert(offsetof(nt::T, f) == offsetof(::T, f), #T "." #f)
#define SAME_VALUE(a, b) static_assert(same_value(a, b), #a " == " #b)

// --- windows-behavior.md 4.1: small types ---------------------------------------------------
static_assert(sizeof(nt::KSPIN_LOCK) == sizeof(::KSPIN_LOCK));
static_assert(alignof(nt::KSPIN_LOCK) == alignof(::KSPIN_LOCK));

SAME_SHAPE(SINGLE_LIST_ENTRY);
SAME_OFFSET(SINGLE_LIST_ENTRY, Next);

SAME_SHAPE(LIST_ENTRY);
SAME_OFFSET(LIST_ENTRY, Flink);
SAME_OFFSET(LIST_ENTRY, Blink);

SAME_SHAPE(LARGE_INTEGER);
SAME_OFFSET(LARGE_INTEGER, u.LowPart);
SAME_OFFSET(LARGE_INTEGER, u.HighPart);
SAME_OFFSET(LARGE_INTEGER, QuadPart);

SAME_SHAPE(SLIST_ENTRY);
SAME_OFFSET(SLIST_ENTRY, Next);

SAME_SHAPE(FAST_MUTEX);

// --- 4.2: SLIST_HEADER ------------------------------------------------------------------------
SAME_SHAPE(SLIST_HEADER);
SAME_OFFSET(SLIST_HEADER, Alignment);
#if NT_LAYOUT_64
SAME_OFFSET(SLIST_HEADER, Region);

// Our HeaderX64 encode helpers must put the bits where the DDK's bit-field view expects them.
namespace {
struct two_qwords {
  ULONGLONG q0, q1;
};
constexpr bool header_x64_matches() {
  using header_x64 = decltype(::SLIST_HEADER::HeaderX64);
  header_x64 h{};
  h.Depth = 0x1234;
  h.Sequence = 0xABCDEF012345ull;
  h.HeaderType = 0;
  h.Reserved = 0;
  h.NextEntry = 0xFFFFF80012345670ull >> 4;
  const auto q = __builtin_bit_cast(two_qwords, h);
  return q.q0 == nt::slist::make_alignment(0x1234, 0xABCDEF012345ull) &&
         q.q1 == nt::slist::make_region(0xFFFFF80012345670ull);
}
static_assert(sizeof(decltype(::SLIST_HEADER::HeaderX64)) == 16);
static_assert(header_x64_matches(), "SLIST_HEADER HeaderX64 bit layout");
}  // namespace
#else
SAME_OFFSET(SLIST_HEADER, Next);
SAME_OFFSET(SLIST_HEADER, Depth);
SAME_OFFSET(SLIST_HEADER, Sequence);
#endif

// --- 4.3: GENERAL_LOOKASIDE / GENERAL_LOOKASIDE_POOL / LOOKASIDE_LIST_EX ----------------------
#define SAME_LOOKASIDE_FIELDS(T)      \
  SAME_SHAPE(T);                      \
  SAME_OFFSET(T, ListHead);           \
  SAME_OFFSET(T, SingleListHead);     \
  SAME_OFFSET(T, Depth);              \
  SAME_OFFSET(T, MaximumDepth);       \
  SAME_OFFSET(T, TotalAllocates);     \
  SAME_OFFSET(T, AllocateMisses);     \
  SAME_OFFSET(T, AllocateHits);       \
  SAME_OFFSET(T, TotalFrees);         \
  SAME_OFFSET(T, FreeMisses);         \
  SAME_OFFSET(T, FreeHits);           \
  SAME_OFFSET(T, Type);               \
  SAME_OFFSET(T, Tag);                \
  SAME_OFFSET(T, Size);               \
  SAME_OFFSET(T, AllocateEx);         \
  SAME_OFFSET(T, Allocate);           \
  SAME_OFFSET(T, FreeEx);             \
  SAME_OFFSET(T, Free);               \
  SAME_OFFSET(T, ListEntry);          \
  SAME_OFFSET(T, LastTotalAllocates); \
  SAME_OFFSET(T, LastAllocateMisses); \
  SAME_OFFSET(T, LastAllocateHits);   \
  SAME_OFFSET(T, Future);             \
  static_assert(sizeof(nt::T::Future) == sizeof(::T::Future))

SAME_LOOKASIDE_FIELDS(GENERAL_LOOKASIDE);
SAME_LOOKASIDE_FIELDS(GENERAL_LOOKASIDE_POOL);

static_assert(sizeof(nt::GENERAL_LOOKASIDE::ListHead) == sizeof(::GENERAL_LOOKASIDE::ListHead));
static_assert(sizeof(nt::GENERAL_LOOKASIDE::SingleListHead) ==
              sizeof(::GENERAL_LOOKASIDE::SingleListHead));
static_assert(sizeof(nt::GENERAL_LOOKASIDE::Type) == sizeof(::GENERAL_LOOKASIDE::Type));
static_assert(sizeof(nt::GENERAL_LOOKASIDE::ListEntry) == sizeof(::GENERAL_LOOKASIDE::ListEntry));

SAME_SHAPE(LOOKASIDE_LIST_EX);
SAME_OFFSET(LOOKASIDE_LIST_EX, L);

// Callback types: with no POOL_TYPE or LOOKASIDE_LIST_EX in the signature the types must be
// identical, which also proves NT_API is the DDK's NTAPI (stdcall on i386).
static_assert(std::is_same_v<nt::PFREE_FUNCTION, ::PFREE_FUNCTION>);
static_assert(sizeof(nt::PALLOCATE_FUNCTION) == sizeof(::PALLOCATE_FUNCTION));
static_assert(sizeof(nt::PALLOCATE_FUNCTION_EX) == sizeof(::PALLOCATE_FUNCTION_EX));
static_assert(sizeof(nt::PFREE_FUNCTION_EX) == sizeof(::PFREE_FUNCTION_EX));

// --- 4.4: NPAGED_LOOKASIDE_LIST / PAGED_LOOKASIDE_LIST ----------------------------------------
SAME_SHAPE(NPAGED_LOOKASIDE_LIST);
SAME_OFFSET(NPAGED_LOOKASIDE_LIST, L);
SAME_SHAPE(PAGED_LOOKASIDE_LIST);
SAME_OFFSET(PAGED_LOOKASIDE_LIST, L);
#if !NT_LAYOUT_64
SAME_OFFSET(NPAGED_LOOKASIDE_LIST, Lock__ObsoleteButDoNotDelete);
SAME_OFFSET(PAGED_LOOKASIDE_LIST, Lock__ObsoleteButDoNotDelete);
#endif

// --- 4.5: ZONE_HEADER / ZONE_SEGMENT_HEADER ---------------------------------------------------
SAME_SHAPE(ZONE_SEGMENT_HEADER);
SAME_OFFSET(ZONE_SEGMENT_HEADER, SegmentList);
SAME_OFFSET(ZONE_SEGMENT_HEADER, Reserved);
SAME_SHAPE(ZONE_HEADER);
SAME_OFFSET(ZONE_HEADER, FreeList);
SAME_OFFSET(ZONE_HEADER, SegmentList);
SAME_OFFSET(ZONE_HEADER, BlockSize);
SAME_OFFSET(ZONE_HEADER, TotalSegmentSize);

// --- 3.2 / 4.7: POOL_TYPE, flag bits, priorities, MM_SYSTEMSIZE --------------------------------
static_assert(sizeof(nt::POOL_TYPE) == sizeof(::POOL_TYPE));
SAME_VALUE(nt::NonPagedPool, ::NonPagedPool);
SAME_VALUE(nt::NonPagedPoolExecute, ::NonPagedPoolExecute);
SAME_VALUE(nt::PagedPool, ::PagedPool);
SAME_VALUE(nt::NonPagedPoolMustSucceed, ::NonPagedPoolMustSucceed);
SAME_VALUE(nt::DontUseThisType, ::DontUseThisType);
SAME_VALUE(nt::NonPagedPoolCacheAligned, ::NonPagedPoolCacheAligned);
SAME_VALUE(nt::PagedPoolCacheAligned, ::PagedPoolCacheAligned);
SAME_VALUE(nt::NonPagedPoolCacheAlignedMustS, ::NonPagedPoolCacheAlignedMustS);
SAME_VALUE(nt::MaxPoolType, ::MaxPoolType);
SAME_VALUE(nt::NonPagedPoolBase, ::NonPagedPoolBase);
SAME_VALUE(nt::NonPagedPoolBaseMustSucceed, ::NonPagedPoolBaseMustSucceed);
SAME_VALUE(nt::NonPagedPoolBaseCacheAligned, ::NonPagedPoolBaseCacheAligned);
SAME_VALUE(nt::NonPagedPoolBaseCacheAlignedMustS, ::NonPagedPoolBaseCacheAlignedMustS);
SAME_VALUE(nt::NonPagedPoolSession, ::NonPagedPoolSession);
SAME_VALUE(nt::PagedPoolSession, ::PagedPoolSession);
SAME_VALUE(nt::NonPagedPoolMustSucceedSession, ::NonPagedPoolMustSucceedSession);
SAME_VALUE(nt::DontUseThisTypeSession, ::DontUseThisTypeSession);
SAME_VALUE(nt::NonPagedPoolCacheAlignedSession, ::NonPagedPoolCacheAlignedSession);
SAME_VALUE(nt::PagedPoolCacheAlignedSession, ::PagedPoolCacheAlignedSession);
SAME_VALUE(nt::NonPagedPoolCacheAlignedMustSSession, ::NonPagedPoolCacheAlignedMustSSession);
SAME_VALUE(nt::NonPagedPoolNx, ::NonPagedPoolNx);
SAME_VALUE(nt::NonPagedPoolNxCacheAligned, ::NonPagedPoolNxCacheAligned);
SAME_VALUE(nt::NonPagedPoolSessionNx, ::NonPagedPoolSessionNx);

SAME_VALUE(mine::my_POOL_QUOTA_FAIL_INSTEAD_OF_RAISE, POOL_QUOTA_FAIL_INSTEAD_OF_RAISE);
SAME_VALUE(mine::my_POOL_RAISE_IF_ALLOCATION_FAILURE, POOL_RAISE_IF_ALLOCATION_FAILURE);
SAME_VALUE(mine::my_POOL_COLD_ALLOCATION, POOL_COLD_ALLOCATION);
#ifdef POOL_NX_ALLOCATION  // not in mingw-w64 10
SAME_VALUE(mine::my_POOL_NX_ALLOCATION, POOL_NX_ALLOCATION);
#endif
SAME_VALUE(mine::my_PROTECTED_POOL, PROTECTED_POOL);
#ifdef POOL_FLAG_USE_QUOTA  // POOL_FLAGS are not in mingw-w64 10
SAME_VALUE(mine::my_POOL_FLAG_USE_QUOTA, POOL_FLAG_USE_QUOTA);
SAME_VALUE(mine::my_POOL_FLAG_NON_PAGED, POOL_FLAG_NON_PAGED);
SAME_VALUE(mine::my_POOL_FLAG_PAGED, POOL_FLAG_PAGED);
#endif

static_assert(sizeof(nt::EX_POOL_PRIORITY) == sizeof(::EX_POOL_PRIORITY));
SAME_VALUE(nt::LowPoolPriority, ::LowPoolPriority);
SAME_VALUE(nt::LowPoolPrioritySpecialPoolOverrun, ::LowPoolPrioritySpecialPoolOverrun);
SAME_VALUE(nt::LowPoolPrioritySpecialPoolUnderrun, ::LowPoolPrioritySpecialPoolUnderrun);
SAME_VALUE(nt::NormalPoolPriority, ::NormalPoolPriority);
SAME_VALUE(nt::NormalPoolPrioritySpecialPoolOverrun, ::NormalPoolPrioritySpecialPoolOverrun);
SAME_VALUE(nt::NormalPoolPrioritySpecialPoolUnderrun, ::NormalPoolPrioritySpecialPoolUnderrun);
SAME_VALUE(nt::HighPoolPriority, ::HighPoolPriority);
SAME_VALUE(nt::HighPoolPrioritySpecialPoolOverrun, ::HighPoolPrioritySpecialPoolOverrun);
SAME_VALUE(nt::HighPoolPrioritySpecialPoolUnderrun, ::HighPoolPrioritySpecialPoolUnderrun);

static_assert(sizeof(nt::MM_SYSTEMSIZE) == sizeof(::MM_SYSTEMSIZE));
SAME_VALUE(nt::MmSmallSystem, ::MmSmallSystem);
SAME_VALUE(nt::MmMediumSystem, ::MmMediumSystem);
SAME_VALUE(nt::MmLargeSystem, ::MmLargeSystem);

// --- 3.5: lookaside constants; 3.1: page geometry ---------------------------------------------
SAME_VALUE(mine::my_LOOKASIDE_MINIMUM_BLOCK_SIZE, LOOKASIDE_MINIMUM_BLOCK_SIZE);
SAME_VALUE(mine::my_EX_LOOKASIDE_LIST_EX_FLAGS_RAISE_ON_FAIL,
           EX_LOOKASIDE_LIST_EX_FLAGS_RAISE_ON_FAIL);
SAME_VALUE(mine::my_EX_LOOKASIDE_LIST_EX_FLAGS_FAIL_NO_RAISE,
           EX_LOOKASIDE_LIST_EX_FLAGS_FAIL_NO_RAISE);
SAME_VALUE(mine::my_EX_MAXIMUM_LOOKASIDE_DEPTH_BASE, EX_MAXIMUM_LOOKASIDE_DEPTH_BASE);
SAME_VALUE(mine::my_EX_MAXIMUM_LOOKASIDE_DEPTH_LIMIT, EX_MAXIMUM_LOOKASIDE_DEPTH_LIMIT);
SAME_VALUE(mine::my_PAGE_SIZE, PAGE_SIZE);
SAME_VALUE(mine::my_PAGE_SHIFT, PAGE_SHIFT);
// The pool granularity equals the DDK's MEMORY_ALLOCATION_ALIGNMENT (8 / 16).
SAME_VALUE(nt::POOL_BLOCK_SIZE, MEMORY_ALLOCATION_ALIGNMENT);

// --- The driver host's objects (include/nt/driver.h) ------------------------------------------
SAME_SHAPE(UNICODE_STRING);
SAME_OFFSET(UNICODE_STRING, MaximumLength);
SAME_OFFSET(UNICODE_STRING, Buffer);
SAME_OFFSET(DRIVER_EXTENSION, DriverObject);
SAME_OFFSET(DRIVER_EXTENSION, AddDevice);
SAME_OFFSET(DRIVER_EXTENSION, Count);
SAME_OFFSET(DRIVER_EXTENSION, ServiceKeyName);
SAME_SHAPE(DRIVER_OBJECT);
SAME_OFFSET(DRIVER_OBJECT, DeviceObject);
SAME_OFFSET(DRIVER_OBJECT, Flags);
SAME_OFFSET(DRIVER_OBJECT, DriverStart);
SAME_OFFSET(DRIVER_OBJECT, DriverSize);
SAME_OFFSET(DRIVER_OBJECT, DriverSection);
SAME_OFFSET(DRIVER_OBJECT, DriverExtension);
SAME_OFFSET(DRIVER_OBJECT, DriverName);
SAME_OFFSET(DRIVER_OBJECT, HardwareDatabase);
SAME_OFFSET(DRIVER_OBJECT, FastIoDispatch);
SAME_OFFSET(DRIVER_OBJECT, DriverInit);
SAME_OFFSET(DRIVER_OBJECT, DriverStartIo);
SAME_OFFSET(DRIVER_OBJECT, DriverUnload);
SAME_OFFSET(DRIVER_OBJECT, MajorFunction);
SAME_VALUE(mine::my_IO_TYPE_DRIVER, IO_TYPE_DRIVER);
SAME_VALUE(mine::my_IRP_MJ_MAXIMUM_FUNCTION, IRP_MJ_MAXIMUM_FUNCTION);

// --- The data exports' layouts (include/nt/data_layouts.h) -----------------------------------
SAME_SHAPE(LUID);
SAME_SHAPE(ACL);
SAME_OFFSET(ACL, AclSize);
SAME_OFFSET(ACL, AceCount);
SAME_SHAPE(ACE_HEADER);
static_assert(sizeof(nt::SID_N<1>) == sizeof(::SID), "a one-subauthority SID is the DDK's SID");
static_assert(offsetof(nt::ACCESS_ALLOWED_ACE_N<1>, Sid) == offsetof(::ACCESS_ALLOWED_ACE, SidStart));
SAME_VALUE(nt::sid_revision, SID_REVISION);
SAME_VALUE(nt::acl_revision, ACL_REVISION);
SAME_VALUE(nt::access_allowed_ace_type, ACCESS_ALLOWED_ACE_TYPE);
SAME_SHAPE(SE_EXPORTS);
SAME_OFFSET(SE_EXPORTS, SeCreateTokenPrivilege);
SAME_OFFSET(SE_EXPORTS, SeAssignPrimaryTokenPrivilege);
SAME_OFFSET(SE_EXPORTS, SeLockMemoryPrivilege);
SAME_OFFSET(SE_EXPORTS, SeIncreaseQuotaPrivilege);
SAME_OFFSET(SE_EXPORTS, SeUnsolicitedInputPrivilege);
SAME_OFFSET(SE_EXPORTS, SeTcbPrivilege);
SAME_OFFSET(SE_EXPORTS, SeSecurityPrivilege);
SAME_OFFSET(SE_EXPORTS, SeTakeOwnershipPrivilege);
SAME_OFFSET(SE_EXPORTS, SeLoadDriverPrivilege);
SAME_OFFSET(SE_EXPORTS, SeCreatePagefilePrivilege);
SAME_OFFSET(SE_EXPORTS, SeIncreaseBasePriorityPrivilege);
SAME_OFFSET(SE_EXPORTS, SeSystemProfilePrivilege);
SAME_OFFSET(SE_EXPORTS, SeSystemtimePrivilege);
SAME_OFFSET(SE_EXPORTS, SeProfileSingleProcessPrivilege);
SAME_OFFSET(SE_EXPORTS, SeCreatePermanentPrivilege);
SAME_OFFSET(SE_EXPORTS, SeBackupPrivilege);
SAME_OFFSET(SE_EXPORTS, SeRestorePrivilege);
SAME_OFFSET(SE_EXPORTS, SeShutdownPrivilege);
SAME_OFFSET(SE_EXPORTS, SeDebugPrivilege);
SAME_OFFSET(SE_EXPORTS, SeAuditPrivilege);
SAME_OFFSET(SE_EXPORTS, SeSystemEnvironmentPrivilege);
SAME_OFFSET(SE_EXPORTS, SeChangeNotifyPrivilege);
SAME_OFFSET(SE_EXPORTS, SeRemoteShutdownPrivilege);
SAME_OFFSET(SE_EXPORTS, SeNullSid);
SAME_OFFSET(SE_EXPORTS, SeWorldSid);
SAME_OFFSET(SE_EXPORTS, SeLocalSid);
SAME_OFFSET(SE_EXPORTS, SeCreatorOwnerSid);
SAME_OFFSET(SE_EXPORTS, SeCreatorGroupSid);
SAME_OFFSET(SE_EXPORTS, SeNtAuthoritySid);
SAME_OFFSET(SE_EXPORTS, SeDialupSid);
SAME_OFFSET(SE_EXPORTS, SeNetworkSid);
SAME_OFFSET(SE_EXPORTS, SeBatchSid);
SAME_OFFSET(SE_EXPORTS, SeInteractiveSid);
SAME_OFFSET(SE_EXPORTS, SeLocalSystemSid);
SAME_OFFSET(SE_EXPORTS, SeAliasAdminsSid);
SAME_OFFSET(SE_EXPORTS, SeAliasUsersSid);
SAME_OFFSET(SE_EXPORTS, SeAliasGuestsSid);
SAME_OFFSET(SE_EXPORTS, SeAliasPowerUsersSid);
SAME_OFFSET(SE_EXPORTS, SeAliasAccountOpsSid);
SAME_OFFSET(SE_EXPORTS, SeAliasSystemOpsSid);
SAME_OFFSET(SE_EXPORTS, SeAliasPrintOpsSid);
SAME_OFFSET(SE_EXPORTS, SeAliasBackupOpsSid);
SAME_OFFSET(SE_EXPORTS, SeAuthenticatedUsersSid);
SAME_OFFSET(SE_EXPORTS, SeRestrictedSid);
SAME_OFFSET(SE_EXPORTS, SeAnonymousLogonSid);
SAME_OFFSET(SE_EXPORTS, SeUndockPrivilege);
SAME_OFFSET(SE_EXPORTS, SeSyncAgentPrivilege);
SAME_OFFSET(SE_EXPORTS, SeEnableDelegationPrivilege);
SAME_OFFSET(SE_EXPORTS, SeLocalServiceSid);
SAME_OFFSET(SE_EXPORTS, SeNetworkServiceSid);
SAME_OFFSET(SE_EXPORTS, SeManageVolumePrivilege);
SAME_OFFSET(SE_EXPORTS, SeImpersonatePrivilege);
SAME_OFFSET(SE_EXPORTS, SeCreateGlobalPrivilege);
SAME_OFFSET(SE_EXPORTS, SeTrustedCredManAccessPrivilege);
SAME_OFFSET(SE_EXPORTS, SeRelabelPrivilege);
SAME_OFFSET(SE_EXPORTS, SeIncreaseWorkingSetPrivilege);
SAME_OFFSET(SE_EXPORTS, SeTimeZonePrivilege);
SAME_OFFSET(SE_EXPORTS, SeCreateSymbolicLinkPrivilege);
SAME_OFFSET(SE_EXPORTS, SeIUserSid);
SAME_OFFSET(SE_EXPORTS, SeUntrustedMandatorySid);
SAME_OFFSET(SE_EXPORTS, SeLowMandatorySid);
SAME_OFFSET(SE_EXPORTS, SeMediumMandatorySid);
SAME_OFFSET(SE_EXPORTS, SeHighMandatorySid);
SAME_OFFSET(SE_EXPORTS, SeSystemMandatorySid);
SAME_OFFSET(SE_EXPORTS, SeOwnerRightsSid);
// ntddk.h makes most HAL_DISPATCH field names macros (HalQuerySystemInformation -> HALDISPATCH->...).
#undef HalDispatchTableVersion
#undef HalQuerySystemInformation
#undef HalSetSystemInformation
#undef HalQueryBusSlots
#undef HalReferenceHandlerForBus
#undef HalReferenceBusHandler
#undef HalDereferenceBusHandler
#undef HalInitPnpDriver
#undef HalInitPowerManagement
#undef HalGetDmaAdapter
#undef HalGetInterruptTranslator
#undef HalStartMirroring
#undef HalEndMirroring
#undef HalMirrorPhysicalMemory
#undef HalEndOfBoot
#undef HalMirrorVerify
#undef HalGetCachedAcpiTable
#undef HalSetPciErrorHandlerCallback
#undef HalGetErrorCapList
#undef HalInjectError
static_assert(sizeof(nt::HAL_DISPATCH) == sizeof(::HAL_DISPATCH), "sizeof HAL_DISPATCH");
static_assert(alignof(nt::HAL_DISPATCH) == alignof(::HAL_DISPATCH), "alignof HAL_DISPATCH");
SAME_OFFSET(HAL_DISPATCH, Version);
SAME_OFFSET(HAL_DISPATCH, HalQuerySystemInformation);
SAME_OFFSET(HAL_DISPATCH, HalSetSystemInformation);
SAME_OFFSET(HAL_DISPATCH, HalQueryBusSlots);
SAME_OFFSET(HAL_DISPATCH, Spare1);
SAME_OFFSET(HAL_DISPATCH, HalExamineMBR);
SAME_OFFSET(HAL_DISPATCH, HalIoAssignDriveLetters);
SAME_OFFSET(HAL_DISPATCH, HalIoReadPartitionTable);
SAME_OFFSET(HAL_DISPATCH, HalIoSetPartitionInformation);
SAME_OFFSET(HAL_DISPATCH, HalIoWritePartitionTable);
SAME_OFFSET(HAL_DISPATCH, HalReferenceHandlerForBus);
SAME_OFFSET(HAL_DISPATCH, HalReferenceBusHandler);
SAME_OFFSET(HAL_DISPATCH, HalDereferenceBusHandler);
SAME_OFFSET(HAL_DISPATCH, HalInitPnpDriver);
SAME_OFFSET(HAL_DISPATCH, HalInitPowerManagement);
SAME_OFFSET(HAL_DISPATCH, HalGetDmaAdapter);
SAME_OFFSET(HAL_DISPATCH, HalGetInterruptTranslator);
SAME_OFFSET(HAL_DISPATCH, HalStartMirroring);
SAME_OFFSET(HAL_DISPATCH, HalEndMirroring);
SAME_OFFSET(HAL_DISPATCH, HalMirrorPhysicalMemory);
SAME_OFFSET(HAL_DISPATCH, HalEndOfBoot);
SAME_OFFSET(HAL_DISPATCH, HalMirrorVerify);
SAME_OFFSET(HAL_DISPATCH, HalGetCachedAcpiTable);
SAME_OFFSET(HAL_DISPATCH, HalSetPciErrorHandlerCallback);
SAME_VALUE(nt::hal_dispatch_version, HAL_DISPATCH_VERSION);
SAME_VALUE(nt::fsrtl::fat_legal, FSRTL_FAT_LEGAL);
SAME_VALUE(nt::fsrtl::hpfs_legal, FSRTL_HPFS_LEGAL);
SAME_VALUE(nt::fsrtl::ntfs_legal, FSRTL_NTFS_LEGAL);
SAME_VALUE(nt::fsrtl::wild_character, FSRTL_WILD_CHARACTER);
SAME_VALUE(nt::fsrtl::ole_legal, FSRTL_OLE_LEGAL);
