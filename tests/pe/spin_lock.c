/*
 * Spin locks and the emulated IRQL (windows-behavior.md 1.6, 3.10), through the DDK headers'
 * own expansions (spin_lock_driver.c):
 * - a KSPIN_LOCK is 1 while held and 0 when free (a free multiprocessor build's word: ReactOS's
 *   kmtest KeSpinLock.c, validated on Windows); the raising acquire returns the previous IRQL and
 *   leaves the caller at DISPATCH_LEVEL, the release lowers it again;
 * - the AtDpcLevel forms (i386 fastcall Kef* and stdcall Ke*) take the lock without raising;
 * - hal.dll: on i386 drivers import KfAcquireSpinLock / KfReleaseSpinLock / KeGetCurrentIrql /
 *   KfRaiseIrql / KfLowerIrql from hal.dll: the project's hal.dll, which keeps the IRQL the module
 *   checks (tests/pe/hal.c tests it in depth). On x86_64 Wine's hal.dll forwards KeLowerIrql to
 *   the module.
 * - in-stack queued locks at DPC level and the Unsafe fast mutex routines (Wine's hal imports);
 * - misuse: a free build checks none of it (tests/pe/free_build.c); with the verifier on
 *   (NTOSKRNL_VERIFIER=1 in the child's environment, what the driver host's --verifier sets), each
 *   case in a child process must end with the STOP line and the code as exit status: raising below
 *   the current IRQL 0xC4/0x30, lowering above it 0xC4/0x31, acquiring above DISPATCH_LEVEL
 *   0xC4/0x42 (Driver Verifier's codes, Microsoft's bug check reference for 0xC4), acquiring a
 *   lock the thread holds 0x0F, releasing one it does not hold 0x10 (see ntoskrnl/ke/spin_lock.h).
 */
#include <windows.h>
#include <stdint.h>

#include "pe_imports.h"
#include "spin_lock_driver.h"
#include "wine_test.h"
#include "wine_test_child.h"

static uintptr_t shared_lock;
static volatile LONG counter;

static DWORD WINAPI contender(void *arg)
{
    (void)arg;
    int i;
    for (i = 0; i < 2000; i++)
    {
        unsigned char old = sd_KeAcquireSpinLock(&shared_lock);
        LONG seen = counter;   /* a read-modify-write that only exclusion keeps exact */
        if (!(i % 64)) Sleep(0);
        counter = seen + 1;
        sd_KeReleaseSpinLock(&shared_lock, old);
    }
    return 0;
}

static void test_raising_acquire(void)
{
    uintptr_t lock = (uintptr_t)-1;
    unsigned char old;
    HANDLE threads[3];
    int i;

    sd_KeInitializeSpinLock(&lock);
    ok(lock == 0, "KeInitializeSpinLock left %#Ix\n", lock);
    lock = (uintptr_t)-1;
    sd_KeInitializeSpinLock_export(&lock);
    ok(lock == 0, "KeInitializeSpinLock (export) left %#Ix\n", lock);

    old = sd_KeAcquireSpinLock(&lock);
    ok(old == SD_PASSIVE_LEVEL, "KeAcquireSpinLock returned IRQL %u\n", old);
    ok(lock == 1, "lock word %#Ix while held\n", lock);
    ok(sd_KeGetCurrentIrql() == SD_DISPATCH_LEVEL, "IRQL %u while holding a spin lock\n", sd_KeGetCurrentIrql());
    sd_KeReleaseSpinLock(&lock, old);
    ok(lock == 0, "lock word %#Ix after release\n", lock);
    ok(sd_KeGetCurrentIrql() == SD_PASSIVE_LEVEL, "IRQL %u after release\n", sd_KeGetCurrentIrql());

    counter = 0;
    for (i = 0; i < 3; i++) threads[i] = CreateThread(NULL, 0, contender, NULL, 0, NULL);
    WaitForMultipleObjects(3, threads, TRUE, INFINITE);
    for (i = 0; i < 3; i++) CloseHandle(threads[i]);
    ok(counter == 3 * 2000, "counter %ld: the lock did not exclude\n", counter);
    ok(shared_lock == 0, "lock word %#Ix afterwards\n", shared_lock);
}

static void test_at_dpc_level(void)
{
    uintptr_t lock = 0;
    BYTE handle[64];
    BYTE mutex[64];
    unsigned char old = sd_KeRaiseIrqlToDpcLevel();   /* i386: hal.dll's */

    sd_KeAcquireSpinLockAtDpcLevel(&lock);
    ok(lock == 1, "Kef/KeAcquireSpinLockAtDpcLevel: lock word %#Ix\n", lock);
    sd_KeReleaseSpinLockFromDpcLevel(&lock);
    ok(lock == 0, "lock word %#Ix after release\n", lock);
    sd_KeAcquireSpinLockAtDpcLevel_stdcall(&lock);
    ok(lock == 1, "KeAcquireSpinLockAtDpcLevel (stdcall): lock word %#Ix\n", lock);
    sd_KeReleaseSpinLockFromDpcLevel_stdcall(&lock);
    ok(lock == 0, "lock word %#Ix after release\n", lock);

    ok(sd_lock_queue_handle_size() <= sizeof(handle), "KLOCK_QUEUE_HANDLE too big\n");
    /* LOCK_QUEUE_OWNER (2) in the held handle's Lock (kmtest KeSpinLock.c, free MP builds). */
    ok(sd_KeAcquireInStackQueuedSpinLockAtDpcLevel(&lock, handle) == (void *)((uintptr_t)&lock | 2),
       "handle does not record the lock as owned\n");
    /* The word names the tail of the queue: the holder's KSPIN_LOCK_QUEUE (the handle's LockQueue). */
    ok(lock == (uintptr_t)handle, "in-stack queued lock: lock word %#Ix while held, handle %p\n", lock, handle);
    sd_KeReleaseInStackQueuedSpinLockFromDpcLevel(handle);
    ok(lock == 0, "lock word %#Ix after release\n", lock);
    ok(sd_KeGetCurrentIrql() == SD_DISPATCH_LEVEL, "AtDpcLevel routines changed the IRQL to %u\n", sd_KeGetCurrentIrql());
    sd_KeLowerIrql(old);

    ok(sd_fast_mutex_size() == (sizeof(void *) == 8 ? 56 : 32), "FAST_MUTEX is %Iu bytes\n", sd_fast_mutex_size());
    sd_ExInitializeFastMutex(mutex);
    ok(sd_fast_mutex_count(mutex) == 1, "initial Count %ld\n", sd_fast_mutex_count(mutex));
    sd_ExAcquireFastMutexUnsafe(mutex);
    ok(sd_fast_mutex_count(mutex) == 0, "Count %ld while owned\n", sd_fast_mutex_count(mutex));
    ok(sd_fast_mutex_owner(mutex) != NULL, "no Owner while owned\n");
    sd_ExReleaseFastMutexUnsafe(mutex);
    ok(sd_fast_mutex_count(mutex) == 1, "Count %ld after release\n", sd_fast_mutex_count(mutex));
}

static void test_irql(void)
{
    unsigned char old;
    ok(sd_KeGetCurrentIrql() == SD_PASSIVE_LEVEL, "initial IRQL %u\n", sd_KeGetCurrentIrql());
    old = sd_KeRaiseIrqlToDpcLevel();
    ok(old == SD_PASSIVE_LEVEL, "KeRaiseIrqlToDpcLevel returned %u\n", old);
    ok(sd_KfRaiseIrql(SD_HIGH_LEVEL) == SD_DISPATCH_LEVEL, "KfRaiseIrql did not return DISPATCH_LEVEL\n");
    ok(sd_KeGetCurrentIrql() == SD_HIGH_LEVEL, "IRQL %u after KfRaiseIrql(HIGH_LEVEL)\n", sd_KeGetCurrentIrql());
    sd_KeLowerIrql(SD_DISPATCH_LEVEL);
    ok(sd_KeGetCurrentIrql() == SD_DISPATCH_LEVEL, "IRQL %u after KeLowerIrql(DISPATCH_LEVEL)\n", sd_KeGetCurrentIrql());
    sd_KeLowerIrql(old);
    ok(sd_KeGetCurrentIrql() == SD_PASSIVE_LEVEL, "IRQL %u at the end\n", sd_KeGetCurrentIrql());
}

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
        unsigned i;
        ok(hal && !pe_is_wine_builtin(hal), "hal.dll %p is not the project's\n", hal);
        if (!hal) return;
        for (i = 0; i < sizeof(exe_hal) / sizeof(exe_hal[0]); i++)
        {
            void *bound = pe_bound_import(GetModuleHandleA(NULL), "hal.dll", exe_hal[i]);
            ok(bound && pe_contains(hal, bound), "%s bound to %p, outside hal.dll\n", exe_hal[i], bound);
        }
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
    test_raising_acquire();
    test_at_dpc_level();
    test_irql();
    test_misuse();
}
