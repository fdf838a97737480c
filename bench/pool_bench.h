/*
 * Interface between the two halves of pool_bench.exe.
 *
 * pool_driver.c is the "driver": compiled against <ddk/ntddk.h> like a legacy driver, so its pool
 * calls import exactly what a driver imports (_ExAllocatePoolWithTag@12, _ExFreePool@4, ... on
 * i386) through the import library it is linked with. It holds the measured loops, so the calls
 * being timed are direct driver-style calls with no wrapper in between.
 * pool_bench.c is the user-mode half (windows.h): timing, threads, address-space accounting,
 * identifying which ntoskrnl.exe the imports were bound to, and the report.
 *
 * The two header sets cannot share a translation unit, so only plain C types cross this line.
 */
#ifndef NTOSKRNL_BENCH_POOL_BENCH_H
#define NTOSKRNL_BENCH_POOL_BENCH_H

#include <stddef.h>
#include <stdint.h>

/* POOL_TYPE values the benchmark uses. */
enum { BENCH_NONPAGED = 0, BENCH_PAGED = 1 };

/* Allocations that returned NULL (every workload reports it; a non-zero count voids the numbers). */
extern volatile long bench_failures;

/* n pairs of ExAllocatePoolWithTag(type, size, 'BnCh') + write of the first byte +
 * ExFreePoolWithTag(p, 'BnCh'). */
void drv_pairs_tagged(int pool_type, size_t size, uint64_t n);

/* The floor of a pair (bench_floor.dll, floor_dll.c): an imported allocate that returns a static
 * block and an imported free that only reads it, with the calling convention of the pool
 * routines (stdcall on i386). Built into the DLL with FLOOR_BUILDING_DLL, imported elsewhere. */
#ifdef FLOOR_BUILDING_DLL
#define FLOOR_EXPORT __declspec(dllexport)
#else
#define FLOOR_EXPORT __declspec(dllimport)
#endif
#define FLOOR_CALL __stdcall
FLOOR_EXPORT void *FLOOR_CALL FloorAllocate(int pool_type, size_t size, unsigned long tag);
FLOOR_EXPORT void FLOOR_CALL FloorFree(void *block, unsigned long tag);

/* n pairs of FloorAllocate + write of the first byte + FloorFree, as drv_pairs_tagged does them. */
void drv_floor_pairs(int pool_type, size_t size, uint64_t n);

/* The same through the untagged pair ExAllocatePool + ExFreePool. */
void drv_pairs_untagged(int pool_type, size_t size, uint64_t n);

/* Pairs as drv_pairs_tagged until *stop becomes non-zero (checked every 64 pairs); returns the
 * number of pairs done. */
uint64_t drv_pairs_until(const volatile long *stop, int pool_type, size_t size);

/* Random churn over a fixed set of live slots. The caller provides the arrays (slot, size) so
 * that they are not counted as pool memory. */
struct churn_state
{
    void **slot;          /* live blocks */
    uint32_t *size;       /* requested size of each live block */
    uint32_t count;       /* number of slots */
    uint64_t rng;         /* xorshift64* state */
    uint64_t live_bytes;  /* sum of requested sizes of the live blocks */
};

/* xorshift64* (Vigna): small, fast and deterministic across both architectures. */
static inline uint64_t bench_random(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

/* Fills every slot with a block of a random size 8..512 and random pool type (paged/nonpaged). */
void drv_churn_fill(struct churn_state *c);
/* n steps: free a random slot (ExFreePool), allocate a new random block into it. */
void drv_churn_steps(struct churn_state *c, uint64_t n);
/* Frees every live block. */
void drv_churn_drain(struct churn_state *c);

/* Single-producer/single-consumer ring of block pointers, lock-free (acquire/release indices). */
#define BENCH_RING_SIZE 4096u   /* power of two */
struct bench_ring
{
    volatile uint32_t head;     /* next slot the producer writes; written by the producer only */
    char pad1[64 - sizeof(uint32_t)];
    volatile uint32_t tail;     /* next slot the consumer reads; written by the consumer only */
    char pad2[64 - sizeof(uint32_t)];
    void *volatile entry[BENCH_RING_SIZE];
};

static inline void bench_pause(void) { __builtin_ia32_pause(); }

static inline void bench_ring_push(struct bench_ring *r, void *p)
{
    uint32_t head = r->head;   /* only this thread writes head */
    while (head - __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE) >= BENCH_RING_SIZE) bench_pause();
    r->entry[head & (BENCH_RING_SIZE - 1)] = p;
    __atomic_store_n(&r->head, head + 1, __ATOMIC_RELEASE);
}

static inline void *bench_ring_pop(struct bench_ring *r)
{
    uint32_t tail = r->tail;   /* only this thread writes tail */
    void *p;
    while (__atomic_load_n(&r->head, __ATOMIC_ACQUIRE) == tail) bench_pause();
    p = r->entry[tail & (BENCH_RING_SIZE - 1)];
    __atomic_store_n(&r->tail, tail + 1, __ATOMIC_RELEASE);
    return p;
}

/* Producer: allocates pool_type/size blocks (ExAllocatePoolWithTag), writes their first byte,
 * pushes them until *stop, then pushes NULL. Returns the number of blocks pushed. */
uint64_t drv_produce_until(struct bench_ring *r, const volatile long *stop, int pool_type, size_t size);
/* Consumer: pops blocks, reads their first byte, frees them (ExFreePoolWithTag) until it pops
 * NULL. Returns the number of blocks freed. */
uint64_t drv_consume(struct bench_ring *r);

#endif
