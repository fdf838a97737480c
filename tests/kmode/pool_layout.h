/*
 * What the pool groups' layout checks need from the pool they run on (pool_layout.c): the
 * POOL_HEADER before a small block, and the alignment Windows gives big and cache-aligned blocks.
 */
#ifndef NTOSKRNL_TESTS_KMODE_POOL_LAYOUT_H
#define NTOSKRNL_TESTS_KMODE_POOL_LAYOUT_H

#include <ntddk.h>

#define KMTEST_POOL_HEADER_SIZE (2 * sizeof(void *))   /* POOL_HEADER, also the allocation unit (3.1, 4.6) */
#define KMTEST_POOL_SMALL_MAX (PAGE_SIZE - 4 * sizeof(void *))   /* the largest small block */

#define KMTEST_POOL_HEADER  0x1u   /* a small block lies in one page after its POOL_HEADER (tag, BlockSize, PoolType) */
#define KMTEST_POOL_ALIGNED 0x2u   /* big blocks page aligned, cache-aligned types 64-byte aligned */

/* Probes both properties with checks of its own (todo under Wine's builtin, which has neither)
 * and returns the KMTEST_POOL_ bits that hold, so a group runs the detailed checks of a property
 * only where the pool has it. */
unsigned kmtest_pool_layout(void);

/* The tag in the POOL_HEADER before a small block; where an address lies in its page. */
ULONG kmtest_pool_header_tag(const void *block);
ULONG_PTR kmtest_page_offset(const void *p);

/* The checks every small block of n bytes passes (3.1, 4.6, 8.1): aligned to the allocation
 * unit; with KMTEST_POOL_HEADER in layout (the probe's bits) also in one page after a header
 * with its tag, a BlockSize that covers it within the page, and a PoolType. */
void kmtest_pool_check_small(unsigned layout, const void *block, SIZE_T n, ULONG tag);

#endif
