/*
 * The kernel's data exports as a driver built against the MinGW-w64 DDK sees them (converted from
 * tests/pe/data_exports.c, which keeps the binding of a user-mode program's imports and the bug
 * check and HalDispatchTable children). Where <ddk/ntifs.h> declares a variable its declaration
 * is used, made dllimport where the DDK leaves it plain (a driver has no C runtime to apply
 * auto-import's pseudo-relocations); the others are declared below with Windows' types.
 *
 * Each import must be the export MmGetSystemRoutineAddress finds and lie in a non-executable
 * section of the kernel image (Wine 8.0's builtin exports code stubs under these names: reading
 * one reads code bytes, so a variable's value is checked only where it is data). The expected
 * values come from what a driver can query: the debugger state and the memory layout from
 * ZwQuerySystemInformation, the processors from KeQueryActiveProcessors, PAE from the shared
 * user data, the OEM code page from the registry, the lead bytes from RtlOemToUnicodeN /
 * RtlMultiByteToUnicodeN, the SE_EXPORTS fields from the documented constants.
 */
#include <ntifs.h>
#include <ntimage.h>

#include "kmode_test.h"
#include "kmode_sysinfo.h"

#define IMPORTED __declspec(dllimport)
/* Plain "extern" in the MinGW-w64 DDK (ntifs.h). */
extern IMPORTED ULONG CcFastMdlReadWait, IoReadOperationCount, IoWriteOperationCount;
extern IMPORTED LARGE_INTEGER IoReadTransferCount, IoWriteTransferCount;
extern IMPORTED KSPIN_LOCK IoStatisticsLock;
extern IMPORTED PACL SePublicDefaultDacl, SeSystemDefaultDacl;
/* Not in the MinGW-w64 DDK. */
extern IMPORTED ULONG CcFastReadNotPossible, CcFastReadWait, IoDeviceHandlerObjectSize;
extern IMPORTED BOOLEAN KdEnteredDebugger;
extern IMPORTED PVOID KeLoaderBlock;
extern IMPORTED ULONG_PTR KiBugCheckData[5];
extern IMPORTED PUSHORT NlsLeadByteInfo;
extern IMPORTED ULONG NtGlobalFlag;   /* wdm.h declares it for checked builds only */
extern IMPORTED USHORT NlsOemCodePage;
/* The WDK's "extern POBJECT_TYPE *PsJobType" names the import slot; the export is the POBJECT_TYPE. */
extern IMPORTED POBJECT_TYPE PsJobType, MmSectionObjectType, LpcPortObjectType, IoAdapterObjectType,
    IoDeviceHandlerObjectType, ExDesktopObjectType, ExWindowStationObjectType;
/* HAL_PRIVATE_DISPATCH: not in the DDK; its first member is the ULONG Version. */
extern IMPORTED struct { ULONG Version; } HalPrivateDispatchTable;
#ifdef _X86_
extern IMPORTED ULONG KeI386MachineType;
#endif

NTSYSAPI NTSTATUS NTAPI ZwQuerySystemInformation(ULONG SystemInformationClass, PVOID SystemInformation,
                                                 ULONG SystemInformationLength, PULONG ReturnLength);
NTSYSAPI PVOID NTAPI RtlPcToFileHeader(PVOID PcValue, PVOID *BaseOfImage);

enum
{
    CcFastMdlReadWait_, CcFastReadNotPossible_, CcFastReadWait_, ExDesktopObjectType_, ExWindowStationObjectType_,
    FsRtlLegalAnsiCharacterArray_, HalDispatchTable_, HalPrivateDispatchTable_, IoAdapterObjectType_,
    IoDeviceHandlerObjectSize_, IoDeviceHandlerObjectType_, IoReadOperationCount_, IoReadTransferCount_,
    IoStatisticsLock_, IoWriteOperationCount_, IoWriteTransferCount_, KdDebuggerNotPresent_, KdEnteredDebugger_,
    KeLoaderBlock_, KeNumberProcessors_, KiBugCheckData_, LpcPortObjectType_, Mm64BitPhysicalAddress_,
    MmHighestUserAddress_, MmSectionObjectType_, MmSystemRangeStart_, MmUserProbeAddress_, NlsLeadByteInfo_,
    NlsOemCodePage_, NlsOemLeadByteInfo_, NtGlobalFlag_, PsJobType_, SeExports_, SePublicDefaultDacl_,
    SeSystemDefaultDacl_,
#ifdef _X86_
    KeI386MachineType_,
#endif
    export_count
};

struct data_export
{
    const WCHAR *name;
    const void *address;   /* where the import resolved */
    ULONG size;            /* the Windows type's size on this architecture */
};

/* Filled at run time (an import's address is not a link-time constant). */
static struct data_export exports[export_count];

#define REF(name) [name##_] = {L## #name, (const void *)&name, sizeof(name)}
static void fill_exports(void)
{
    const struct data_export all[export_count] = {
        REF(CcFastMdlReadWait), REF(CcFastReadNotPossible), REF(CcFastReadWait), REF(ExDesktopObjectType),
        REF(ExWindowStationObjectType), REF(FsRtlLegalAnsiCharacterArray),
        [HalDispatchTable_] = {L"HalDispatchTable", HALDISPATCH, sizeof(HAL_DISPATCH)},   /* ntddk.h's macro */
        [HalPrivateDispatchTable_] = {L"HalPrivateDispatchTable", &HalPrivateDispatchTable, sizeof(ULONG)},
        REF(IoAdapterObjectType), REF(IoDeviceHandlerObjectSize), REF(IoDeviceHandlerObjectType),
        REF(IoReadOperationCount), REF(IoReadTransferCount), REF(IoStatisticsLock), REF(IoWriteOperationCount),
        REF(IoWriteTransferCount), REF(KdDebuggerNotPresent), REF(KdEnteredDebugger), REF(KeLoaderBlock),
        REF(KeNumberProcessors), REF(KiBugCheckData), REF(LpcPortObjectType), REF(Mm64BitPhysicalAddress),
        REF(MmHighestUserAddress), REF(MmSectionObjectType), REF(MmSystemRangeStart), REF(MmUserProbeAddress),
        REF(NlsLeadByteInfo), REF(NlsOemCodePage), REF(NlsOemLeadByteInfo), REF(NtGlobalFlag), REF(PsJobType),
        REF(SeExports), REF(SePublicDefaultDacl), REF(SeSystemDefaultDacl),
#ifdef _X86_
        REF(KeI386MachineType),
#endif
    };
    unsigned i;
    for (i = 0; i < export_count; i++) exports[i] = all[i];
}

/* Whether each export is data (test_imports): only then is its value read. */
static int is_data[export_count];

/* The section of a loaded image holding [p, p + size), or NULL (RtlPcToFileHeader finds the image:
 * on Windows from the loaded-module list, which covers the kernel and the HAL). */
static const IMAGE_SECTION_HEADER *section_of(const void *p, ULONG size)
{
    PVOID base = NULL;
    const IMAGE_DOS_HEADER *dos;
    const IMAGE_NT_HEADERS *nt;
    const IMAGE_SECTION_HEADER *s;
    unsigned i;
    if (!RtlPcToFileHeader((PVOID)p, &base) || !base) return NULL;
    dos = base;
    if (dos->e_magic != IMAGE_DOS_SIGNATURE) return NULL;
    nt = (const IMAGE_NT_HEADERS *)((const UCHAR *)base + dos->e_lfanew);
    if (nt->Signature != IMAGE_NT_SIGNATURE) return NULL;
    s = IMAGE_FIRST_SECTION(nt);
    for (i = 0; i < nt->FileHeader.NumberOfSections; i++, s++)
    {
        const UCHAR *start = (const UCHAR *)base + s->VirtualAddress;
        ULONG length = s->Misc.VirtualSize > s->SizeOfRawData ? s->Misc.VirtualSize : s->SizeOfRawData;
        if ((const UCHAR *)p >= start && (const UCHAR *)p + size <= start + length) return s;
    }
    return NULL;
}

static int in_data_section(const void *p, ULONG size)
{
    const IMAGE_SECTION_HEADER *s = section_of(p, size);
    return s && !(s->Characteristics & (IMAGE_SCN_MEM_EXECUTE | IMAGE_SCN_CNT_CODE)) &&
           (s->Characteristics & IMAGE_SCN_MEM_READ);
}

static int in_code_section(const void *p)
{
    const IMAGE_SECTION_HEADER *s = section_of(p, 1);
    return s && (s->Characteristics & (IMAGE_SCN_MEM_EXECUTE | IMAGE_SCN_CNT_CODE));
}

static void test_imports(void)
{
    unsigned i;
    fill_exports();
    for (i = 0; i < export_count; i++)
    {
        const struct data_export *e = &exports[i];
        const void *exported = kmtest_routine(e->name);
        winetest_push_context("%S", e->name);
        ok(exported == e->address, "import resolved to %p, MmGetSystemRoutineAddress found %p\n", e->address, exported);
        is_data[i] = in_data_section(e->address, e->size);
        todo_wine_if(kmtest_wine_builtin())
        ok(is_data[i], "%p (+%lu) is not in a non-executable section of the kernel image\n", e->address, e->size);
        winetest_pop_context();
    }
}

/* Which exports' values the caller may read: all data, else one todo-or-failure line (the import
 * check above has said where it is) and the caller leaves its checks out. */
static int readable(unsigned first, unsigned last)
{
    unsigned i;
    for (i = first; i <= last; i++)
        if (!is_data[i])
        {
            todo_wine_if(kmtest_wine_builtin())
            ok(0, "%S is not data: its value checks left out\n", exports[i].name);
            return 0;
        }
    return 1;
}
#define READABLE(name) readable(name##_, name##_)

/* SYSTEM_KERNEL_DEBUGGER_INFORMATION (class 35; SYSTEM_BASIC_INFORMATION is kmode_sysinfo.h's). */

typedef struct
{
    BOOLEAN DebuggerEnabled, DebuggerNotPresent;
} debugger_information;

static void test_kd(void)
{
    debugger_information kd = {0};
    ULONG got = 0;
    NTSTATUS status = ZwQuerySystemInformation(35 /* SystemKernelDebuggerInformation */, &kd, sizeof(kd), &got);
    ok(status == STATUS_SUCCESS, "SystemKernelDebuggerInformation returned %#lx\n", status);
    if (!NT_SUCCESS(status)) return;
    trace("kernel debugger enabled %u, not present %u\n", kd.DebuggerEnabled, kd.DebuggerNotPresent);
    if (READABLE(KdDebuggerNotPresent))
        ok(!KD_DEBUGGER_NOT_PRESENT == !kd.DebuggerNotPresent, "KdDebuggerNotPresent %u\n", KD_DEBUGGER_NOT_PRESENT);
    /* Without a debugger enabled since boot, none was ever entered. */
    if (READABLE(KdEnteredDebugger) && !kd.DebuggerEnabled)
        ok(KdEnteredDebugger == FALSE, "KdEnteredDebugger %u without a kernel debugger\n", KdEnteredDebugger);
}

static unsigned count_bits(KAFFINITY a)
{
    unsigned n = 0;
    for (; a; a &= a - 1) n++;
    return n;
}

static void test_ke_mm(void)
{
    basic_information basic;
    ULONG got = 0;
    NTSTATUS status;

    if (READABLE(KeNumberProcessors))
    {
        unsigned active = count_bits(KeQueryActiveProcessors());
        ok((unsigned)(UCHAR)KeNumberProcessors == active, "KeNumberProcessors %d, %u active processors\n",
           KeNumberProcessors, active);
    }
#ifdef _X86_
    if (READABLE(KeI386MachineType)) ok(KeI386MachineType == 0, "KeI386MachineType %#lx on a standard PC\n", KeI386MachineType);
#endif
    /* A demand-start driver loads after boot, once Windows has freed the loader block. */
    if (READABLE(KeLoaderBlock)) ok(KeLoaderBlock == NULL, "KeLoaderBlock %p after boot\n", KeLoaderBlock);
    if (READABLE(KiBugCheckData))
    {
        unsigned i;
        for (i = 0; i < 5; i++)
            ok(KiBugCheckData[i] == 0, "KiBugCheckData[%u] = %p before any bug check\n", i, (void *)KiBugCheckData[i]);
    }

    if (READABLE(Mm64BitPhysicalAddress))
    {
#ifdef _X86_
        /* i386: physical addresses above 4 GB with PAE only. Under Wine the kernel is user mode and
         * the shared data is at its user-mode address. */
        const KUSER_SHARED_DATA *shared = winetest_platform_is_wine() ? (const KUSER_SHARED_DATA *)0x7FFE0000
                                                                       : SharedUserData;
        BOOLEAN pae = shared->ProcessorFeatures[PF_PAE_ENABLED];
#else
        BOOLEAN pae = TRUE;   /* x64 always pages with PAE */
#endif
        ok(!Mm64BitPhysicalAddress == !pae, "Mm64BitPhysicalAddress %u, PAE %u\n", Mm64BitPhysicalAddress, pae);
    }

    status = ZwQuerySystemInformation(0 /* SystemBasicInformation */, &basic, sizeof(basic), &got);
    ok(status == STATUS_SUCCESS, "SystemBasicInformation returned %#lx\n", status);
    if (!NT_SUCCESS(status) || !READABLE(MmHighestUserAddress) || !READABLE(MmUserProbeAddress) || !READABLE(MmSystemRangeStart))
        return;
    ok((ULONG_PTR)MM_HIGHEST_USER_ADDRESS == basic.MaximumUserModeAddress,
       "MmHighestUserAddress %p, SystemBasicInformation %p\n", MM_HIGHEST_USER_ADDRESS, (void *)basic.MaximumUserModeAddress);
    /* The 64 KB above the highest user address is the no-access guard; probing starts there. */
    ok((ULONG_PTR)MM_USER_PROBE_ADDRESS == (ULONG_PTR)MM_HIGHEST_USER_ADDRESS + 1, "MmUserProbeAddress %p\n",
       (void *)(ULONG_PTR)MM_USER_PROBE_ADDRESS);
    ok((ULONG_PTR)MM_SYSTEM_RANGE_START > (ULONG_PTR)MM_USER_PROBE_ADDRESS, "MmSystemRangeStart %p\n", MM_SYSTEM_RANGE_START);
#ifdef _WIN64
    /* In the upper half (0xFFFF800000000000 on Windows 8.1 and later, 0xFFFF080000000000 before). */
    ok(((ULONG_PTR)MM_SYSTEM_RANGE_START >> 48) == 0xFFFF, "MmSystemRangeStart %p\n", MM_SYSTEM_RANGE_START);
#else
    if ((ULONG_PTR)MM_HIGHEST_USER_ADDRESS == 0x7FFEFFFF)
        ok((ULONG_PTR)MM_SYSTEM_RANGE_START == 0x80000000, "MmSystemRangeStart %p with 2 GB of user space\n",
           MM_SYSTEM_RANGE_START);
#endif
}

/* A registry value of HKLM\System\CurrentControlSet\Control\...: REG_DWORD, or a REG_SZ number. */
static int read_control_value(const WCHAR *key_path, const WCHAR *name, ULONG *value)
{
    UCHAR buffer[sizeof(KEY_VALUE_PARTIAL_INFORMATION) + 32 * sizeof(WCHAR)];
    KEY_VALUE_PARTIAL_INFORMATION *info = (KEY_VALUE_PARTIAL_INFORMATION *)buffer;
    UNICODE_STRING path, value_name;
    OBJECT_ATTRIBUTES attributes;
    HANDLE key;
    ULONG got = 0, i;
    NTSTATUS status;
    RtlInitUnicodeString(&path, key_path);
    InitializeObjectAttributes(&attributes, &path, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, NULL, NULL);
    status = ZwOpenKey(&key, KEY_QUERY_VALUE, &attributes);
    if (!NT_SUCCESS(status)) return 0;
    RtlInitUnicodeString(&value_name, name);
    status = ZwQueryValueKey(key, &value_name, KeyValuePartialInformation, info, sizeof(buffer), &got);
    ZwClose(key);
    if (!NT_SUCCESS(status)) return 0;
    if (info->Type == REG_DWORD && info->DataLength == 4)
    {
        *value = *(const ULONG *)info->Data;
        return 1;
    }
    if (info->Type != REG_SZ) return 0;
    *value = 0;
    for (i = 0; i < info->DataLength / sizeof(WCHAR) && ((const WCHAR *)info->Data)[i]; i++)
    {
        WCHAR c = ((const WCHAR *)info->Data)[i];
        if (c < '0' || c > '9') return 0;
        *value = *value * 10 + (c - '0');
    }
    return i > 0;
}

/* NtGlobalFlag: the Session Manager's GlobalFlag, read at boot (none: 0), and what
 * SystemFlagsInformation reports now where the class exists (Wine 8.0's ntdll has no such class:
 * STATUS_INVALID_INFO_CLASS). */
static void test_nt_global_flag(void)
{
    ULONG flags = 0, got = 0, boot = 0;
    NTSTATUS status;
    if (!READABLE(NtGlobalFlag)) return;
    if (!read_control_value(L"\\Registry\\Machine\\System\\CurrentControlSet\\Control\\Session Manager",
                            L"GlobalFlag", &boot))
        boot = 0;
    ok(NtGlobalFlag == boot, "NtGlobalFlag %#lx, the registry's GlobalFlag %#lx\n", NtGlobalFlag, boot);
    status = ZwQuerySystemInformation(9 /* SystemFlagsInformation */, &flags, sizeof(flags), &got);
    if (status == STATUS_INVALID_INFO_CLASS)
        trace("no SystemFlagsInformation here\n");
    else
    {
        ok(status == STATUS_SUCCESS, "SystemFlagsInformation returned %#lx\n", status);
        if (NT_SUCCESS(status)) ok(NtGlobalFlag == flags, "NtGlobalFlag %#lx, SystemFlagsInformation %#lx\n", NtGlobalFlag, flags);
    }
}

/* Whether byte b starts a two-byte character: b then 'A' converts to one character. */
static int is_lead_byte(int oem, UCHAR b)
{
    char in[2] = {(char)b, 'A'};
    WCHAR out[2];
    ULONG written = 0;
    NTSTATUS status = oem ? RtlOemToUnicodeN(out, sizeof(out), &written, in, 2)
                          : RtlMultiByteToUnicodeN(out, sizeof(out), &written, in, 2);
    return NT_SUCCESS(status) && written == sizeof(WCHAR);
}

/* The table FsRtlIsLeadDbcsCharacter & co. index: nonzero exactly at the lead bytes. For a
 * single-byte code page the macros never read it (NlsMb*CodePageTag is FALSE): NULL or all zero. */
static void check_lead_bytes(int oem, const USHORT *table, const char *what)
{
    unsigned b, leads = 0, wrong = 0;
    for (b = 0x80; b < 0x100; b++) leads += is_lead_byte(oem, (UCHAR)b);
    trace("%s: %u lead bytes\n", what, leads);
    if (!leads && !table) return;
    ok(table != NULL, "%s is NULL with %u lead bytes\n", what, leads);
    if (!table) return;
    for (b = 0; b < 0x100; b++)
        if (!table[b] != !(b >= 0x80 && is_lead_byte(oem, (UCHAR)b)))
        {
            if (!wrong++) ok(0, "%s[%#x] = %u\n", what, b, table[b]);
        }
    ok(!wrong, "%s wrong at %u bytes\n", what, wrong);
}

static void test_nls(void)
{
    ULONG oem_cp = 0;
    if (READABLE(NlsOemCodePage))
    {
        /* The code page the kernel loads at boot. */
        int found = read_control_value(L"\\Registry\\Machine\\System\\CurrentControlSet\\Control\\Nls\\CodePage",
                                       L"OEMCP", &oem_cp);
        ok(found, "no Nls\\CodePage OEMCP value\n");
        if (found) ok(NlsOemCodePage == oem_cp, "NlsOemCodePage %u, the registry's OEMCP %lu\n", NlsOemCodePage, oem_cp);
    }
    if (READABLE(NlsOemLeadByteInfo)) check_lead_bytes(1, NLS_OEM_LEAD_BYTE_INFO, "NlsOemLeadByteInfo");
    if (READABLE(NlsLeadByteInfo)) check_lead_bytes(0, NlsLeadByteInfo, "NlsLeadByteInfo");
}

/* The I/O and Cc statistics: system-wide counters, which never go down. */
static void test_counters(void)
{
    ULONG before[5], after[5];
    LONGLONG bytes_before[2], bytes_after[2];
    unsigned i, free_seen = 0;
    ULONG got;
    basic_information basic;
    if (!readable(CcFastMdlReadWait_, CcFastReadWait_) || !readable(IoReadOperationCount_, IoWriteTransferCount_)) return;
#define READ_COUNTERS(c, b) \
    (c[0] = IoReadOperationCount, c[1] = IoWriteOperationCount, c[2] = CcFastMdlReadWait, c[3] = CcFastReadNotPossible, \
     c[4] = CcFastReadWait, b[0] = IoReadTransferCount.QuadPart, b[1] = IoWriteTransferCount.QuadPart)
    READ_COUNTERS(before, bytes_before);
    ZwQuerySystemInformation(0, &basic, sizeof(basic), &got);   /* a system service in between */
    READ_COUNTERS(after, bytes_after);
    for (i = 0; i < 5; i++) ok(after[i] >= before[i], "counter %u went from %lu to %lu\n", i, before[i], after[i]);
    for (i = 0; i < 2; i++)
        ok(bytes_after[i] >= bytes_before[i] && bytes_before[i] >= 0, "transfer count %u went from %I64d to %I64d\n", i,
           bytes_before[i], bytes_after[i]);
    /* The lock guarding them is a spin lock: 0 whenever nobody holds it (held only for an update). */
    for (i = 0; i < 1000 && !free_seen; i++) free_seen = *(volatile KSPIN_LOCK *)&IoStatisticsLock == 0;
    ok(free_seen, "IoStatisticsLock %p never free\n", (void *)IoStatisticsLock);
    if (READABLE(IoDeviceHandlerObjectSize))
        ok(IoDeviceHandlerObjectSize == 0, "IoDeviceHandlerObjectSize %lu\n", IoDeviceHandlerObjectSize);
}

static void test_object_types(void)
{
    /* IoDeviceHandlerObjectType last: Windows creates no "DeviceHandler" type unless built for it
     * (NT's I/O manager source: only under _PNP_POWER_), so it may be NULL there. */
    static const unsigned index[7] = {PsJobType_, MmSectionObjectType_, LpcPortObjectType_, IoAdapterObjectType_,
                                      ExDesktopObjectType_, ExWindowStationObjectType_, IoDeviceHandlerObjectType_};
    POBJECT_TYPE types[7];
    unsigned i, j;
    for (i = 0; i < 7; i++)
        if (!readable(index[i], index[i])) return;
    types[0] = PsJobType, types[1] = MmSectionObjectType, types[2] = LpcPortObjectType, types[3] = IoAdapterObjectType;
    types[4] = ExDesktopObjectType, types[5] = ExWindowStationObjectType, types[6] = IoDeviceHandlerObjectType;
    for (i = 0; i < 7; i++)
    {
        winetest_push_context("%S", exports[index[i]].name);
        if (i < 6) ok(types[i] != NULL, "NULL\n");
        for (j = 0; j < i; j++)
            if (types[i]) ok(types[i] != types[j], "the same type as %S\n", exports[index[j]].name);
        winetest_pop_context();
    }
}

static void test_fsrtl(void)
{
    if (!READABLE(FsRtlLegalAnsiCharacterArray)) return;
    ok(FsRtlLegalAnsiCharacterArray != NULL, "FsRtlLegalAnsiCharacterArray NULL\n");
    if (!FsRtlLegalAnsiCharacterArray) return;
    ok(FsRtlIsAnsiCharacterLegalFat('A', FALSE) && !FsRtlIsAnsiCharacterLegalFat('+', FALSE), "FAT: 'A' %d, '+' %d\n",
       FsRtlIsAnsiCharacterLegalFat('A', FALSE) != 0, FsRtlIsAnsiCharacterLegalFat('+', FALSE) != 0);
    ok(FsRtlIsAnsiCharacterLegalNtfs('+', FALSE) && !FsRtlIsAnsiCharacterLegalNtfs(':', TRUE), "NTFS: '+' %d, ':' %d\n",
       FsRtlIsAnsiCharacterLegalNtfs('+', FALSE) != 0, FsRtlIsAnsiCharacterLegalNtfs(':', TRUE) != 0);
    ok(FsRtlIsAnsiCharacterWild('*') && FsRtlIsAnsiCharacterWild(DOS_STAR) && !FsRtlIsAnsiCharacterWild('A'),
       "wildcards\n");
    ok(FsRtlIsAnsiCharacterLegalNtfsStream(5, FALSE) && !FsRtlIsAnsiCharacterLegalNtfs(5, FALSE),
       "control characters: stream %d, name %d\n", FsRtlIsAnsiCharacterLegalNtfsStream(5, FALSE) != 0,
       FsRtlIsAnsiCharacterLegalNtfs(5, FALSE) != 0);
    ok(FsRtlLegalAnsiCharacterArray[0] == 0, "NUL entry %#x\n", FsRtlLegalAnsiCharacterArray[0]);
}

static void test_hal_dispatch(void)
{
    const void *query;
    if (!READABLE(HalDispatchTable)) return;
    /* 3 on Windows XP, 4 later: at least the layout the DDK describes. */
    ok(HALDISPATCH->Version >= HAL_DISPATCH_VERSION, "HalDispatchTable Version %lu\n", HALDISPATCH->Version);
    /* ntddk.h makes the field name a macro (HalQuerySystemInformation -> HALDISPATCH->...): the first
     * pointer after Version. Windows' HAL fills it with its own routine; it is code of some image. */
    query = *(void *const *)((const char *)HALDISPATCH + sizeof(void *));
    ok(query && in_code_section(query), "HalQuerySystemInformation %p is not code of a loaded image\n", query);
}

static int same_luid(LUID a, ULONG value) { return a.LowPart == value && a.HighPart == 0; }

/* S-1-<authority>-<rids...> with RtlValidSid's shape checks. */
static int is_sid(PSID p, UCHAR authority, UCHAR count, ULONG rid0, ULONG rid1)
{
    const SID *sid = p;
    if (!sid || sid->Revision != SID_REVISION || sid->SubAuthorityCount != count) return 0;
    if (sid->IdentifierAuthority.Value[5] != authority) return 0;
    if (count > 0 && sid->SubAuthority[0] != rid0) return 0;
    return count < 2 || sid->SubAuthority[1] == rid1;
}

static void test_se_exports(void)
{
    PSE_EXPORTS e;
    RTL_OSVERSIONINFOW version;
    NTSTATUS (NTAPI *get_version)(RTL_OSVERSIONINFOW *) = kmtest_routine(L"RtlGetVersion");
    int vista;
    RtlZeroMemory(&version, sizeof(version));
    version.dwOSVersionInfoSize = sizeof(version);
    vista = get_version && NT_SUCCESS(get_version(&version)) && version.dwMajorVersion >= 6;
    if (!READABLE(SeExports)) return;
    e = SeExports;
    ok(e != NULL, "SeExports NULL\n");
    if (!e) return;
#define LUID_OK(field, value) ok(same_luid(e->field, value), #field " %lu\n", e->field.LowPart)
    LUID_OK(SeCreateTokenPrivilege, SE_CREATE_TOKEN_PRIVILEGE);
    LUID_OK(SeUnsolicitedInputPrivilege, SE_UNSOLICITED_INPUT_PRIVILEGE);
    LUID_OK(SeLoadDriverPrivilege, SE_LOAD_DRIVER_PRIVILEGE);
    LUID_OK(SeCreatePagefilePrivilege, SE_CREATE_PAGEFILE_PRIVILEGE);
    LUID_OK(SeIncreaseBasePriorityPrivilege, SE_INC_BASE_PRIORITY_PRIVILEGE);
    LUID_OK(SeTcbPrivilege, SE_TCB_PRIVILEGE);
    LUID_OK(SeChangeNotifyPrivilege, SE_CHANGE_NOTIFY_PRIVILEGE);
    LUID_OK(SeRemoteShutdownPrivilege, SE_REMOTE_SHUTDOWN_PRIVILEGE);
    LUID_OK(SeUndockPrivilege, SE_UNDOCK_PRIVILEGE);
    LUID_OK(SeEnableDelegationPrivilege, SE_ENABLE_DELEGATION_PRIVILEGE);
    LUID_OK(SeManageVolumePrivilege, SE_MANAGE_VOLUME_PRIVILEGE);
    LUID_OK(SeImpersonatePrivilege, SE_IMPERSONATE_PRIVILEGE);
#define SID_OK(field, ...) ok(is_sid(e->field, __VA_ARGS__), #field " is not the well-known SID\n")
    SID_OK(SeNullSid, 0, 1, 0, 0);
    SID_OK(SeWorldSid, 1, 1, 0, 0);
    SID_OK(SeLocalSid, 2, 1, 0, 0);
    SID_OK(SeCreatorOwnerSid, 3, 1, 0, 0);
    SID_OK(SeCreatorGroupSid, 3, 1, 1, 0);
    SID_OK(SeNtAuthoritySid, 5, 0, 0, 0);
    SID_OK(SeInteractiveSid, 5, 1, SECURITY_INTERACTIVE_RID, 0);
    SID_OK(SeLocalSystemSid, 5, 1, SECURITY_LOCAL_SYSTEM_RID, 0);
    SID_OK(SeAliasAdminsSid, 5, 2, SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_ADMINS);
    SID_OK(SeAliasBackupOpsSid, 5, 2, SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_BACKUP_OPS);
    SID_OK(SeAuthenticatedUsersSid, 5, 1, SECURITY_AUTHENTICATED_USER_RID, 0);
    SID_OK(SeRestrictedSid, 5, 1, SECURITY_RESTRICTED_CODE_RID, 0);
    SID_OK(SeAnonymousLogonSid, 5, 1, SECURITY_ANONYMOUS_LOGON_RID, 0);
    SID_OK(SeLocalServiceSid, 5, 1, SECURITY_LOCAL_SERVICE_RID, 0);
    SID_OK(SeNetworkServiceSid, 5, 1, SECURITY_NETWORK_SERVICE_RID, 0);
    /* Fields Windows Vista added to SE_EXPORTS: an older kernel's structure ends before them. */
    if (!vista)
    {
        skip("Windows %lu.%lu: no Vista fields in SE_EXPORTS\n", version.dwMajorVersion, version.dwMinorVersion);
        return;
    }
    LUID_OK(SeCreateSymbolicLinkPrivilege, SE_CREATE_SYMBOLIC_LINK_PRIVILEGE);
    SID_OK(SeIUserSid, 5, 1, SECURITY_IUSER_RID, 0);
    SID_OK(SeUntrustedMandatorySid, 16, 1, SECURITY_MANDATORY_UNTRUSTED_RID, 0);
    SID_OK(SeMediumMandatorySid, 16, 1, SECURITY_MANDATORY_MEDIUM_RID, 0);
    SID_OK(SeSystemMandatorySid, 16, 1, SECURITY_MANDATORY_SYSTEM_RID, 0);
    SID_OK(SeOwnerRightsSid, 3, 1, SECURITY_CREATOR_OWNER_RIGHTS_RID, 0);
}

/* An ACL as RtlValidAcl accepts it: revision 2-4, AceCount ACEs packed inside AclSize, each an
 * access-allowed ACE with a SID that fits it. Returns the number of ACEs, or -1. */
static int valid_acl(const ACL *acl)
{
    const UCHAR *p, *end;
    unsigned i;
    if (!acl || acl->AclRevision < ACL_REVISION || acl->AclRevision > ACL_REVISION4 || acl->AclSize < sizeof(ACL)) return -1;
    p = (const UCHAR *)(acl + 1);
    end = (const UCHAR *)acl + acl->AclSize;
    for (i = 0; i < acl->AceCount; i++)
    {
        const ACE_HEADER *h = (const ACE_HEADER *)p;
        const SID *sid = (const SID *)&((const ACCESS_ALLOWED_ACE *)p)->SidStart;
        if (p + sizeof(ACE_HEADER) > end || h->AceSize < sizeof(ACCESS_ALLOWED_ACE) || p + h->AceSize > end) return -1;
        if (h->AceType != ACCESS_ALLOWED_ACE_TYPE || sid->Revision != SID_REVISION ||
            (const UCHAR *)&sid->SubAuthority[sid->SubAuthorityCount] > p + h->AceSize)
            return -1;
        p += h->AceSize;
    }
    return (int)acl->AceCount;
}

static void test_default_dacls(void)
{
    if (READABLE(SePublicDefaultDacl))
        ok(valid_acl(SePublicDefaultDacl) == 3, "SePublicDefaultDacl %p: %d ACEs\n", SePublicDefaultDacl,
           valid_acl(SePublicDefaultDacl));
    if (READABLE(SeSystemDefaultDacl))
        ok(valid_acl(SeSystemDefaultDacl) == 2, "SeSystemDefaultDacl %p: %d ACEs\n", SeSystemDefaultDacl,
           valid_acl(SeSystemDefaultDacl));
}

void kmtest_group_data_exports(void)
{
    test_imports();
    test_kd();
    test_ke_mm();
    test_nt_global_flag();
    test_nls();
    test_counters();
    test_object_types();
    test_fsrtl();
    test_hal_dispatch();
    test_se_exports();
    test_default_dacls();
}
