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
#include "bench_timing.h"
#include "pe_imports.h"

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

/* The measured routines take a count; bench_measure passes a context too. */
static void run_hit_pairs(void *ctx, uint64_t n) { (void)ctx; lb_hit_pairs((unsigned long)n); }
static void run_cas_pairs(void *ctx, uint64_t n) { (void)ctx; cas_pairs((unsigned long)n); }

static void measure(const char *name, void (*fn)(void *, uint64_t))
{
    struct bench_timing t = bench_measure(fn, NULL);
    printf("RESULT %s %.2f min=%.2f max=%.2f\n", name, t.ns, t.min, t.max);
}

static void burst_curve(int seconds)
{
    unsigned long allocs0, misses0, allocs, misses;
    unsigned depth;
    int s;
    lb_stats(&allocs0, &misses0, &depth);
    for (s = 1; s <= seconds; s++)
    {
        double end = bench_now() + 1.0;
        while (bench_now() < end) lb_bursts(4);
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
    int i, seconds = 6;

    for (i = 1; i < argc; i++)
    {
        if (!strcmp(argv[i], "--time") && i + 1 < argc) bench_seconds = atof(argv[++i]);
        else if (!strcmp(argv[i], "--seconds") && i + 1 < argc) seconds = atoi(argv[++i]);
    }
    bench_init_clock();
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
    measure("lookaside_hit_pair", run_hit_pairs);
    measure("cas2_baseline", run_cas_pairs);
    lb_delete();

    lb_create(64, 0x72424C42 /* "BLBr" */);
    burst_curve(seconds);
    lb_delete();
    printf("DONE\n");
    return 0;
}
