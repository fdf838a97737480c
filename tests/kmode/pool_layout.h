/*
 * What the pool groups' layout checks need from the pool they run on (pool_layout.c): the
 * POOL_HEADER before a small block, and the alignment Windows gives big and cache-aligned blocks.
 */
#ifndef NTOSKRNL_TESTS_KMODE_POOL_LAYOUT_H
#define NTOSKRNL_TESTS_KMODE_POOL_LAYOUT_H

#define KMTEST_POOL_HEADER  0x1u   /* a small block lies in one page after its POOL_HEADER (tag, BlockSize, PoolType) */
#define KMTEST_POOL_ALIGNED 0x2u   /* big blocks page aligned, cache-aligned types 64-byte aligned */

/* Probes both properties with checks of its own (todo under Wine's builtin, which has neither)
 * and returns the KMTEST_POOL_ bits that hold, so a group runs the detailed checks of a property
 * only where the pool has it. */
unsigned kmtest_pool_layout(void);

#endif
