/*
 * Interface between irql_cr8.c and its driver half (irql_cr8_driver.c, built against
 * <ddk/ntddk.h>). On x86_64 the DDK's KeRaiseIrql is an inline that moves to CR8, as MSVC's
 * __writecr8 is in drivers built with the WDK; cr8d_KeRaiseIrql runs that inline. i386 has no
 * CR8: there the wrappers do not exist (CR8D_AVAILABLE is 0).
 */
#ifndef NTOSKRNL_TESTS_IRQL_CR8_DRIVER_H
#define NTOSKRNL_TESTS_IRQL_CR8_DRIVER_H

#include <stddef.h>

#if defined(__x86_64__)
#define CR8D_AVAILABLE 1

unsigned char cr8d_KeRaiseIrql(unsigned char irql);   /* KeRaiseIrql(irql, &old); returns old */

/* ExAllocatePoolWithTag / ExFreePoolWithTag with PagedPool and NonPagedPool. */
void *cr8d_allocate(int paged, size_t bytes, unsigned int tag);
void cr8d_free(void *p, unsigned int tag);
#else
#define CR8D_AVAILABLE 0
#endif

#endif
