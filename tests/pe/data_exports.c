/*
 * The module's data exports (spec "Data exports"; ntoskrnl/exports/data_exports.cpp,
 * se_exports.cpp, hal_dispatch.cpp, ke/bugcheck.cpp), the parts a driver cannot check: the
 * values and types a driver reads through its imports moved to the kernel-mode conformance driver
 * (tests/kmode/data_exports.c). What stays needs a user-mode program: the binding of the
 * program's own import slots (the driver half, data_exports_driver.c, imports every name through
 * the DDK declarations, auto-import included) to the module's exports in its data sections (never
 * code: Wine 8.0's builtin only has code stubs under these names); KiBugCheckData after a bug
 * check, read by another thread of a child process the bug check stops ("child bugcheck"); and
 * the Wine-style stub report of a HalDispatchTable entry, which ends the process that calls it
 * ("child hal").
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
    const volatile uintptr_t *data = driver_bug_check_data();
    int i;
    (void)unused;
    for (i = 0; i < 1000 && !data[0]; i++) Sleep(10);
    snprintf(report, sizeof(report), "KiBugCheckData %#lx %#llx %#llx %#llx %#llx\n", (unsigned long)data[0],
             (unsigned long long)data[1], (unsigned long long)data[2], (unsigned long long)data[3],
             (unsigned long long)data[4]);
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
    test_children();
}
