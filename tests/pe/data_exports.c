/*
 * The module's data exports (spec "Data exports"; ntoskrnl/exports/data_exports.cpp,
 * se_exports.cpp, hal_dispatch.cpp, ke/bugcheck.cpp): each, imported by the driver half
 * (data_exports_driver.c) through the DDK declarations, must resolve to the module's own export,
 * lie in a data section of the module (never code: Wine 8.0's builtin only has code stubs under
 * these names), and hold the value Windows has with no debugger attached on this machine.
 * KiBugCheckData is checked after a bug check in a child process ("child bugcheck"), the
 * HalDispatchTable entries' Wine-style stub report in another ("child hal").
 */
#include <windows.h>
#include <stdint.h>

#include "data_exports_driver.h"
#include "driver_side.h"
#include "pe_imports.h"
#include "wine_test.h"
#include "wine_test_child.h"

static HMODULE kernel;

/* The section of the module holding [addr, addr + size), or NULL. */
static const IMAGE_SECTION_HEADER *section_of(const void *addr, unsigned size)
{
    BYTE *base = (BYTE *)kernel;
    IMAGE_NT_HEADERS *nt = (IMAGE_NT_HEADERS *)(base + ((IMAGE_DOS_HEADER *)base)->e_lfanew);
    const IMAGE_SECTION_HEADER *s = IMAGE_FIRST_SECTION(nt);
    unsigned i;
    for (i = 0; i < nt->FileHeader.NumberOfSections; i++, s++)
    {
        const BYTE *start = base + s->VirtualAddress, *end = start + max(s->Misc.VirtualSize, s->SizeOfRawData);
        if ((const BYTE *)addr >= start && (const BYTE *)addr + size <= end) return s;
    }
    return NULL;
}

static BOOL in_data_section(const void *addr, unsigned size)
{
    const IMAGE_SECTION_HEADER *s = section_of(addr, size);
    return s && !(s->Characteristics & (IMAGE_SCN_MEM_EXECUTE | IMAGE_SCN_CNT_CODE)) &&
           (s->Characteristics & IMAGE_SCN_MEM_READ);
}

static void test_addresses(void)
{
    struct data_export_ref refs[64];
    unsigned i, n = driver_data_exports(refs, 64);

    ok(n == (sizeof(void *) == 8 ? 35 : 36), "%u data exports\n", n);
    for (i = 0; i < n && i < 64; i++)
    {
        const void *exported = (const void *)GetProcAddress(kernel, refs[i].name);
        winetest_push_context("%s", refs[i].name);
        ok(exported != NULL, "not exported\n");
        ok(refs[i].address == exported, "import resolved to %p, the export is %p\n", refs[i].address, exported);
        ok(pe_contains(kernel, refs[i].address), "%p is outside the module\n", refs[i].address);
        ok(in_data_section(refs[i].address, refs[i].size), "%p (+%u) is not in a non-executable data section\n",
           refs[i].address, refs[i].size);
        /* Where the loader bound the program's own import slot (auto-imported names included). */
        ok(pe_bound_import(GetModuleHandleA(NULL), "ntoskrnl.exe", refs[i].name) == exported,
           "the program's import slot is not bound to the export\n");
        winetest_pop_context();
    }
}

static void test_values(void)
{
    static const WCHAR *const type_names[7] = {L"Job", L"Section", L"ALPC Port", L"Adapter", L"DeviceHandler",
                                               L"Desktop", L"WindowStation"};
    struct driver_data_values v;
    SYSTEM_INFO si;
    DWORD cpus = GetActiveProcessorCount(ALL_PROCESSOR_GROUPS);
    CPINFO cp;
    unsigned i, j;

    driver_data_values(&v);
    GetSystemInfo(&si);

    ok(v.kd_debugger_not_present == 1, "KdDebuggerNotPresent %u\n", v.kd_debugger_not_present);
    ok(v.kd_entered_debugger == 0, "KdEnteredDebugger %u\n", v.kd_entered_debugger);
    ok(v.mm_64bit_physical == 1, "Mm64BitPhysicalAddress %u\n", v.mm_64bit_physical);
    ok(v.number_processors == (cpus > 127 ? 127 : cpus), "KeNumberProcessors %u, %lu active\n",
       v.number_processors, (unsigned long)cpus);

    ok(v.highest_user == (uintptr_t)si.lpMaximumApplicationAddress, "MmHighestUserAddress %p, GetSystemInfo %p\n",
       (void *)v.highest_user, si.lpMaximumApplicationAddress);
    ok(v.user_probe == v.highest_user + 1, "MmUserProbeAddress %p\n", (void *)v.user_probe);
#ifdef _WIN64
    ok(v.highest_user == 0x7FFFFFFEFFFFull, "MmHighestUserAddress %p\n", (void *)v.highest_user);
    ok(v.system_range_start == 0xFFFF800000000000ull, "MmSystemRangeStart %p\n", (void *)v.system_range_start);
#else
    if (v.highest_user == 0x7FFEFFFF)
        ok(v.system_range_start == 0x80000000u, "MmSystemRangeStart %p\n", (void *)v.system_range_start);
    ok(v.system_range_start > v.user_probe, "MmSystemRangeStart %p\n", (void *)v.system_range_start);
#endif

    ok(!v.nt_global_flag, "NtGlobalFlag %#lx\n", v.nt_global_flag);
    ok(!v.io_read_ops && !v.io_write_ops && !v.io_read_bytes && !v.io_write_bytes, "I/O counters not zero\n");
    ok(!v.io_statistics_lock, "IoStatisticsLock %p is not free\n", (void *)v.io_statistics_lock);
    ok(!v.cc_fast_mdl_read_wait && !v.cc_fast_read_not_possible && !v.cc_fast_read_wait, "Cc counters not zero\n");
    ok(!v.io_device_handler_object_size, "IoDeviceHandlerObjectSize %lu\n", v.io_device_handler_object_size);
    ok(!v.i386_machine_type, "KeI386MachineType %#lx\n", v.i386_machine_type);
    ok(v.loader_block == NULL, "KeLoaderBlock %p\n", v.loader_block);

    ok(v.oem_code_page == GetOEMCP(), "NlsOemCodePage %u, GetOEMCP %u\n", v.oem_code_page, GetOEMCP());
    ok(v.oem_lead_bytes && in_data_section(v.oem_lead_bytes, 512), "NlsOemLeadByteInfo %p\n", v.oem_lead_bytes);
    ok(v.ansi_lead_bytes && in_data_section(v.ansi_lead_bytes, 512), "NlsLeadByteInfo %p\n", v.ansi_lead_bytes);
    if (v.oem_lead_bytes && GetCPInfo(GetOEMCP(), &cp))
        for (i = 0; i < 256; i++)
        {
            BOOL lead = FALSE;
            for (j = 0; j + 1 < MAX_LEADBYTES && (cp.LeadByte[j] || cp.LeadByte[j + 1]); j += 2)
                lead = lead || (i >= cp.LeadByte[j] && i <= cp.LeadByte[j + 1]);
            ok(!v.oem_lead_bytes[i] == !lead, "OEM lead byte info[%#x] = %u\n", i, v.oem_lead_bytes[i]);
        }

    for (i = 0; i < 7; i++)
    {
        winetest_push_context("object type %u", i);
        ok(v.object_types[i] != NULL && in_data_section(v.object_types[i], 8 * sizeof(void *)), "%p\n",
           v.object_types[i]);
        for (j = 0; j < i; j++) ok(v.object_types[i] != v.object_types[j], "same record as type %u\n", j);
        if (v.object_types[i])
        {
            const WCHAR *name = *(const WCHAR *const *)v.object_types[i];
            ok(name && !lstrcmpW(name, type_names[i]), "wrong name\n");
            ok(((void *const *)v.object_types[i])[1] == NULL, "second field not NULL\n");
        }
        winetest_pop_context();
    }

    ok(v.legal_ansi && in_data_section(v.legal_ansi, 256), "FsRtlLegalAnsiCharacterArray %p\n", v.legal_ansi);
    ok(v.fat_legal_A && !v.fat_legal_plus && v.ntfs_legal_plus && !v.ntfs_legal_colon, "FAT/NTFS legality\n");
    ok(v.wild_star && v.wild_dos_star, "wildcards\n");
    ok(v.stream_legal_ctrl && !v.ntfs_legal_ctrl, "control characters: stream %d, name %d\n", v.stream_legal_ctrl,
       v.ntfs_legal_ctrl);
    if (v.legal_ansi) ok(v.legal_ansi[0] == 0 && v.legal_ansi[0x80] == 0, "NUL / 0x80 entries not 0\n");

    ok(v.hal_version == 3, "HalDispatchTable Version %lu\n", v.hal_version);
    ok(v.hal_private_version == 0, "HalPrivateDispatchTable Version %lu\n", v.hal_private_version);
    ok(pe_contains(kernel, v.hal_query_system_information) && !in_data_section(v.hal_query_system_information, 1),
       "HalQuerySystemInformation %p is not code of the module\n", v.hal_query_system_information);

    ok(v.se_exports && in_data_section(v.se_exports, sizeof(void *) == 8 ? 520 : 396), "SeExports %p\n", v.se_exports);
    ok(driver_check_se_exports() == 0, "SeExports check %d failed\n", driver_check_se_exports());
    ok(v.public_dacl && IsValidAcl((PACL)v.public_dacl), "SePublicDefaultDacl %p is not a valid ACL\n", v.public_dacl);
    ok(v.system_dacl && IsValidAcl((PACL)v.system_dacl), "SeSystemDefaultDacl %p is not a valid ACL\n", v.system_dacl);
    if (v.public_dacl) ok(((const ACL *)v.public_dacl)->AceCount == 3, "public DACL has %u ACEs\n", ((const ACL *)v.public_dacl)->AceCount);
    if (v.system_dacl) ok(((const ACL *)v.system_dacl)->AceCount == 2, "system DACL has %u ACEs\n", ((const ACL *)v.system_dacl)->AceCount);

    for (i = 0; i < 5; i++) ok(v.bug_check_data[i] == 0, "KiBugCheckData[%u] = %p before any bug check\n", i,
                               (void *)v.bug_check_data[i]);
}

/* ---- Children ---- */
static HANDLE original_stderr;
static char report[256];

static void report_and_exit(DWORD code)
{
    DWORD n;
    WriteFile(original_stderr, report, (DWORD)strlen(report), &n, NULL);
    TerminateProcess(GetCurrentProcess(), code);
}

static LONG CALLBACK stub_handler(EXCEPTION_POINTERS *ep)
{
    const EXCEPTION_RECORD *r = ep->ExceptionRecord;
    if (r->ExceptionCode != 0x80000100) return EXCEPTION_CONTINUE_SEARCH;
    snprintf(report, sizeof(report), "STUB %s %s flags %lu params %lu\n",
             r->NumberParameters >= 1 ? (const char *)r->ExceptionInformation[0] : "-",
             r->NumberParameters >= 2 ? (const char *)r->ExceptionInformation[1] : "-",
             (unsigned long)r->ExceptionFlags, (unsigned long)r->NumberParameters);
    report_and_exit(0x51);
    return EXCEPTION_CONTINUE_SEARCH;
}

/* Keeps a 1-byte pipe full so that the bug check's STOP line write blocks: the system is then
 * stopped between filling KiBugCheckData and ending the process, and another thread reads it. */
static DWORD WINAPI pipe_filler(void *pipe)
{
    DWORD n;
    for (;;) if (!WriteFile(pipe, "x", 1, &n, NULL)) return 0;
}

static DWORD WINAPI bug_check_watcher(void *unused)
{
    struct driver_data_values v;
    int i;
    (void)unused;
    driver_data_values(&v);
    for (i = 0; i < 1000 && !((volatile const uintptr_t *)v.bug_check_data)[0]; i++) Sleep(10);
    snprintf(report, sizeof(report), "KiBugCheckData %#lx %#llx %#llx %#llx %#llx\n", (unsigned long)v.bug_check_data[0],
             (unsigned long long)v.bug_check_data[1], (unsigned long long)v.bug_check_data[2],
             (unsigned long long)v.bug_check_data[3], (unsigned long long)v.bug_check_data[4]);
    report_and_exit(0xBC);
    return 0;
}

static void run_child(const char *name)
{
    original_stderr = GetStdHandle(STD_ERROR_HANDLE);
    if (!strcmp(name, "hal"))
    {
        AddVectoredExceptionHandler(1, stub_handler);
        driver_call_hal_query();
    }
    if (!strcmp(name, "bugcheck"))
    {
        HANDLE rd, wr;
        if (!CreatePipe(&rd, &wr, NULL, 1)) ExitProcess(0x7E);
        CloseHandle(CreateThread(NULL, 0, pipe_filler, wr, 0, NULL));
        Sleep(300);
        SetStdHandle(STD_ERROR_HANDLE, wr);
        CloseHandle(CreateThread(NULL, 0, bug_check_watcher, NULL, 0, NULL));
        driver_bug_check_ex(0xC2, 7, 0x1234, 0xDEADBEEF, (uintptr_t)-1);
    }
    ExitProcess(0x7F);   /* reaching this is the failure */
}

static void test_children(void)
{
    char out[1024], expect[256];
    DWORD code;

    code = winetest_run_self("child hal", out, sizeof(out));
    ok(code == 0x51, "hal child: exit code %#lx, output \"%s\"\n", code, out);
    ok(!strcmp(out, "STUB ntoskrnl.exe HalDispatchTable.HalQuerySystemInformation flags 1 params 2\n"),
       "hal child reported \"%s\"\n", out);

    code = winetest_run_self("child bugcheck", out, sizeof(out));
    snprintf(expect, sizeof(expect), "KiBugCheckData 0xc2 0x7 0x1234 0xdeadbeef %#llx\n",
             (unsigned long long)(uintptr_t)-1);
    if (code == 0xC2)
        skip("the STOP line write did not block on a full pipe; KiBugCheckData not observable (%s)\n", out);
    else
    {
        ok(code == 0xBC, "bugcheck child: exit code %#lx, output \"%s\"\n", code, out);
        ok(!strcmp(out, expect), "bugcheck child reported \"%s\", expected \"%s\"\n", out, expect);
    }
}

START_TEST(data_exports)
{
    char **argv;
    int argc = winetest_get_mainargs(&argv);

    if (argc > 2 && !strcmp(argv[1], "child"))
    {
        run_child(argv[2]);
        return;
    }
    kernel = GetModuleHandleA("ntoskrnl.exe");
    ok(kernel != NULL && !pe_is_wine_builtin(kernel), "the project's ntoskrnl.exe is not loaded\n");
    if (!kernel) return;
    test_addresses();
    test_values();
    test_children();
}
