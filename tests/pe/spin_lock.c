/*
 * Spin locks and the IRQL as the user-mode program sees them (spin_lock_driver.c, the DDK
 * headers' own expansions):
 * - hal.dll: on i386 drivers import KfAcquireSpinLock / KfReleaseSpinLock / KeGetCurrentIrql
 *   from hal.dll, and the loader binds them to the project's hal.dll; on x86_64 Wine's hal.dll
 *   forwards KeLowerIrql to the module;
 * - misuse: a free build checks none of it (tests/kmode/free_build.c); with the verifier on
 *   (NTOSKRNL_VERIFIER=1 in the child's environment, what the driver host's --verifier sets), each
 *   case in a child process must end with the STOP line and the code as exit status: raising below
 *   the current IRQL 0xC4/0x30, lowering above it 0xC4/0x31, acquiring above DISPATCH_LEVEL
 *   0xC4/0x42 (Driver Verifier's codes, Microsoft's bug check reference for 0xC4), acquiring a
 *   lock the thread holds 0x0F, releasing one it does not hold 0x10 (see ntoskrnl/ke/spin_lock.h).
 *
 * Why here and not in the kernel-mode conformance driver (tests/kmode): which hal.dll the loader
 * binds is the user-mode program's own import table, and each misuse case must end its process
 * with a bug check under the verifier (conformance.sys has no verifier-on cases yet). The lock
 * word, the raising and AtDpcLevel forms, in-stack queued locks, the Unsafe fast mutex routines
 * and the IRQL round trips are tests/kmode/spin_lock.c, run in every place.
 */
#include <windows.h>
#include <stdint.h>

#include "pe_imports.h"
#include "spin_lock_driver.h"
#include "wine_test.h"
#include "wine_test_child.h"

/* hal.dll as drivers reach it under Wine: x86_64 Wine's, forwarding to the module; i386 the project's. */
static void test_hal(void)
{
    HMODULE hal = GetModuleHandleA("hal.dll"), kernel = GetModuleHandleA("ntoskrnl.exe");
    ok(kernel && !pe_is_wine_builtin(kernel), "the project's ntoskrnl.exe is not loaded\n");
    if (!kernel) return;
#ifdef _WIN64
    {
        void (WINAPI *lower)(unsigned char);
        (void)pe_bound_import;
        if (!hal) hal = LoadLibraryA("hal.dll");
        ok(hal != NULL, "hal.dll does not load: %lu\n", GetLastError());
        if (!hal) return;
        lower = (void *)GetProcAddress(hal, "KeLowerIrql");
        ok(lower && pe_contains(kernel, lower), "hal.dll!KeLowerIrql resolves to %p, not into ntoskrnl.exe\n", lower);
        if (!lower) return;
        sd_KeRaiseIrqlToDpcLevel();
        lower(SD_PASSIVE_LEVEL);
        ok(sd_KeGetCurrentIrql() == SD_PASSIVE_LEVEL, "hal.dll!KeLowerIrql left IRQL %u\n", sd_KeGetCurrentIrql());
    }
#else
    {
        static const char *const exe_hal[] = {"KfAcquireSpinLock", "KfReleaseSpinLock", "KeGetCurrentIrql"};
        uintptr_t lock = 0;
        unsigned char old;
        unsigned i;
        ok(hal && !pe_is_wine_builtin(hal), "hal.dll %p is not the project's\n", hal);
        if (!hal) return;
        for (i = 0; i < sizeof(exe_hal) / sizeof(exe_hal[0]); i++)
        {
            void *bound = pe_bound_import(GetModuleHandleA(NULL), "hal.dll", exe_hal[i]);
            ok(bound && pe_contains(hal, bound), "%s bound to %p, outside hal.dll\n", exe_hal[i], bound);
        }
        /* Through those imports (calling them is also what keeps them in the program's table). */
        old = sd_KeAcquireSpinLock(&lock);
        ok(old == SD_PASSIVE_LEVEL && sd_KeGetCurrentIrql() == SD_DISPATCH_LEVEL && lock == 1,
           "KfAcquireSpinLock: old %u, IRQL %u, word %#Ix\n", old, sd_KeGetCurrentIrql(), lock);
        sd_KeReleaseSpinLock(&lock, old);
        ok(sd_KeGetCurrentIrql() == SD_PASSIVE_LEVEL && lock == 0, "KfReleaseSpinLock: IRQL %u, word %#Ix\n",
           sd_KeGetCurrentIrql(), lock);
    }
#endif
}

/* ---- Misuse in child processes, with the verifier on ---- */
struct misuse_case { const char *name; DWORD code; const char *stop_name; int p2_is_lock; ULONG64 p1, p2, p3; };
static const struct misuse_case cases[] =
{
    /* 0xC4/0x30: P2 current, P3 requested; 0x31 the same; 0x42: P2 current IRQL, P3 the lock. */
    {"raise_below", 0xC4, "DRIVER_VERIFIER_DETECTED_VIOLATION", 0, 0x30, SD_DISPATCH_LEVEL, SD_APC_LEVEL},
    {"lower_above", 0xC4, "DRIVER_VERIFIER_DETECTED_VIOLATION", 0, 0x31, SD_PASSIVE_LEVEL, SD_DISPATCH_LEVEL},
    {"acquire_above_dispatch", 0xC4, "DRIVER_VERIFIER_DETECTED_VIOLATION", 1, 0x42, 15, 0},
    /* P1 the lock. */
    {"acquire_owned", 0x0F, "SPIN_LOCK_ALREADY_OWNED", 2, 0, 0, 0},
    {"release_free", 0x10, "SPIN_LOCK_NOT_OWNED", 2, 0, 0, 0},
};
static uintptr_t child_lock;

static void run_child(const char *name)
{
    printf("ADDR %p\n", (void *)&child_lock);
    fflush(stdout);
    if (!strcmp(name, "raise_below")) { sd_KeRaiseIrqlToDpcLevel(); sd_KfRaiseIrql(SD_APC_LEVEL); }
    else if (!strcmp(name, "lower_above")) sd_KeLowerIrql(SD_DISPATCH_LEVEL);
    else if (!strcmp(name, "acquire_above_dispatch")) { sd_KfRaiseIrql(15); sd_KeAcquireSpinLock(&child_lock); }
    else if (!strcmp(name, "acquire_owned")) { sd_KeAcquireSpinLockAtDpcLevel(&child_lock); sd_KeAcquireSpinLockAtDpcLevel(&child_lock); }
    else if (!strcmp(name, "release_free")) sd_KeReleaseSpinLockFromDpcLevel(&child_lock);
    else ExitProcess(0x7E);
    ExitProcess(0x7D);   /* no bug check */
}

static void test_misuse(void)
{
    char out[4096], args[128];
    unsigned i;
    SetEnvironmentVariableA("NTOSKRNL_VERIFIER", "1");
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    {
        const struct misuse_case *c = &cases[i];
        struct winetest_stop st;
        DWORD code;
        winetest_push_context("%s", c->name);
        snprintf(args, sizeof(args), "child %s", c->name);
        code = winetest_run_self(args, out, sizeof(out));
        ok(code == c->code, "exit code %#lx, expected %#lx; output \"%s\"\n", code, c->code, out);
        winetest_parse_stop(out, &st);
        ok(st.found, "no STOP line in \"%s\"\n", out);
        if (st.found)
        {
            ok(st.code == c->code, "STOP line \"%s\"\n", out);
            if (c->p2_is_lock == 2)
                ok(st.p[0] == st.addr, "P1 %#I64x, lock %#I64x\n", st.p[0], st.addr);
            else
            {
                ok(st.p[0] == c->p1, "P1 %#I64x\n", st.p[0]);
                ok(st.p[1] == c->p2, "P2 %#I64x\n", st.p[1]);
                ok(st.p[2] == (c->p2_is_lock ? st.addr : c->p3), "P3 %#I64x\n", st.p[2]);
            }
            ok(!strcmp(st.name, c->stop_name), "name \"%s\"\n", st.name);
        }
        winetest_pop_context();
    }
    SetEnvironmentVariableA("NTOSKRNL_VERIFIER", NULL);
}

START_TEST(spin_lock)
{
    char **argv;
    int argc = winetest_get_mainargs(&argv);
    if (argc >= 3 && !strcmp(argv[1], "child"))
    {
        run_child(argv[2]);
        return;
    }
    test_hal();
    test_misuse();
}
