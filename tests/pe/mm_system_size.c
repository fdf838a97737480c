/*
 * MmQuerySystemSize and MmIsThisAnNtAsSystem, called the way a driver calls them (driver_side.c,
 * built against <ddk/ntddk.h>, linked against the project's libntoskrnl.a). The answers on
 * several threads moved to the kernel-mode conformance driver (tests/kmode/mm_system_size.c, which
 * also checks the answers against the registry); what stays cannot run in a driver: the binding of
 * a user-mode program's imports, and the answers in the server prefix (the driver runs only in the
 * drop-in and plain workstation prefixes).
 *
 * Usage: mm_system_size [workstation|server]
 *   The argument states what product type the Wine prefix was given by the test fixture; the
 *   test checks the prefix really is that, then that the module's answers match it. Without an
 *   argument (e.g. on Windows) the expectation comes from the registry alone.
 *
 * Expected values: windows-behavior.md 3.8 (MmLargeSystem on any machine with 64 MB or more;
 * MmIsThisAnNtAsSystem TRUE exactly for the LanmanNt and ServerNt product types).
 */
#include <windows.h>

#include "driver_side.h"
#include "pe_imports.h"
#include "wine_test.h"

enum { MmSmallSystem, MmMediumSystem, MmLargeSystem };

static char registry_product_type[64];

static BOOL read_registry_product_type(void)
{
    DWORD size = sizeof(registry_product_type) - 1, type = 0;
    HKEY key;
    LSTATUS st = RegOpenKeyExA(HKEY_LOCAL_MACHINE, "System\\CurrentControlSet\\Control\\ProductOptions", 0,
                               KEY_QUERY_VALUE, &key);
    if (st == ERROR_SUCCESS)
    {
        st = RegQueryValueExA(key, "ProductType", NULL, &type, (BYTE *)registry_product_type, &size);
        RegCloseKey(key);
    }
    if (st != ERROR_SUCCESS) trace("reading ProductType failed: %ld\n", (long)st);
    return st == ERROR_SUCCESS && (type == REG_SZ || type == REG_EXPAND_SZ);
}

static void test_binding(void)
{
    HMODULE exe = GetModuleHandleA(NULL), kernel = GetModuleHandleA("ntoskrnl.exe");
    char exe_path[MAX_PATH], kernel_path[MAX_PATH], *slash;
    static const char *const imports[] = {"MmQuerySystemSize", "MmIsThisAnNtAsSystem"};
    unsigned i;

    ok(kernel != NULL, "ntoskrnl.exe is not loaded\n");
    if (!kernel) return;
    ok(!pe_is_wine_builtin(kernel), "the loaded ntoskrnl.exe is Wine's builtin module\n");

    GetModuleFileNameA(exe, exe_path, sizeof(exe_path));
    GetModuleFileNameA(kernel, kernel_path, sizeof(kernel_path));
    if ((slash = strrchr(exe_path, '\\'))) slash[1] = 0;
    /* In a drop-in prefix (tests/dropin/run_pe_test.sh sets NTOSKRNL_DROPIN) the module is the one
     * tools/dropin.sh put in system32, bound by name through the prefix's override. */
    if (GetEnvironmentVariableA("NTOSKRNL_DROPIN", NULL, 0))
    {
        GetSystemDirectoryA(exe_path, sizeof(exe_path) - 1);
        strcat(exe_path, "\\");
    }
    ok(!_strnicmp(exe_path, kernel_path, strlen(exe_path)) && !strchr(kernel_path + strlen(exe_path), '\\'),
       "ntoskrnl.exe loaded from %s, not from %s\n", kernel_path, exe_path);

    for (i = 0; i < sizeof(imports) / sizeof(imports[0]); i++)
    {
        void *bound = pe_bound_import(exe, "ntoskrnl.exe", imports[i]);
        ok(bound != NULL, "no import of ntoskrnl.exe!%s (undecorated) in the test program\n", imports[i]);
        ok(pe_contains(kernel, bound), "%s bound to %p, outside ntoskrnl.exe at %p\n", imports[i], bound, kernel);
        ok(bound == (void *)GetProcAddress(kernel, imports[i]), "%s bound to %p, GetProcAddress says %p\n",
           imports[i], bound, (void *)GetProcAddress(kernel, imports[i]));
    }
}

static void test_answers(const char *fixture_product)
{
    MEMORYSTATUSEX ms;
    BOOL server;
    int size, as;

    if (!read_registry_product_type())
    {
        /* Windows always has the value; the module then assumes a workstation, as Windows does. */
        ok(fixture_product == NULL, "ProductType missing from the registry of a prepared prefix\n");
        strcpy(registry_product_type, "WinNt");
    }
    server = !lstrcmpiA(registry_product_type, "LanmanNt") || !lstrcmpiA(registry_product_type, "ServerNt");
    trace("ProductType %s\n", registry_product_type);
    if (fixture_product)
        ok(server == !strcmp(fixture_product, "server"), "prefix ProductType is %s, the fixture set up a %s\n",
           registry_product_type, fixture_product);

    as = driver_is_nt_as_system();
    ok(as == server, "MmIsThisAnNtAsSystem() = %d for ProductType %s\n", as, registry_product_type);

    ms.dwLength = sizeof(ms);
    GlobalMemoryStatusEx(&ms);
    size = driver_query_system_size();
    if (ms.ullTotalPhys >= 64ull << 20)
        ok(size == MmLargeSystem, "MmQuerySystemSize() = %d with %llu MB of memory, expected MmLargeSystem\n",
           size, ms.ullTotalPhys >> 20);
    else
        skip("only %llu MB of memory: below the MmLargeSystem threshold for every product type\n",
             ms.ullTotalPhys >> 20);
}

START_TEST(mm_system_size)
{
    char **argv;
    int argc = winetest_get_mainargs(&argv);
    const char *fixture_product = argc > 1 ? argv[1] : NULL;

    if (fixture_product && strcmp(fixture_product, "workstation") && strcmp(fixture_product, "server"))
    {
        ok(0, "unknown product type argument %s\n", fixture_product);
        return;
    }
    test_binding();
    test_answers(fixture_product);
}
