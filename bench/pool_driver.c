/*
 * The driver half of pool_bench.exe: compiled against the MinGW-w64 DDK headers exactly as a
 * legacy driver is, so the pool calls below import _ExAllocatePoolWithTag@12, _ExAllocatePool@8,
 * _ExFreePoolWithTag@8 and _ExFreePool@4 (i386; the plain names on x86_64) and bind through the
 * import library to whichever ntoskrnl.exe Wine loads. All measured loops live here.
 */
#include <ddk/ntddk.h>

#include "pool_bench.h"

/* The tag reads "BnCh" in memory (and in a poolmon-style listing). */
#define BENCH_TAG ((ULONG)'B' | (ULONG)'n' << 8 | (ULONG)'C' << 16 | (ULONG)'h' << 24)

volatile long bench_failures;

static void failed(void) { __atomic_add_fetch(&bench_failures, 1, __ATOMIC_RELAXED); }

void drv_pairs_tagged(int pool_type, size_t size, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
    {
        volatile char *p = ExAllocatePoolWithTag((POOL_TYPE)pool_type, size, BENCH_TAG);
        if (!p) { failed(); continue; }
        *p = (char)i;
        ExFreePoolWithTag((void *)p, BENCH_TAG);
    }
}

void drv_floor_pairs(int pool_type, size_t size, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
    {
        volatile char *p = FloorAllocate(pool_type, size, BENCH_TAG);
        if (!p) { failed(); continue; }
        *p = (char)i;
        FloorFree((void *)p, BENCH_TAG);
    }
}

void drv_pairs_untagged(int pool_type, size_t size, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
    {
        volatile char *p = ExAllocatePool((POOL_TYPE)pool_type, size);
        if (!p) { failed(); continue; }
        *p = (char)i;
        ExFreePool((void *)p);
    }
}

uint64_t drv_pairs_until(const volatile long *stop, int pool_type, size_t size)
{
    uint64_t done = 0;
    while (!__atomic_load_n(stop, __ATOMIC_RELAXED))
    {
        drv_pairs_tagged(pool_type, size, 64);
        done += 64;
    }
    return done;
}

/* One new live block for slot i: size 8..512, paged or nonpaged, both uniform. */
static void churn_allocate(struct churn_state *c, uint32_t i)
{
    uint64_t r = bench_random(&c->rng);
    uint32_t size = 8 + (uint32_t)(r >> 32) % 505;   /* 32-bit modulo: no libgcc call on i386 */
    POOL_TYPE type = (r >> 16 & 1) ? PagedPool : NonPagedPool;
    volatile char *p = ExAllocatePoolWithTag(type, size, BENCH_TAG);
    if (!p) { failed(); size = 0; }
    else *p = (char)r;
    c->slot[i] = (void *)p;
    c->size[i] = size;
    c->live_bytes += size;
}

void drv_churn_fill(struct churn_state *c)
{
    c->live_bytes = 0;
    for (uint32_t i = 0; i < c->count; i++) churn_allocate(c, i);
}

void drv_churn_steps(struct churn_state *c, uint64_t n)
{
    for (uint64_t k = 0; k < n; k++)
    {
        /* count is a power of two in every workload; the modulo keeps it general. */
        uint32_t i = (uint32_t)(bench_random(&c->rng) >> 32) % c->count;
        if (c->slot[i]) ExFreePool(c->slot[i]);
        c->live_bytes -= c->size[i];
        churn_allocate(c, i);
    }
}

void drv_churn_drain(struct churn_state *c)
{
    for (uint32_t i = 0; i < c->count; i++)
    {
        if (c->slot[i]) ExFreePool(c->slot[i]);
        c->slot[i] = NULL;
        c->live_bytes -= c->size[i];
        c->size[i] = 0;
    }
}

uint64_t drv_produce_until(struct bench_ring *r, const volatile long *stop, int pool_type, size_t size)
{
    uint64_t done = 0;
    while (!__atomic_load_n(stop, __ATOMIC_RELAXED))
    {
        for (int k = 0; k < 64; k++)
        {
            volatile char *p = ExAllocatePoolWithTag((POOL_TYPE)pool_type, size, BENCH_TAG);
            if (!p) { failed(); continue; }
            *p = (char)k;
            bench_ring_push(r, (void *)p);
            done++;
        }
    }
    bench_ring_push(r, NULL);
    return done;
}

uint64_t drv_consume(struct bench_ring *r)
{
    uint64_t done = 0;
    volatile char *p;
    while ((p = bench_ring_pop(r)))
    {
        (void)*p;
        ExFreePoolWithTag((void *)p, BENCH_TAG);
        done++;
    }
    return done;
}
