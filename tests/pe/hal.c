/*
 * The project's i386 hal.dll (spec/hal.dll.spec) as the user-mode program sees it, through the
 * DDK headers as an i386 driver reaches it (hal_driver.c):
 * - it is the hal.dll loaded, and the kernel's own IRQL imports (KeGetCurrentIrql, KfRaiseIrql,
 *   KfLowerIrql: i386 ntoskrnl.exe imports them from HAL.dll) are bound into it, so there is one
 *   IRQL: the pool's IRQL rules see what a driver raised through hal.dll; so are the driver's;
 * - KeQueryPerformanceCounter is the counter user mode reads with QueryPerformanceCounter (its
 *   kernel-mode equivalent, Microsoft's "Acquiring high-resolution time stamps"), with the same
 *   frequency;
 * - misuse in child processes (exit status + STOP line): a PagedPool allocation while holding a
 *   hal.dll spin lock is BAD_POOL_CALLER 0xC2 subcode 0x08 (P2 the IRQL, P3 the pool type, P4 the
 *   size; windows-behavior.md 3.1: checked on free builds too); with the verifier on
 *   (NTOSKRNL_VERIFIER=1), KfLowerIrql above the current IRQL is 0xC4/0x31, KfRaiseIrql below it
 *   0xC4/0x30, ExAcquireFastMutex above APC_LEVEL 0xC4/0x33 (Driver Verifier's codes; a free
 *   build checks none of these, ntoskrnl/ke/spin_lock.h);
 * - robustness, a Wine-only situation ("hal.exe builtin_hal", registered with WINEDLLOVERRIDES
 *   ending in hal.dll=b): bound to Wine's builtin hal.dll, the module warns once on stderr and
 *   keeps its own IRQL; the pool and Wine's hal.dll spin locks (on the module's lock words) work.
 *
 * Why here and not in the kernel-mode conformance driver (tests/kmode): the bindings are the
 * loader's view of the program's and the kernel's import tables; QueryPerformanceCounter is a
 * user-mode API; each misuse case ends its process with a bug check (some under the verifier,
 * which conformance.sys does not turn on); the builtin-hal case needs a prefix overriding hal.dll
 * and reads the module's stderr. The spin locks, IRQL round trips, fast mutexes and
 * KeStallExecutionProcessor are tests/kmode/hal.c, run in every place.
 */
#include <windows.h>
#include <stdint.h>

#include "hal_driver.h"
#include "pe_imports.h"
#include "wine_test.h"
#include "wine_test_child.h"

static void test_module(void)
{
    static const char *const kernel_imports[] = {"KeGetCurrentIrql", "KfRaiseIrql", "KfLowerIrql"};
    static const char *const driver_imports[] = {"KfAcquireSpinLock", "KfReleaseSpinLock", "KeGetCurrentIrql",
                                                 "KfRaiseIrql", "KfLowerIrql", "ExAcquireFastMutex",
                                                 "KeAcquireSpinLock", "KeReleaseSpinLock"};
    HMODULE hal = GetModuleHandleA("hal.dll"), kernel = GetModuleHandleA("ntoskrnl.exe");
    unsigned i;
    ok(kernel && !pe_is_wine_builtin(kernel), "the project's ntoskrnl.exe is not loaded\n");
    ok(hal && !pe_is_wine_builtin(hal), "hal.dll %p is not the project's\n", hal);
    if (!hal || !kernel) return;
    for (i = 0; i < sizeof(kernel_imports) / sizeof(kernel_imports[0]); i++)
    {
        void *bound = pe_bound_import(kernel, "hal.dll", kernel_imports[i]);
        ok(bound && pe_contains(hal, bound), "ntoskrnl.exe's %s bound to %p, outside hal.dll\n", kernel_imports[i], bound);
    }
    for (i = 0; i < sizeof(driver_imports) / sizeof(driver_imports[0]); i++)
    {
        void *bound = pe_bound_import(GetModuleHandleA(NULL), "hal.dll", driver_imports[i]);
        ok(bound && pe_contains(hal, bound), "the driver's %s bound to %p, outside hal.dll\n", driver_imports[i], bound);
    }
    /* The children call the others; this call keeps KeGetCurrentIrql in the program's imports. */
    ok(hd_KeGetCurrentIrql() == HD_PASSIVE_LEVEL, "initial IRQL %u\n", hd_KeGetCurrentIrql());
    /* The stdcall forms through their own imports (what they do in every place: the conformance
     * driver's hal group). */
    {
        uintptr_t lock = 0;
        unsigned char old = hd_KeAcquireSpinLock_stdcall(&lock);
        unsigned char held = hd_KeGetCurrentIrql();
        uintptr_t word = lock;
        hd_KeReleaseSpinLock_stdcall(&lock, old);
        ok(old == HD_PASSIVE_LEVEL && held == HD_DISPATCH_LEVEL && word == 1,
           "KeAcquireSpinLock (stdcall import): old %u, IRQL %u, word %#Ix\n", old, held, word);
        ok(lock == 0 && hd_KeGetCurrentIrql() == HD_PASSIVE_LEVEL, "KeReleaseSpinLock (stdcall import): word %#Ix, IRQL %u\n",
           lock, hd_KeGetCurrentIrql());
    }
}

static void test_timing(void)
{
    LARGE_INTEGER qpf, qpc;
    int64_t frequency = 0, first, second;

    QueryPerformanceFrequency(&qpf);
    first = hd_KeQueryPerformanceCounter(&frequency);
    QueryPerformanceCounter(&qpc);
    second = hd_KeQueryPerformanceCounter(NULL);
    ok(frequency == qpf.QuadPart, "frequency %I64d, QueryPerformanceFrequency %I64d\n", frequency, qpf.QuadPart);
    ok(first <= qpc.QuadPart && qpc.QuadPart <= second, "counter %I64d, QueryPerformanceCounter %I64d, counter %I64d\n",
       first, qpc.QuadPart, second);
}

static BYTE shared_mutex[32];

/* ---- Misuse in child processes ---- */
struct misuse_case { const char *name; DWORD code; const char *stop_name; ULONG64 p[4]; int nparams; int verifier; };
static const struct misuse_case cases[] =
{
    {"paged_pool_under_spin_lock", 0xC2, "BAD_POOL_CALLER", {0x08, HD_DISPATCH_LEVEL, 1, 100}, 4, 0},
    /* 0x09: a free at a bad IRQL, P3 the block's pool type (P4 its address, not checked). */
    {"paged_free_under_spin_lock", 0xC2, "BAD_POOL_CALLER", {0x09, HD_DISPATCH_LEVEL, 1}, 3, 0},
    /* Nonpaged pool is allowed up to DISPATCH_LEVEL, not above. */
    {"nonpaged_pool_above_dispatch", 0xC2, "BAD_POOL_CALLER", {0x08, HD_DISPATCH_LEVEL + 1, 0, 100}, 4, 0},
    /* The IRQL rules a free build does not check (tests/kmode/free_build.c), with the verifier on:
     * Driver Verifier's 0xC4 subcodes 0x31 (P2 current, P3 requested), 0x30 (the same) and 0x33
     * (ExAcquireFastMutex above APC_LEVEL: P2 the IRQL, P3 the mutex). */
    {"lower_above", 0xC4, "DRIVER_VERIFIER_DETECTED_VIOLATION", {0x31, HD_PASSIVE_LEVEL, HD_DISPATCH_LEVEL, 0}, 4, 1},
    {"raise_below", 0xC4, "DRIVER_VERIFIER_DETECTED_VIOLATION", {0x30, HD_DISPATCH_LEVEL, HD_APC_LEVEL}, 3, 1},
    {"fast_mutex_above_apc", 0xC4, "DRIVER_VERIFIER_DETECTED_VIOLATION", {0x33, HD_DISPATCH_LEVEL}, 2, 1},
};

static void run_child(const char *name)
{
    static uintptr_t lock;
    if (!strcmp(name, "builtin_hal"))
    {
        HMODULE hal = GetModuleHandleA("hal.dll"), kernel = GetModuleHandleA("ntoskrnl.exe");
        void *p = hd_ExAllocatePoolWithTag(1, 100);
        unsigned char old = hd_KeAcquireSpinLock(&lock);   /* Wine's: onto the module's lock word */
        printf("HAL %s KERNEL %s POOL %s LOCK %s\n", hal && pe_is_wine_builtin(hal) ? "builtin" : "other",
               kernel && !pe_is_wine_builtin(kernel) ? "project" : "other", p ? "ok" : "null", (lock & 1) ? "held" : "free");
        fflush(stdout);
        hd_KeReleaseSpinLock(&lock, old);
        if (p) hd_ExFreePool(p);
        ExitProcess(0);
    }
    if (!strcmp(name, "paged_pool_under_spin_lock")) { hd_KeAcquireSpinLock(&lock); hd_ExAllocatePoolWithTag(1, 100); }
    else if (!strcmp(name, "paged_free_under_spin_lock"))
    {
        void *p = hd_ExAllocatePoolWithTag(1, 100);
        hd_KeAcquireSpinLock(&lock);
        hd_ExFreePool(p);
    }
    else if (!strcmp(name, "nonpaged_pool_above_dispatch")) { hd_KeRaiseIrql(HD_DISPATCH_LEVEL + 1); hd_ExAllocatePoolWithTag(0, 100); }
    else if (!strcmp(name, "lower_above")) hd_KeLowerIrql(HD_DISPATCH_LEVEL);
    else if (!strcmp(name, "raise_below")) { hd_KeRaiseIrqlToDpcLevel(); hd_KeRaiseIrql(HD_APC_LEVEL); }
    else if (!strcmp(name, "fast_mutex_above_apc")) { hd_ExInitializeFastMutex(shared_mutex); hd_KeRaiseIrqlToDpcLevel(); hd_ExAcquireFastMutex(shared_mutex); }
    else ExitProcess(0x7E);
    ExitProcess(0x7D);   /* no bug check */
}

static void test_misuse(void)
{
    char out[4096], args[128], expect[160];
    unsigned i, k;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    {
        const struct misuse_case *c = &cases[i];
        const char *stop, *at;
        DWORD code;
        winetest_push_context("%s", c->name);
        snprintf(args, sizeof(args), "child %s", c->name);
        SetEnvironmentVariableA("NTOSKRNL_VERIFIER", c->verifier ? "1" : NULL);
        code = winetest_run_self(args, out, sizeof(out));
        SetEnvironmentVariableA("NTOSKRNL_VERIFIER", NULL);
        ok(code == c->code, "exit code %#lx, expected %#lx; output \"%s\"\n", code, c->code, out);
        stop = strstr(out, "*** STOP: ");
        ok(stop != NULL, "no STOP line in \"%s\"\n", out);
        if (stop)
        {
            snprintf(expect, sizeof(expect), "*** STOP: 0x%08lX (", c->code);
            ok(!strncmp(stop, expect, strlen(expect)), "STOP line \"%s\"\n", stop);
            at = stop + strlen(expect);
            for (k = 0; k < (unsigned)c->nparams && at; k++)
            {
                ok(strtoull(at, NULL, 16) == c->p[k], "P%u in \"%s\"\n", k + 1, stop);
                at = strchr(at, ',');
                if (at) at++;
            }
            ok(strstr(stop, c->stop_name) != NULL, "name missing in \"%s\"\n", stop);
            ok(!strstr(stop + 1, "*** STOP: "), "more than one STOP line in \"%s\"\n", out);
        }
        winetest_pop_context();
    }
}

static void test_builtin_hal_fallback(void)
{
    char out[4096];
    const char *warning = "ntoskrnl.exe: warning: the hal.dll loaded with this module does not keep an IRQL";
    const char *first;
    DWORD code;

    /* The child, not this process: its stderr is what is checked. */
    code = winetest_run_self("child builtin_hal", out, sizeof(out));
    ok(code == 0, "exit code %#lx; output \"%s\"\n", code, out);
    ok(strstr(out, "HAL builtin KERNEL project POOL ok LOCK held") != NULL, "output \"%s\"\n", out);
    first = strstr(out, warning);
    ok(first != NULL, "no warning in \"%s\"\n", out);
    if (first) ok(!strstr(first + 1, warning), "more than one warning in \"%s\"\n", out);
}

START_TEST(hal)
{
    char **argv;
    int argc = winetest_get_mainargs(&argv);
    if (argc >= 3 && !strcmp(argv[1], "child"))
    {
        run_child(argv[2]);
        return;
    }
    if (argc >= 2 && !strcmp(argv[1], "builtin_hal"))
    {
        test_builtin_hal_fallback();
        return;
    }
    test_module();
    test_timing();
    test_misuse();
}
