/*
 * mmquery: asks the loaded ntoskrnl.exe what a legacy driver would ask it at start-up, through
 * the DDK's own declarations (mmquery_driver.c) and the project's import library, and prints
 * the answers together with which ntoskrnl.exe answered.
 */
#include <windows.h>
#include <stdio.h>

int mmquery_system_size(void);
int mmquery_is_nt_as_system(void);

int main(void)
{
    static const char *const names[] = {"MmSmallSystem", "MmMediumSystem", "MmLargeSystem"};
    char path[MAX_PATH] = "?", product[64] = "(not set)";
    HMODULE kernel = GetModuleHandleA("ntoskrnl.exe");
    MEMORYSTATUSEX ms;
    DWORD size = sizeof(product) - 1;
    HKEY key;
    int sz = mmquery_system_size(), as = mmquery_is_nt_as_system();

    if (kernel) GetModuleFileNameA(kernel, path, sizeof(path));
    if (!RegOpenKeyExA(HKEY_LOCAL_MACHINE, "System\\CurrentControlSet\\Control\\ProductOptions", 0,
                       KEY_QUERY_VALUE, &key))
    {
        RegQueryValueExA(key, "ProductType", NULL, NULL, (BYTE *)product, &size);
        RegCloseKey(key);
    }
    ms.dwLength = sizeof(ms);
    GlobalMemoryStatusEx(&ms);

    printf("ntoskrnl.exe: %s (%s)\n", path,
           kernel && !memcmp((BYTE *)kernel + sizeof(IMAGE_DOS_HEADER), "Wine builtin DLL", 16)
               ? "Wine's builtin" : "the project's module");
    printf("physical memory: %llu MB, ProductType: %s\n", ms.ullTotalPhys >> 20, product);
    printf("MmQuerySystemSize()    = %d (%s)\n", sz, sz >= 0 && sz <= 2 ? names[sz] : "?");
    printf("MmIsThisAnNtAsSystem() = %s\n", as ? "TRUE" : "FALSE");
    return 0;
}
