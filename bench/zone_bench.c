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

#include "bench_timing.h"
#include "pe_imports.h"
#include "zone_bench.h"

/* The measured routines take a count; bench_measure passes a context too. */
static void (*measured)(uint64_t n);
static void run_measured(void *ctx, uint64_t n) { (void)ctx; measured(n); }

static void measure(const char *name, const char *text, void (*fn)(uint64_t))
{
    struct bench_timing t;
    measured = fn;
    t = bench_measure(run_measured, NULL);
    printf("RESULT %s %.2f min=%.2f max=%.2f\n  %-44s %10.2f ns\n", name, t.ns, t.min, t.max, text, t.ns);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    static char segment[16384] __attribute__((aligned(16)));
    HMODULE kernel = GetModuleHandleA("ntoskrnl.exe");
    long status;

    (void)pe_bound_import;
    (void)pe_contains;
    if (argc > 2 && !strcmp(argv[1], "--time")) bench_seconds = atof(argv[2]);
    bench_init_clock();
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
