/*
 * zone_bench.exe: zone allocate/free pairs through the DDK macros (plain and interlocked) and
 * spin lock acquire/release pairs, against whichever ntoskrnl.exe the loader bound (the
 * project's with WINEDLLOVERRIDES=ntoskrnl.exe=n, Wine's builtin with =b). Wine's builtin
 * ExInitializeZone returns STATUS_NOT_IMPLEMENTED and its Ex(f)InterlockedPop/PushEntryList are
 * stubs that abort, so against it the zone rows print "not comparable" instead of running.
 * Output: "RESULT name ns-per-pair" lines, median of 5 rounds.
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

#include "pe_imports.h"
#include "zone_bench.h"

#define ROUNDS 5

static double g_time = 0.5, g_period;

static double now(void)
{
    LARGE_INTEGER c;
    QueryPerformanceCounter(&c);
    return (double)c.QuadPart * g_period;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void measure(const char *name, const char *text, void (*fn)(uint64_t))
{
    double per[ROUNDS], t0, t;
    uint64_t n = 1;
    for (;;)
    {
        t0 = now();
        fn(n);
        if (now() - t0 >= g_time / ROUNDS / 8 || n >= (1ull << 40)) break;
        n *= 2;
    }
    for (int k = 0; k < ROUNDS; k++)
    {
        uint64_t ops = 0;
        t0 = now();
        do
        {
            fn(n);
            ops += n;
            t = now();
        } while (t - t0 < g_time / ROUNDS);
        per[k] = (t - t0) * 1e9 / (double)ops;
    }
    qsort(per, ROUNDS, sizeof(per[0]), cmp);
    printf("RESULT %s %.2f min=%.2f max=%.2f\n  %-44s %10.2f ns\n", name, per[ROUNDS / 2], per[0], per[ROUNDS - 1],
           text, per[ROUNDS / 2]);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    static char segment[16384] __attribute__((aligned(16)));
    HMODULE kernel = GetModuleHandleA("ntoskrnl.exe");
    LARGE_INTEGER f;
    long status;

    (void)pe_bound_import;
    (void)pe_contains;
    if (argc > 2 && !strcmp(argv[1], "--time")) g_time = atof(argv[2]);
    QueryPerformanceFrequency(&f);
    g_period = 1.0 / (double)f.QuadPart;
    if (!kernel)
    {
        printf("ERROR ntoskrnl.exe is not loaded\n");
        return 2;
    }
    printf("zone_bench: %s, ntoskrnl.exe %s\n", sizeof(void *) == 8 ? "x86_64" : "i386",
           pe_is_wine_builtin(kernel) ? "wine-builtin" : "native (the project's)");
    measure("spinlock_pair", "KeAcquireSpinLock + KeReleaseSpinLock", zb_spin_lock_pairs);
    status = zb_init(segment, sizeof(segment));
    if (status)
    {
        printf("NOTCOMPARABLE zone_plain_pair zone_interlocked_pair: ExInitializeZone returned %#lx\n", status);
        return 0;
    }
    measure("zone_plain_pair", "ExAllocateFromZone + ExFreeToZone", zb_plain_pairs);
    measure("zone_interlocked_pair", "ExInterlockedAllocateFromZone + FreeToZone", zb_interlocked_pairs);
    printf("DONE\n");
    return 0;
}
