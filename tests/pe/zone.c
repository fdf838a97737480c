/*
 * The zone, list and interlocked routines as the program's imports: each name a driver built
 * against the DDK headers imports (zone_driver.c) is bound to the project's ntoskrnl.exe, at the
 * address the driver code calls.
 *
 * Why here and not in the kernel-mode conformance driver (tests/kmode): this is the loader's
 * binding of the user-mode program's own import table, read from the program's image. What the
 * routines do (zones, spin-lock-guarded lists, the IRP queue, interlocked integers, their
 * stress runs) is tests/kmode/zone.c, zone_irp.c and interlocked.c, run in every place.
 */
#include <windows.h>
#include <stdint.h>

#include "pe_imports.h"
#include "wine_test.h"
#include "zone_driver.h"

static void test_binding(void)
{
    HMODULE exe = GetModuleHandleA(NULL), kernel = GetModuleHandleA("ntoskrnl.exe");
    struct zd_import imports[32];
    unsigned i, n = zd_imports(imports, ARRAYSIZE(imports));

    ok(n <= ARRAYSIZE(imports), "%u imports, room for %u\n", n, (unsigned)ARRAYSIZE(imports));
    ok(kernel && !pe_is_wine_builtin(kernel), "the project's ntoskrnl.exe is not loaded\n");
    if (!kernel) return;
    for (i = 0; i < n && i < ARRAYSIZE(imports); i++)
    {
        void *bound = pe_bound_import(exe, "ntoskrnl.exe", imports[i].name);
        ok(bound && pe_contains(kernel, bound), "%s bound to %p\n", imports[i].name, bound);
        ok(bound == imports[i].address, "%s: the driver code calls %p, the import is bound to %p\n", imports[i].name,
           imports[i].address, bound);
    }
}

START_TEST(zone)
{
    test_binding();
}
