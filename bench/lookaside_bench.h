/* Interface between lookaside_bench.c (user half) and lookaside_driver.c (driver half, DDK). */
#ifndef NTOSKRNL_BENCH_LOOKASIDE_BENCH_H
#define NTOSKRNL_BENCH_LOOKASIDE_BENCH_H

#include <stddef.h>

void lb_create(size_t size, unsigned long tag);
void lb_delete(void);
void lb_hit_pairs(unsigned long n);
void lb_bursts(unsigned long n);
void lb_stats(unsigned long *allocs, unsigned long *misses, unsigned *depth);

#endif
