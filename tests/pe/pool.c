/*
 * Executive pool: the binding of a driver's pool imports (pool_driver.c, built against
 * <ddk/ntddk.h>) to the project's module, and one call through each of them (so the linker keeps
 * every import whose binding is checked). Everything else moved to the kernel-mode conformance
 * driver (tests/kmode/pool.c, pool_flags.c); this part cannot run in a driver: it checks where
 * Wine's loader bound a user-mode program's imports (the program's own import table, read from
 * user mode). Allocations that raise or end in a bug check are in pool_misuse.c, many threads at
 * once in the conformance driver's pool_threads group.
 */
#include <windows.h>
#include <stdint.h>
#include <string.h>

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

/* One block through each allocator and each free routine. The behaviour itself is checked in
 * tests/kmode/pool.c and pool_flags.c; here the call proves the bound import is the pool. */
static void test_each_import_called(void)
{
    const uint32_t tag = 'B' | 'i' << 8 | 'n' << 16 | (uint32_t)'d' << 24; /* "Bind" in memory */
    void *blocks[7];
    int quota;
    unsigned i;

    blocks[0] = pd_ExAllocatePool(PD_NonPagedPool, 64);
    blocks[1] = pd_ExAllocatePoolWithQuota(PD_PagedPool, 64);
    blocks[2] = pd_ExAllocatePoolWithTag(PD_NonPagedPool, 64, tag);
    blocks[3] = pd_ExAllocatePoolWithQuotaTag(PD_PagedPool, 64, tag);
    blocks[4] = pd_ExAllocatePoolWithTagPriority(PD_NonPagedPool, 64, tag, PD_NormalPoolPriority);
    blocks[5] = pd_ExAllocatePool2(PD_POOL_FLAG_NON_PAGED, 64, tag);
    blocks[6] = pd_ExAllocatePool3(PD_POOL_FLAG_PAGED, 64, tag, NULL, 0);
    for (i = 0; i < 7; i++)
    {
        ok(blocks[i] != NULL, "allocator %u returned NULL for 64 bytes\n", i);
        if (blocks[i])
        {
            size_t size = pd_ExQueryPoolBlockSize(blocks[i], &quota);
            ok(size >= 64, "allocator %u: ExQueryPoolBlockSize says %lu bytes\n", i, (unsigned long)size);
            memset(blocks[i], 0x5a, 64);
        }
    }
    if (blocks[0]) pd_ExFreePool(blocks[0]);
    if (blocks[1]) pd_ExFreePool(blocks[1]);
    for (i = 2; i < 5; i++)
        if (blocks[i]) pd_ExFreePoolWithTag(blocks[i], tag);
    for (i = 5; i < 7; i++)
        if (blocks[i]) pd_ExFreePool2(blocks[i], tag);
}

START_TEST(pool)
{
    test_binding();
    test_each_import_called();
}
