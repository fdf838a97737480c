/*
 * lookaside_bench.exe: the lookaside hit path and the depth tuning of whichever ntoskrnl.exe Wine
 * bound this program to (bench/lookaside_run.sh runs it against the project's module and Wine's
 * builtin). A benchmark, not a test.
 *
 * Workloads:
 *   lookaside_hit_pair  ExAllocateFromNPagedLookasideList + ExFreeToNPagedLookasideList (header
 *                       inlines) on a warm list, 64-byte blocks: ns per pair.
 *   cas2_baseline       two uncontended compare-exchanges of an SList header's width
 *                       (cmpxchg8b on i386, cmpxchg16b on x64), each after reading the header,
 *                       as a pop and a push do: the floor a hit pair cannot go under. Target:
 *                       lookaside_hit_pair <= 1.3 x cas2_baseline.
 *   burst curve         bursts of 64 allocations then 64 frees for --seconds (default 6): the
 *                       allocation miss ratio and Depth of each one-second window
 *                       (CURVE <second> <miss%> <depth>).
 * Output: RESULT <workload> <ns> min=<ns> max=<ns>, CURVE lines, MODULE <wine-builtin|native> <path>.
 */
#include <windows.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lookaside_bench.h"
#include "pe_imports.h"

#define ROUNDS 5

static double g_time = 0.5, g_qpc_period;

static double now(void)
{
    LARGE_INTEGER t;
    QueryPerformanceCounter(&t);
    return (double)t.QuadPart * g_qpc_period;
}

#ifdef _WIN64
typedef unsigned __int128 header_t;
#else
typedef uint64_t header_t;
#endif
static volatile header_t cas_header __attribute__((aligned(16)));

static void __attribute__((noinline)) cas_pairs(unsigned long n)
{
    unsigned long i;
    for (i = 0; i < n; i++)
    {
        int k;
        for (k = 0; k < 2; k++)
        {
            header_t old = cas_header;   /* read, then swap in the successor, as pop and push do */
            __sync_bool_compare_and_swap(&cas_header, old, old + 0x10001);
        }
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Calibrates a batch to ~1/8 of a round, then ROUNDS timed rounds; median ns per operation. */
static void measure(const char *name, void (*fn)(unsigned long))
{
    unsigned long batch = 1000, ops;
    double t0, elapsed, ns[ROUNDS], round_time = g_time / ROUNDS;
    int r;
    for (;;)
    {
        t0 = now();
        fn(batch);
        if (now() - t0 > round_time / 8 || batch > (1ul << 30)) break;
        batch *= 2;
    }
    for (r = 0; r < ROUNDS; r++)
    {
        ops = 0;
        t0 = now();
        do { fn(batch); ops += batch; } while ((elapsed = now() - t0) < round_time);
        ns[r] = elapsed * 1e9 / (double)ops;
    }
    qsort(ns, ROUNDS, sizeof(ns[0]), cmp_double);
    printf("RESULT %s %.2f min=%.2f max=%.2f\n", name, ns[ROUNDS / 2], ns[0], ns[ROUNDS - 1]);
}

static void burst_curve(int seconds)
{
    unsigned long allocs0, misses0, allocs, misses;
    unsigned depth;
    int s;
    lb_stats(&allocs0, &misses0, &depth);
    for (s = 1; s <= seconds; s++)
    {
        double end = now() + 1.0;
        while (now() < end) lb_bursts(4);
        lb_stats(&allocs, &misses, &depth);
        printf("CURVE %d %.1f %u\n", s, allocs > allocs0 ? 100.0 * (double)(misses - misses0) / (double)(allocs - allocs0) : 0.0,
               depth);
        allocs0 = allocs;
        misses0 = misses;
    }
}

int main(int argc, char **argv)
{
    HMODULE kernel = GetModuleHandleA("ntoskrnl.exe");
    char path[MAX_PATH] = "?";
    LARGE_INTEGER f;
    int i, seconds = 6;

    for (i = 1; i < argc; i++)
    {
        if (!strcmp(argv[i], "--time") && i + 1 < argc) g_time = atof(argv[++i]);
        else if (!strcmp(argv[i], "--seconds") && i + 1 < argc) seconds = atoi(argv[++i]);
    }
    QueryPerformanceFrequency(&f);
    g_qpc_period = 1.0 / (double)f.QuadPart;
    if (kernel) GetModuleFileNameA(kernel, path, sizeof(path));
    printf("MODULE %s %s\n", kernel && pe_is_wine_builtin(kernel) ? "wine-builtin" : "native", path);
    {
        const char *pop = sizeof(void *) == 8 ? "ExpInterlockedPopEntrySList" : "InterlockedPopEntrySList";
        void *bound = pe_bound_import(GetModuleHandleA(NULL), "ntoskrnl.exe", pop);
        if (!kernel || !bound || !pe_contains(kernel, bound))
        {
            printf("MISSING %s not bound to ntoskrnl.exe\n", pop);
            return 2;
        }
    }

    lb_create(64, 0x6B4C6E42 /* "BnLk" */);
    lb_hit_pairs(16);   /* warm: the list holds blocks from here on */
    measure("lookaside_hit_pair", lb_hit_pairs);
    measure("cas2_baseline", cas_pairs);
    lb_delete();

    lb_create(64, 0x72424C42 /* "BLBr" */);
    burst_curve(seconds);
    lb_delete();
    printf("DONE\n");
    return 0;
}
