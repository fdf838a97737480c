/*
 * The clock and the measurement the benchmark programs share: QueryPerformanceCounter seconds,
 * and a workload timed as a median over rounds after a calibration pass that doubles as warm-up.
 */
#ifndef BENCH_TIMING_H
#define BENCH_TIMING_H

#include <windows.h>
#include <stdint.h>
#include <stdlib.h>

#define BENCH_ROUNDS 5

static double bench_seconds = 0.5; /* measured time per workload, over all rounds */
static double bench_qpc_period;    /* seconds per QueryPerformanceCounter tick */

static void bench_init_clock(void)
{
    LARGE_INTEGER f;
    QueryPerformanceFrequency(&f);
    bench_qpc_period = 1.0 / (double)f.QuadPart;
}

static double bench_now(void)
{
    LARGE_INTEGER t;
    QueryPerformanceCounter(&t);
    return (double)t.QuadPart * bench_qpc_period;
}

static int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

struct bench_timing
{
    double ns;        /* median ns per operation */
    double min, max;  /* fastest and slowest round */
    double ops;       /* operations timed (all rounds) */
};

/* fn(ctx, n) runs n operations. A batch is calibrated to about 1/8 of a round (untimed), then
 * BENCH_ROUNDS rounds of bench_seconds / BENCH_ROUNDS each are timed. */
static struct bench_timing bench_measure(void (*fn)(void *ctx, uint64_t n), void *ctx)
{
    double round_time = bench_seconds / BENCH_ROUNDS, per_op[BENCH_ROUNDS], t0, t;
    uint64_t n = 1;
    struct bench_timing r = {0};

    for (;;)
    {
        t0 = bench_now();
        fn(ctx, n);
        if (bench_now() - t0 >= round_time / 8 || n >= (1ull << 40)) break;
        n *= 2;
    }
    for (int k = 0; k < BENCH_ROUNDS; k++)
    {
        uint64_t ops = 0;
        t0 = bench_now();
        do
        {
            fn(ctx, n);
            ops += n;
            t = bench_now();
        } while (t - t0 < round_time);
        per_op[k] = (t - t0) * 1e9 / (double)ops;
        r.ops += (double)ops;
    }
    qsort(per_op, BENCH_ROUNDS, sizeof(per_op[0]), bench_cmp_double);
    r.ns = per_op[BENCH_ROUNDS / 2];
    r.min = per_op[0];
    r.max = per_op[BENCH_ROUNDS - 1];
    return r;
}

#endif
