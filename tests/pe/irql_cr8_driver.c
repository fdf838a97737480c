/*
 * Driver half of irql_cr8.c (see irql_cr8_driver.h), compiled against the MinGW-w64 DDK headers
 * like an x86_64 driver: KeRaiseIrql below is the wdm.h inline over __writecr8, i.e.
 * `mov reg, %cr8` (REX.R 0F 22) in the code.
 */
#include <ntddk.h>

#include "irql_cr8_driver.h"

#if defined(__x86_64__)
unsigned char cr8d_KeRaiseIrql(unsigned char irql)
{
    KIRQL old;
    KeRaiseIrql(irql, &old);
    return old;
}

void *cr8d_allocate(int paged, size_t bytes, unsigned int tag)
{
    return ExAllocatePoolWithTag(paged ? PagedPool : NonPagedPool, bytes, tag);
}

void cr8d_free(void *p, unsigned int tag) { ExFreePoolWithTag(p, tag); }
#endif
