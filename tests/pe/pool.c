/*
 * Executive pool: the binding of a driver's pool imports (pool_driver.c, built against
 * <ddk/ntddk.h>) to the project's module. Everything else moved to the kernel-mode conformance
 * driver (tests/kmode/pool.c, pool_flags.c); this part cannot run in a driver: it checks where
 * Wine's loader bound a user-mode program's imports (the program's own import table, read from
 * user mode). Allocations that raise or end in a bug check are in pool_misuse.c, many threads at
 * once in pool_threads.c.
 */
#include <windows.h>
#include <stdint.h>

#include "pe_imports.h"
#include "pool_driver.h"
#include "wine_test.h"

static void test_binding(void)
{
    static const char *const imports[] = {"ExAllocatePool", "ExAllocatePoolWithQuota", "ExAllocatePoolWithTag",
        "ExAllocatePoolWithQuotaTag", "ExAllocatePoolWithTagPriority", "ExAllocatePool2", "ExAllocatePool3",
        "ExFreePool", "ExFreePoolWithTag", "ExFreePool2", "ExQueryPoolBlockSize"};
    HMODULE exe = GetModuleHandleA(NULL), kernel = GetModuleHandleA("ntoskrnl.exe");
    unsigned i;

    ok(kernel != NULL, "ntoskrnl.exe is not loaded\n");
    if (!kernel) return;
    ok(!pe_is_wine_builtin(kernel), "the loaded ntoskrnl.exe is Wine's builtin module\n");
    for (i = 0; i < sizeof(imports) / sizeof(imports[0]); i++)
    {
        void *bound = pe_bound_import(exe, "ntoskrnl.exe", imports[i]);
        ok(bound != NULL && pe_contains(kernel, bound), "%s bound to %p, outside ntoskrnl.exe at %p\n",
           imports[i], bound, kernel);
    }
}

START_TEST(pool)
{
    test_binding();
}
