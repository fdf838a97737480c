// Data exports: Cc, Io, Kd, Ke, Mm, Nls, Nt and the object types, and FsRtl's legal-character
// table. Each is an extern "C" variable of the type Windows exports (the spec's "@ extern" entries
// become "Name DATA" in the .def, so the import slot of a driver holds the variable's address).
// SeExports and the default DACLs are in se_exports.cpp, HalDispatchTable and
// HalPrivateDispatchTable in hal_dispatch.cpp, KiBugCheckData in ke/bugcheck.cpp (the bug check
// fills it).
//
// Types: the MinGW-w64 DDK declarations where there is one (wdm.h, ntddk.h, ntifs.h, cited per
// variable); the few the DDK does not declare are marked "not in the DDK" with the reason for the
// type chosen.
#include "exports/data_exports.h"

#include "exports/abi.h"
#include "nt/data_layouts.h"
#include "nt/layouts.h"
#include "platform/platform.h"

using nt::BOOLEAN;
using nt::LARGE_INTEGER;
using nt::ULONG;
using nt::ULONG_PTR;
using nt::USHORT;

extern "C" {

// ---- Cc: fast I/O statistics (ntifs.h "extern ULONG CcFastMdlReadWait"). The two CcFastRead*
// counters are not in the MinGW-w64 DDK; they are the same family of ULONG counters
// (FsRtlIncrementCcFastRead* in ntifs.h count the same events). The module has no cache manager:
// they stay 0.
ULONG CcFastMdlReadWait = 0;
ULONG CcFastReadNotPossible = 0;
ULONG CcFastReadWait = 0;

// ---- Io: I/O statistics (ntifs.h: KSPIN_LOCK IoStatisticsLock; ULONG IoReadOperationCount,
// IoWriteOperationCount; LARGE_INTEGER IoReadTransferCount, IoWriteTransferCount). No I/O has
// been counted; the lock is free (0, as KeInitializeSpinLock leaves it).
nt::KSPIN_LOCK IoStatisticsLock = 0;
ULONG IoReadOperationCount = 0;
ULONG IoWriteOperationCount = 0;
LARGE_INTEGER IoReadTransferCount = {};
LARGE_INTEGER IoWriteTransferCount = {};

// IoDeviceHandlerObjectSize: not in the DDK. Windows' I/O manager creates HAL device handler
// objects of this size; a ULONG byte count. The module creates no such objects, so it reports 0
// (no device handler object exists to be sized).
ULONG IoDeviceHandlerObjectSize = 0;

// ---- Kd: no kernel debugger is attached (wdm.h: BOOLEAN KdDebuggerNotPresent; the WDK's
// non-GCC form "PBOOLEAN KdDebuggerNotPresent" names the import slot, which holds the address of
// this BOOLEAN). KdEnteredDebugger (not in the DDK) is a BOOLEAN of the same family: FALSE, the
// debugger was never entered.
BOOLEAN KdDebuggerNotPresent = 1;
BOOLEAN KdEnteredDebugger = 0;

// ---- Ke ----
// wdm.h: "extern NTSYSAPI volatile CCHAR KeNumberProcessors" (Vista and later). Set at load.
volatile char KeNumberProcessors = 1;
// KeLoaderBlock: not in the DDK; a pointer to the boot loader's LOADER_PARAMETER_BLOCK, which
// Windows frees and clears once boot is over, so any driver loaded later reads NULL.
void* KeLoaderBlock = nullptr;
#if defined(__i386__)
// KeI386MachineType (i386 only): not in the DDK; a ULONG of machine-type flags that the i386
// kernel set for non-standard PC platforms. 0: a standard PC, nothing special.
ULONG KeI386MachineType = 0;
#endif

// ---- Mm ----
// ntddk.h: PVOID MmHighestUserAddress, PVOID MmSystemRangeStart, and MmUserProbeAddress as ULONG
// (x86) / ULONG64 (amd64), i.e. pointer-sized. Defaults are Windows' layout for the architecture
// (x86 without /3GB: user space below 0x7FFF0000, the 64 KB above it a no-access guard, system
// space from 0x80000000; x64: user space up to 0x7FFFFFFEFFFF, probe address 0x7FFFFFFF0000,
// system space from the upper canonical half 0xFFFF800000000000); initialize_data_exports() takes
// the highest user address from the process (GetSystemInfo) and derives the other two from it.
#if defined(__x86_64__)
void* MmHighestUserAddress = reinterpret_cast<void*>(0x7FFFFFFEFFFFull);
ULONG_PTR MmUserProbeAddress = 0x7FFFFFFF0000ull;
void* MmSystemRangeStart = reinterpret_cast<void*>(0xFFFF800000000000ull);
#else
void* MmHighestUserAddress = reinterpret_cast<void*>(0x7FFEFFFFu);
ULONG_PTR MmUserProbeAddress = 0x7FFF0000u;
void* MmSystemRangeStart = reinterpret_cast<void*>(0x80000000u);
#endif
// wdm.h: BOOLEAN Mm64BitPhysicalAddress, TRUE when physical addresses can exceed 32 bits: always
// on x64, and on x86 with PAE, which Windows 8 and later require (Microsoft's "Physical Address
// Extension" page). TRUE on both.
BOOLEAN Mm64BitPhysicalAddress = 1;

// ---- Nls: the code pages (not in the MinGW-w64 DDK except NlsOemLeadByteInfo, ntifs.h
// "extern NTKERNELAPI PUSHORT NlsOemLeadByteInfo"). NlsOemCodePage is a USHORT code page number
// (the kernel's NlsAnsiCodePage, which Wine implements, is the same type). The lead-byte tables
// are what FsRtlIsLeadDbcsCharacter (ntifs.h) indexes: NLS_OEM_LEAD_BYTE_INFO[(UCHAR)c] != 0 for a
// DBCS lead byte; 256 USHORTs, nonzero (1) exactly at the lead bytes GetCPInfo reports. For a
// single-byte code page (NlsMbCodePageTag FALSE) Windows' macros never read them; they still point
// at an all-zero table rather than NULL, so an unguarded read finds "no lead byte".
USHORT NlsOemCodePage = 437;
}  // extern "C"

namespace {
USHORT oem_lead_bytes[256] = {};
USHORT ansi_lead_bytes[256] = {};
}  // namespace

extern "C" {
USHORT* NlsOemLeadByteInfo = oem_lead_bytes;
USHORT* NlsLeadByteInfo = ansi_lead_bytes;

// ---- NtGlobalFlag (wdm.h "extern ULONG NtGlobalFlag"): the GlobalFlag value of
// HKLM\SYSTEM\CurrentControlSet\Control\Session Manager, 0 on a default installation.
ULONG NtGlobalFlag = 0;
}  // extern "C"

// ---- Object types: POBJECT_TYPE variables (wdm.h declares POBJECT_TYPE as a pointer to an
// opaque struct _OBJECT_TYPE; the types below are not declared in the MinGW-w64 DDK, the WDK
// declares them as "extern POBJECT_TYPE *Name", i.e. the import slot holds the address of a
// POBJECT_TYPE). Each points at its own record (nt/data_layouts.h): drivers pass the pointer to
// Ob routines (ObReferenceObjectByHandle's ObjectType) and compare it, never read through it. The
// names are those the types have in Windows' \ObjectTypes directory.
namespace {
constexpr nt::OBJECT_TYPE_RECORD job_type = {u"Job", {}};
constexpr nt::OBJECT_TYPE_RECORD section_type = {u"Section", {}};
constexpr nt::OBJECT_TYPE_RECORD port_type = {u"ALPC Port", {}};
constexpr nt::OBJECT_TYPE_RECORD adapter_type = {u"Adapter", {}};
constexpr nt::OBJECT_TYPE_RECORD device_handler_type = {u"DeviceHandler", {}};
constexpr nt::OBJECT_TYPE_RECORD desktop_type = {u"Desktop", {}};
constexpr nt::OBJECT_TYPE_RECORD window_station_type = {u"WindowStation", {}};
}  // namespace

extern "C" {
const void* PsJobType = &job_type;
const void* MmSectionObjectType = &section_type;
const void* LpcPortObjectType = &port_type;
const void* IoAdapterObjectType = &adapter_type;
const void* IoDeviceHandlerObjectType = &device_handler_type;
const void* ExDesktopObjectType = &desktop_type;
const void* ExWindowStationObjectType = &window_station_type;
}  // extern "C"

// ---- FsRtlLegalAnsiCharacterArray (ntifs.h: "extern NTKERNELAPI const UCHAR * const
// FsRtlLegalAnsiCharacterArray"): the export is a pointer to the table, indexed by character
// through the FsRtlIsAnsiCharacter* macros with the FSRTL_* bits (ntifs.h). Rules, per character:
//  - NTFS and HPFS (long names): every character from 0x20 except the reserved < > : " / \ | ? *
//    (Microsoft's "Naming Files, Paths, and Namespaces", which applies one reserved set to the
//    Windows file systems' long names); NUL and 1-31 are not legal in file names (same page).
//  - FAT (8.3 names): the NTFS set minus + , ; = [ ], the further characters the FAT
//    specification ("Microsoft FAT32 File System Specification", DIR_Name) forbids in a short
//    name. '.' is legal: it separates name and extension in the name string (the 11-byte
//    directory form, where the specification forbids it, does not store it).
//  - Wildcards (FSRTL_WILD_CHARACTER): * and ?, and the DOS wildcards ntifs.h defines as DOS_STAR
//    '<', DOS_QM '>' and DOS_DOT '"' (Microsoft's FsRtlIsNameInExpression page lists those five);
//    they are legal in no name.
//  - FSRTL_OLE_LEGAL: 1-31, which the naming page allows in alternate data stream names (OLE
//    property set streams are named "\005SummaryInformation"); FsRtlIsAnsiCharacterLegalNtfsStream
//    tests NTFS_LEGAL | OLE_LEGAL, so stream names take the NTFS set plus these.
// Windows documents the table for 0x00-0x7F; bytes 0x80-0xFF (ANSI/DBCS, which the FsRtl macros
// leave to their callers) are present and 0 so that the unguarded macros, which index with any
// UCHAR, never read past the table.
namespace {
constexpr bool in(const char* set, char c) {
    for (; *set; ++set)
        if (*set == c) return true;
    return false;
}

constexpr nt::UCHAR legal_bits(unsigned c) {
    using namespace nt::fsrtl;
    if (c == 0 || c >= 0x80) return 0;
    if (c < 0x20) return ole_legal;
    const char ch = static_cast<char>(c);
    if (in("*?<>\"", ch)) return wild_character;
    if (in(":/\\|", ch)) return 0;
    nt::UCHAR bits = hpfs_legal | ntfs_legal;
    if (!in("+,;=[]", ch)) bits |= fat_legal;
    return bits;
}

struct LegalTable {
    nt::UCHAR bits[256];
};

constexpr LegalTable make_legal_table() {
    LegalTable t{};
    for (unsigned c = 0; c < 256; ++c) t.bits[c] = legal_bits(c);
    return t;
}

constexpr LegalTable legal_table = make_legal_table();
static_assert(legal_table.bits['A'] == (nt::fsrtl::fat_legal | nt::fsrtl::hpfs_legal | nt::fsrtl::ntfs_legal));
static_assert(legal_table.bits['+'] == (nt::fsrtl::hpfs_legal | nt::fsrtl::ntfs_legal));
static_assert(legal_table.bits['*'] == nt::fsrtl::wild_character && legal_table.bits[':'] == 0);
}  // namespace

extern "C" {
extern const nt::UCHAR* const FsRtlLegalAnsiCharacterArray = legal_table.bits;   // extern: a const is internal otherwise
}  // extern "C"

namespace {
void fill_lead_bytes(std::uint32_t code_page, USHORT (&table)[256]) {
    std::uint8_t ranges[12];
    if (!platform::code_page_lead_bytes(code_page, ranges)) return;
    for (int i = 0; i + 1 < 12 && (ranges[i] || ranges[i + 1]); i += 2)
        for (unsigned b = ranges[i]; b <= ranges[i + 1]; ++b) table[b] = 1;
}
}  // namespace

void exports::initialize_data_exports() {
    // The number of processors, not more than a CCHAR holds (Windows' limit per group is 64).
    unsigned cpus = platform::active_processor_count();
    KeNumberProcessors = static_cast<char>(cpus == 0 ? 1 : cpus > 127 ? 127 : cpus);

    // The highest user address this process has; the probe address is the first address above it
    // (the start of the 64 KB guard), the system range on x86 starts 64 KB above that (0x80000000
    // by default, 0xC0000000 with /3GB). x64's system range is fixed.
    ULONG_PTR highest = platform::highest_user_address();
    if (highest != 0) {
        MmHighestUserAddress = reinterpret_cast<void*>(highest);
        MmUserProbeAddress = highest + 1;
#if !defined(__x86_64__)
        ULONG_PTR start = highest + 1 + 0x10000;
        if (start > highest && start >= 0x80000000u) MmSystemRangeStart = reinterpret_cast<void*>(start);
#endif
    }

    NlsOemCodePage = static_cast<USHORT>(platform::oem_code_page());
    fill_lead_bytes(platform::oem_code_page(), oem_lead_bytes);
    fill_lead_bytes(platform::ansi_code_page(), ansi_lead_bytes);
}
