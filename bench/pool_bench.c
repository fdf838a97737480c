/*
 * pool_bench.exe: speed of the pool routines of whichever ntoskrnl.exe Wine bound this program's
 * imports to (the project's module with WINEDLLOVERRIDES=ntoskrnl.exe=n and the module next to
 * the program; Wine's builtin with ntoskrnl.exe=b). bench/run.sh runs it against both and
 * compares. A benchmark, not a test: it always exits 0 once it has measured (2 if the bound
 * module lacks a pool export, 3 if allocations failed).
 *
 * Usage: pool_bench [--time SECONDS] [--only NAME[,NAME...]] [--list]
 *   --time  seconds spent measuring each workload (default 0.5, or $POOL_BENCH_TIME); the
 *           iteration counts follow from it, so slow (emulated) runs stay bounded in time.
 *   --only  run only the workloads whose names start with one of the given prefixes.
 *
 * Output: human text, plus one machine-readable line per workload:
 *   RESULT <workload> <ns_per_op> <key=value>...
 * and one line naming the module the imports were bound to:
 *   MODULE <wine-builtin|native> <path>
 * and what the pool's first use (one pair of each type) added to the address space:
 *   MEM first_use as_delta=<bytes> commit_delta=<bytes> us=<microseconds>
 *
 * Method: QueryPerformanceCounter; each workload first runs untimed while it calibrates its batch
 * size (the warm-up), then runs BENCH_ROUNDS timed rounds of time/BENCH_ROUNDS seconds each; the reported
 * figure is the median round (min and max are in the extra fields).
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pool_bench.h"
#include "bench_timing.h"
#include "pe_imports.h"

static const char *g_only;             /* comma-separated name prefixes, or NULL for all */
static int g_list;

static int selected(const char *name)
{
    const char *p = g_only;
    if (g_list) { printf("%s\n", name); return 0; }
    if (!p) return 1;
    while (*p)
    {
        size_t len = strcspn(p, ",");
        if (len && !strncmp(name, p, len)) return 1;
        p += len;
        if (*p == ',') p++;
    }
    return 0;
}

static void report(const char *name, const struct bench_timing *t, const char *extra, const char *text)
{
    printf("RESULT %s %.2f min=%.2f max=%.2f ops=%.0f%s%s\n", name, t->ns, t->min, t->max, t->ops,
           extra && *extra ? " " : "", extra ? extra : "");
    printf("  %-44s %10.2f ns\n", text, t->ns);
    fflush(stdout);
}

/* ---- Allocate+free pairs by size class ---- */

struct pair_ctx { int type; size_t size; };

static void pairs_tagged(void *ctx, uint64_t n)
{
    struct pair_ctx *c = ctx;
    drv_pairs_tagged(c->type, c->size, n);
}

static void pairs_untagged(void *ctx, uint64_t n)
{
    struct pair_ctx *c = ctx;
    drv_pairs_untagged(c->type, c->size, n);
}

static void run_pairs(void)
{
    static const size_t sizes[] = {8, 16, 64, 256, 1000, 4000, 8192, 65536};
    char name[64], text[96];

    for (int type = BENCH_NONPAGED; type <= BENCH_PAGED; type++)
        for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
        {
            struct pair_ctx c = {type, sizes[i]};
            struct bench_timing t;
            snprintf(name, sizeof(name), "pair_%s_%u", type == BENCH_PAGED ? "paged" : "nonpaged", (unsigned)sizes[i]);
            if (!selected(name)) continue;
            t = bench_measure(pairs_tagged, &c);
            snprintf(text, sizeof(text), "%s %u B pair (WithTag), per pair", type == BENCH_PAGED ? "paged" : "nonpaged",
                     (unsigned)sizes[i]);
            report(name, &t, NULL, text);
        }

    if (selected("pair_untagged_nonpaged_64"))
    {
        struct pair_ctx c = {BENCH_NONPAGED, 64};
        struct bench_timing t = bench_measure(pairs_untagged, &c);
        report("pair_untagged_nonpaged_64", &t, NULL, "nonpaged 64 B pair (ExAllocatePool/ExFreePool)");
    }
}

/* ---- Floors: what the workloads cannot go under, measured in the same run ---- */

static void floor_pairs(void *ctx, uint64_t n)
{
    (void)ctx;
    drv_floor_pairs(BENCH_NONPAGED, 64, n);
}

/* Two uncontended compare-exchanges per operation, each after reading the word (as a free that
 * marks a header and an allocation that would claim one do). */
static volatile LONG floor_word;

static void floor_cas2(void *ctx, uint64_t n)
{
    (void)ctx;
    for (uint64_t i = 0; i < n; i++)
        for (int k = 0; k < 2; k++)
        {
            LONG old = floor_word;
            InterlockedCompareExchange(&floor_word, old + 1, old);
        }
}

/* One cache line touched per step, chosen at random in a working set as big as churn_65536's
 * live set. Each index mixes the generator's next value with the word read in the previous
 * step (always 0, which the CPU cannot know), so the accesses are serialised: a step costs one
 * cache-missing access (and its TLB miss), not a share of several overlapped ones. */
struct floor_line { volatile uint32_t read; volatile uint32_t written; char pad[56]; };
struct floor_miss_ctx { struct floor_line *line; uint32_t lines; uint64_t rng; uint32_t last; };

static void floor_miss(void *ctx, uint64_t n)
{
    struct floor_miss_ctx *c = ctx;
    uint32_t v = c->last;
    for (uint64_t k = 0; k < n; k++)
    {
        uint32_t x = (uint32_t)(bench_random(&c->rng) >> 32) ^ v;
        struct floor_line *l = &c->line[(uint32_t)(((uint64_t)x * c->lines) >> 32)];
        v = l->read;
        l->written = (uint32_t)k;
    }
    c->last = v;
}

/* The live bytes churn_<count> fills (its generator, seed and size rule replayed). */
static uint64_t churn_live_bytes(uint32_t count)
{
    uint64_t rng = 0x9E3779B97F4A7C15ull ^ count, bytes = 0;
    for (uint32_t i = 0; i < count; i++) bytes += 8 + (uint32_t)(bench_random(&rng) >> 32) % 505;
    return bytes;
}

static void run_floors(void)
{
    struct bench_timing t;
    char extra[96];

    if (selected("floor_static_pair"))
    {
        t = bench_measure(floor_pairs, NULL);
        report("floor_static_pair", &t, NULL, "floor: imported static-block allocate + free, per pair");
    }
    if (selected("floor_cas2"))
    {
        t = bench_measure(floor_cas2, NULL);
        report("floor_cas2", &t, NULL, "floor: two uncontended InterlockedCompareExchange");
    }
    if (selected("floor_miss_65536"))
    {
        uint64_t bytes = churn_live_bytes(65536);
        struct floor_miss_ctx c = {0};
        c.lines = (uint32_t)((bytes + 63) / 64);
        c.rng = 0x9E3779B97F4A7C15ull ^ 65536;
        c.line = VirtualAlloc(NULL, (SIZE_T)c.lines * sizeof(*c.line), MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
        if (!c.line) { printf("ERROR floor_miss_65536: VirtualAlloc failed\n"); exit(1); }
        for (uint32_t i = 0; i < c.lines; i++) c.line[i].written = i;   /* commit every page */
        t = bench_measure(floor_miss, &c);
        snprintf(extra, sizeof(extra), "working_set=%.0f", (double)c.lines * sizeof(*c.line));
        report("floor_miss_65536", &t, extra, "floor: one random line of churn_65536's size");
        VirtualFree(c.line, 0, MEM_RELEASE);
    }
}

/* ---- Random churn over a live set ---- */

/* Bytes of address space the process holds: private and mapped regions, committed or reserved
 * (images excluded: they do not change while the benchmark runs). */
static void address_space(uint64_t *total, uint64_t *committed)
{
    SYSTEM_INFO si;
    MEMORY_BASIC_INFORMATION m;
    BYTE *p, *end;

    GetSystemInfo(&si);
    p = si.lpMinimumApplicationAddress;
    end = si.lpMaximumApplicationAddress;
    *total = *committed = 0;
    while (p < end && VirtualQuery(p, &m, sizeof(m)) == sizeof(m))
    {
        if ((m.State == MEM_COMMIT || m.State == MEM_RESERVE) && (m.Type == MEM_PRIVATE || m.Type == MEM_MAPPED))
        {
            *total += m.RegionSize;
            if (m.State == MEM_COMMIT) *committed += m.RegionSize;
        }
        if ((BYTE *)m.BaseAddress + m.RegionSize <= p) break;
        p = (BYTE *)m.BaseAddress + m.RegionSize;
    }
}

static void churn_steps(void *ctx, uint64_t n) { drv_churn_steps(ctx, n); }

static void run_churn(uint32_t count)
{
    struct churn_state c = {0};
    uint64_t as0, cm0, as1, cm1, as2, cm2, fill_live;
    double fill_ns, t0;
    struct bench_timing t;
    char name[64], extra[256], text[96];

    snprintf(name, sizeof(name), "churn_%u", (unsigned)count);
    if (!selected(name)) return;

    /* The bookkeeping arrays come from VirtualAlloc before the first address-space snapshot, so
     * only the pool's own memory shows in the deltas. */
    c.slot = VirtualAlloc(NULL, count * sizeof(*c.slot), MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    c.size = VirtualAlloc(NULL, count * sizeof(*c.size), MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    if (!c.slot || !c.size) { printf("ERROR %s: VirtualAlloc failed\n", name); exit(1); }
    c.count = count;
    c.rng = 0x9E3779B97F4A7C15ull ^ count;

    address_space(&as0, &cm0);
    t0 = bench_now();
    drv_churn_fill(&c);
    fill_ns = (bench_now() - t0) * 1e9 / count;
    address_space(&as1, &cm1);
    fill_live = c.live_bytes;

    t = bench_measure(churn_steps, &c);
    address_space(&as2, &cm2);

    snprintf(extra, sizeof(extra),
             "overhead=%.3f commit_overhead=%.3f overhead_after_churn=%.3f live_bytes=%.0f as_delta=%.0f "
             "commit_delta=%.0f fill_ns=%.1f",
             ((double)as1 - (double)as0) / (double)fill_live, ((double)cm1 - (double)cm0) / (double)fill_live,
             ((double)as2 - (double)as0) / (double)c.live_bytes, (double)fill_live, (double)as1 - (double)as0,
             (double)cm1 - (double)cm0, fill_ns);
    snprintf(text, sizeof(text), "churn, %u live blocks, per free+alloc step", (unsigned)count);
    report(name, &t, extra, text);
    printf("  %-44s %10.3f B of address space per live byte (%.3f committed; %.3f after churn)\n", "",
           ((double)as1 - (double)as0) / (double)fill_live, ((double)cm1 - (double)cm0) / (double)fill_live,
           ((double)as2 - (double)as0) / (double)c.live_bytes);
    fflush(stdout);

    drv_churn_drain(&c);
    VirtualFree(c.slot, 0, MEM_RELEASE);
    VirtualFree(c.size, 0, MEM_RELEASE);
}

/* The pool's first use: whatever it sets up lazily (address-space reservations, tables) shows
 * here, and then not in the churn workloads' deltas. */
static void first_use(void)
{
    uint64_t as0, cm0, as1, cm1;
    double t0, dt;

    address_space(&as0, &cm0);
    t0 = bench_now();
    drv_pairs_tagged(BENCH_NONPAGED, 64, 1);
    drv_pairs_tagged(BENCH_PAGED, 64, 1);
    dt = bench_now() - t0;
    address_space(&as1, &cm1);
    printf("MEM first_use as_delta=%.0f commit_delta=%.0f us=%.1f\n", (double)as1 - (double)as0,
           (double)cm1 - (double)cm0, dt * 1e6);
    printf("pool_bench: first pool use took %.1f us and added %.1f MiB of address space (%.1f MiB committed)\n",
           dt * 1e6, ((double)as1 - (double)as0) / 1048576, ((double)cm1 - (double)cm0) / 1048576);
    fflush(stdout);
}

/* ---- Threads: 64-byte pairs on 1 and 2 threads, producer/consumer ---- */

static volatile long g_ready, g_go, g_stop;

static void start_gate(void)
{
    InterlockedIncrement(&g_ready);
    while (!__atomic_load_n(&g_go, __ATOMIC_ACQUIRE)) bench_pause();
}

struct pair_thread { HANDLE handle; uint64_t pairs; double elapsed; };

static DWORD WINAPI pair_thread_proc(void *arg)
{
    struct pair_thread *t = arg;
    double t0;
    start_gate();
    t0 = bench_now();
    t->pairs = drv_pairs_until(&g_stop, BENCH_NONPAGED, 64);
    t->elapsed = bench_now() - t0;
    return 0;
}

/* Starts `count` threads behind a barrier, lets them run `seconds`, stops them. Returns total
 * pairs per second; *ns_per_pair = mean over threads of that thread's time per pair. */
static double pair_threads_round(int count, double seconds, double *ns_per_pair)
{
    struct pair_thread t[2] = {{0}};
    double throughput = 0, ns = 0;

    g_ready = g_go = g_stop = 0;
    for (int i = 0; i < count; i++)
    {
        t[i].handle = CreateThread(NULL, 0, pair_thread_proc, &t[i], 0, NULL);
        if (!t[i].handle) { printf("ERROR CreateThread failed\n"); exit(1); }
    }
    while (__atomic_load_n(&g_ready, __ATOMIC_ACQUIRE) < count) Sleep(0);
    __atomic_store_n(&g_go, 1, __ATOMIC_RELEASE);
    Sleep((DWORD)(seconds * 1000 + 0.5));
    __atomic_store_n(&g_stop, 1, __ATOMIC_RELEASE);
    for (int i = 0; i < count; i++)
    {
        WaitForSingleObject(t[i].handle, INFINITE);
        CloseHandle(t[i].handle);
        throughput += (double)t[i].pairs / t[i].elapsed;
        ns += t[i].elapsed * 1e9 / (double)t[i].pairs;
    }
    *ns_per_pair = ns / count;
    return throughput;
}

/* One warm-up round, then 3 timed rounds; the median round by throughput. */
#define THREAD_ROUNDS 3
static double pair_threads(int count, double *ns_per_pair, double *tmin, double *tmax)
{
    double thr[THREAD_ROUNDS], ns[THREAD_ROUNDS], dummy, sorted[THREAD_ROUNDS];
    int median = 0;

    pair_threads_round(count, bench_seconds / 4, &dummy);
    for (int k = 0; k < THREAD_ROUNDS; k++) thr[k] = pair_threads_round(count, bench_seconds / THREAD_ROUNDS, &ns[k]);
    memcpy(sorted, ns, sizeof(ns));
    qsort(sorted, THREAD_ROUNDS, sizeof(sorted[0]), bench_cmp_double);
    for (int k = 0; k < THREAD_ROUNDS; k++)
        if (ns[k] == sorted[THREAD_ROUNDS / 2]) median = k;
    *ns_per_pair = ns[median];
    *tmin = sorted[0];
    *tmax = sorted[THREAD_ROUNDS - 1];
    return thr[median];
}

static void run_threads(void)
{
    double ns1, ns2, thr1 = 0, thr2, mn, mx;
    char extra[160];
    struct bench_timing t = {0};

    if (!selected("threads1_pair_64") && !selected("threads2_pair_64")) return;
    /* Both, whichever was asked for: the scaling ratio needs both. */
    thr1 = pair_threads(1, &ns1, &mn, &mx);
    t.ns = ns1; t.min = mn; t.max = mx; t.ops = thr1 * bench_seconds;
    snprintf(extra, sizeof(extra), "pairs_per_s=%.0f", thr1);
    report("threads1_pair_64", &t, extra, "nonpaged 64 B pairs, 1 thread, per pair");

    thr2 = pair_threads(2, &ns2, &mn, &mx);
    t.ns = ns2; t.min = mn; t.max = mx; t.ops = thr2 * bench_seconds;
    snprintf(extra, sizeof(extra), "pairs_per_s=%.0f scaling=%.3f", thr2, thr2 / thr1);
    report("threads2_pair_64", &t, extra, "nonpaged 64 B pairs, 2 threads, per pair per thread");
    printf("  %-44s %10.3f x the 1-thread throughput (%.2f M pairs/s vs %.2f M)\n", "", thr2 / thr1, thr2 / 1e6,
           thr1 / 1e6);
    fflush(stdout);
}

static struct bench_ring *g_ring;
static uint64_t g_produced, g_consumed;
static double g_consumer_end;

static DWORD WINAPI producer_proc(void *arg)
{
    (void)arg;
    start_gate();
    g_produced = drv_produce_until(g_ring, &g_stop, BENCH_NONPAGED, 64);
    return 0;
}

static DWORD WINAPI consumer_proc(void *arg)
{
    (void)arg;
    start_gate();
    g_consumed = drv_consume(g_ring);
    g_consumer_end = bench_now();
    return 0;
}

static double producer_consumer_round(double seconds)
{
    HANDLE h[2];
    double t0;

    g_ready = g_go = g_stop = 0;
    g_ring->head = g_ring->tail = 0;
    h[0] = CreateThread(NULL, 0, producer_proc, NULL, 0, NULL);
    h[1] = CreateThread(NULL, 0, consumer_proc, NULL, 0, NULL);
    if (!h[0] || !h[1]) { printf("ERROR CreateThread failed\n"); exit(1); }
    while (__atomic_load_n(&g_ready, __ATOMIC_ACQUIRE) < 2) Sleep(0);
    t0 = bench_now();
    __atomic_store_n(&g_go, 1, __ATOMIC_RELEASE);
    Sleep((DWORD)(seconds * 1000 + 0.5));
    __atomic_store_n(&g_stop, 1, __ATOMIC_RELEASE);
    WaitForMultipleObjects(2, h, TRUE, INFINITE);
    CloseHandle(h[0]);
    CloseHandle(h[1]);
    if (g_consumed != g_produced) { printf("ERROR producer/consumer lost blocks\n"); exit(1); }
    return (g_consumer_end - t0) * 1e9 / (double)g_consumed;
}

static void run_producer_consumer(void)
{
    double ns[THREAD_ROUNDS];
    struct bench_timing t = {0};

    if (!selected("prodcons_64")) return;
    g_ring = VirtualAlloc(NULL, sizeof(*g_ring), MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    if (!g_ring) { printf("ERROR VirtualAlloc failed\n"); exit(1); }
    producer_consumer_round(bench_seconds / 4);
    for (int k = 0; k < THREAD_ROUNDS; k++)
    {
        ns[k] = producer_consumer_round(bench_seconds / THREAD_ROUNDS);
        t.ops += (double)g_consumed;
    }
    qsort(ns, THREAD_ROUNDS, sizeof(ns[0]), bench_cmp_double);
    t.ns = ns[THREAD_ROUNDS / 2];
    t.min = ns[0];
    t.max = ns[THREAD_ROUNDS - 1];
    report("prodcons_64", &t, NULL, "64 B blocks, allocated on A, freed on B, per block");
    VirtualFree(g_ring, 0, MEM_RELEASE);
}

/* ---- Which ntoskrnl.exe, and does it have what we call ---- */

static const char *const pool_imports[] = {"ExAllocatePoolWithTag", "ExAllocatePool", "ExFreePoolWithTag", "ExFreePool"};

static int identify_module(void)
{
    HMODULE exe = GetModuleHandleA(NULL), kernel = GetModuleHandleA("ntoskrnl.exe");
    const char *(CDECL *wine_get_version)(void);
    char path[MAX_PATH] = "?";
    int missing = 0;
    SYSTEM_INFO si;

    GetSystemInfo(&si);
    wine_get_version = (void *)GetProcAddress(GetModuleHandleA("ntdll.dll"), "wine_get_version");
    printf("pool_bench: %s, %u CPUs, %s, %.3f s per workload\n", sizeof(void *) == 8 ? "x86_64" : "i386",
           (unsigned)si.dwNumberOfProcessors, wine_get_version ? wine_get_version() : "not Wine", bench_seconds);
    printf("ENV arch=%s cpus=%u wine=%s time=%.3f\n", sizeof(void *) == 8 ? "x86_64" : "i386",
           (unsigned)si.dwNumberOfProcessors, wine_get_version ? wine_get_version() : "none", bench_seconds);
    if (!kernel)
    {
        printf("ERROR ntoskrnl.exe is not loaded\n");
        return 0;
    }
    GetModuleFileNameA(kernel, path, sizeof(path));
    printf("MODULE %s %s\n", pe_is_wine_builtin(kernel) ? "wine-builtin" : "native", path);
    printf("pool_bench: ntoskrnl.exe bound: %s (%s)\n", path,
           pe_is_wine_builtin(kernel) ? "Wine's builtin module" : "not a Wine builtin: the project's module");
    for (size_t i = 0; i < sizeof(pool_imports) / sizeof(pool_imports[0]); i++)
    {
        void *bound = pe_bound_import(exe, "ntoskrnl.exe", pool_imports[i]);
        void *exported = (void *)GetProcAddress(kernel, pool_imports[i]);
        if (!exported)
        {
            printf("MISSING %s: the loaded ntoskrnl.exe does not export it\n", pool_imports[i]);
            missing++;
        }
        else if (!bound || bound != exported || !pe_contains(kernel, bound))
        {
            printf("MISSING %s: import bound to %p, export is at %p\n", pool_imports[i], bound, exported);
            missing++;
        }
    }
    fflush(stdout);
    return !missing;
}

int main(int argc, char **argv)
{
    const char *env = getenv("POOL_BENCH_TIME");

    if (env && atof(env) > 0) bench_seconds = atof(env);
    for (int i = 1; i < argc; i++)
    {
        if (!strcmp(argv[i], "--time") && i + 1 < argc) bench_seconds = atof(argv[++i]);
        else if (!strcmp(argv[i], "--only") && i + 1 < argc) g_only = argv[++i];
        else if (!strcmp(argv[i], "--list")) g_list = 1;
        else
        {
            printf("usage: pool_bench [--time SECONDS] [--only NAME[,NAME...]] [--list]\n");
            return 1;
        }
    }
    if (bench_seconds <= 0) bench_seconds = 0.5;
    bench_init_clock();

    if (!g_list && !identify_module()) return 2;
    if (!g_list) first_use();

    run_floors();

    /* Churn first: its address-space deltas are most meaningful on a pool that has not yet been
     * grown by the other workloads. */
    run_churn(4096);
    run_churn(65536);
    run_pairs();
    if (g_list)
    {
        printf("threads1_pair_64\nthreads2_pair_64\nprodcons_64\n");
        return 0;
    }
    run_threads();
    run_producer_consumer();

    if (bench_failures)
    {
        printf("ERROR %ld allocations returned NULL; the numbers above are void\n", (long)bench_failures);
        return 3;
    }
    printf("DONE\n");
    return 0;
}
