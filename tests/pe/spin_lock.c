/*
 * Spin locks and the emulated IRQL (windows-behavior.md 1.6, 3.10), through the DDK headers'
 * own expansions (spin_lock_driver.c):
 * - a KSPIN_LOCK has bit 0 set while held and is 0 when free; the raising acquire returns the
 *   previous IRQL and leaves the caller at DISPATCH_LEVEL, the release lowers it again;
 * - the AtDpcLevel forms (i386 fastcall Kef* and stdcall Ke*) take the lock without raising;
 * - hal.dll: on i386 drivers import KfAcquireSpinLock / KfReleaseSpinLock / KeGetCurrentIrql /
 *   KfRaiseIrql / KfLowerIrql from hal.dll: the project's hal.dll, which keeps the IRQL the module
 *   checks (tests/pe/hal.c tests it in depth). On x86_64 Wine's hal.dll forwards KeLowerIrql to
 *   the module.
 * - in-stack queued locks at DPC level and the Unsafe fast mutex routines (Wine's hal imports);
 * - misuse, each in a child process that must end with the STOP line and the code as exit
 *   status: raising below the current IRQL (0x09), lowering above it (0x0A), acquiring above
 *   DISPATCH_LEVEL (0x09), acquiring a lock the thread holds (0x0F), releasing one it does not
 *   hold (0x10); codes from Microsoft's bug check reference (see ntoskrnl/ke/spin_lock.h).
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
    ok(lock & 1, "lock word %#Ix while held\n", lock);
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
    ok(lock & 1, "Kef/KeAcquireSpinLockAtDpcLevel: lock word %#Ix\n", lock);
    sd_KeReleaseSpinLockFromDpcLevel(&lock);
    ok(lock == 0, "lock word %#Ix after release\n", lock);
    sd_KeAcquireSpinLockAtDpcLevel_stdcall(&lock);
    ok(lock & 1, "KeAcquireSpinLockAtDpcLevel (stdcall): lock word %#Ix\n", lock);
    sd_KeReleaseSpinLockFromDpcLevel_stdcall(&lock);
    ok(lock == 0, "lock word %#Ix after release\n", lock);

    ok(sd_lock_queue_handle_size() <= sizeof(handle), "KLOCK_QUEUE_HANDLE too big\n");
    ok(sd_KeAcquireInStackQueuedSpinLockAtDpcLevel(&lock, handle) == &lock, "handle does not record the lock\n");
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

/* ---- Misuse in child processes ---- */
struct misuse_case { const char *name; DWORD code; const char *stop_name; int p1_is_lock; ULONG64 p1, p2; };
static const struct misuse_case cases[] =
{
    {"raise_below", 0x09, "IRQL_NOT_GREATER_OR_EQUAL", 0, SD_DISPATCH_LEVEL, SD_APC_LEVEL},
    {"lower_above", 0x0A, "IRQL_NOT_LESS_OR_EQUAL", 0, SD_DISPATCH_LEVEL, SD_PASSIVE_LEVEL},
    {"acquire_above_dispatch", 0x09, "IRQL_NOT_GREATER_OR_EQUAL", 0, 15, SD_DISPATCH_LEVEL},
    {"acquire_owned", 0x0F, "SPIN_LOCK_ALREADY_OWNED", 1, 0, 0},
    {"release_free", 0x10, "SPIN_LOCK_NOT_OWNED", 1, 0, 0},
};
static uintptr_t child_lock;

static void run_child(const char *name)
{
    printf("LOCK %p\n", (void *)&child_lock);
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
    char out[4096], args[128], expect[160];
    unsigned i;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    {
        const struct misuse_case *c = &cases[i];
        ULONG64 lock = 0, p1;
        const char *stop;
        DWORD code;
        winetest_push_context("%s", c->name);
        snprintf(args, sizeof(args), "child %s", c->name);
        code = winetest_run_self(args, out, sizeof(out));
        ok(code == c->code, "exit code %#lx, expected %#lx; output \"%s\"\n", code, c->code, out);
        if (!strncmp(out, "LOCK ", 5)) lock = strtoull(out + 5, NULL, 16);
        stop = strstr(out, "*** STOP: ");
        ok(stop != NULL, "no STOP line in \"%s\"\n", out);
        if (stop)
        {
            snprintf(expect, sizeof(expect), "*** STOP: 0x%08lX (0x", c->code);
            ok(!strncmp(stop, expect, strlen(expect)), "STOP line \"%s\"\n", stop);
            p1 = strtoull(stop + strlen(expect), NULL, 16);
            ok(p1 == (c->p1_is_lock ? lock : c->p1), "P1 %#I64x\n", p1);
            if (!c->p1_is_lock)
            {
                const char *comma = strchr(stop, ',');
                ok(comma && strtoull(comma + 3, NULL, 16) == c->p2, "P2 in \"%s\"\n", stop);
            }
            ok(strstr(stop, c->stop_name) != NULL, "name missing in \"%s\"\n", stop);
        }
        winetest_pop_context();
    }
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
