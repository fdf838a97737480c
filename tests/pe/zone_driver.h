/*
 * Interface between the user-mode halves of the zone, list and spin lock tests (zone.c,
 * spin_lock.c) and their driver halves (zone_driver.c, spin_lock_driver.c, built against
 * <ddk/ntddk.h>): only C99 types cross it. Zone headers and spin locks are the caller's memory;
 * zd_zone_header_size() says how much a ZONE_HEADER takes.
 */
#ifndef NTOSKRNL_TESTS_ZONE_DRIVER_H
#define NTOSKRNL_TESTS_ZONE_DRIVER_H

#include <stddef.h>
#include <stdint.h>

#define ZD_STATUS_SUCCESS 0x00000000L
#define ZD_STATUS_UNSUCCESSFUL ((long)0xC0000001L)

size_t zd_zone_header_size(void);
size_t zd_segment_header_size(void);
/* ZONE_HEADER fields, read through the DDK's structure definition. */
void zd_zone_fields(const void *zone, void **free_next, void **segment_next, uint32_t *block_size, uint32_t *total_size);

/* The exports. */
long zd_ExInitializeZone(void *zone, uint32_t block_size, void *segment, uint32_t segment_size);
long zd_ExExtendZone(void *zone, void *segment, uint32_t segment_size);
long zd_ExInterlockedExtendZone(void *zone, void *segment, uint32_t segment_size, uintptr_t *lock);
/* The DDK's inlines and macros, compiled in the driver half. */
void *zd_ExAllocateFromZone(void *zone);
void *zd_ExFreeToZone(void *zone, void *block);
int zd_ExIsFullZone(void *zone);
int zd_ExIsObjectInFirstZoneSegment(void *zone, void *object);
void *zd_ExInterlockedAllocateFromZone(void *zone, uintptr_t *lock);
void *zd_ExInterlockedFreeToZone(void *zone, void *block, uintptr_t *lock);

/* Spin-lock-guarded lists: the header's names (Exf* fastcall on i386) and, on i386, the stdcall
 * Ex* exports called directly as a binary built against older headers would. */
void *zd_ExInterlockedPopEntryList(void *head, uintptr_t *lock);
void *zd_ExInterlockedPushEntryList(void *head, void *entry, uintptr_t *lock);
void *zd_ExInterlockedPopEntryList_stdcall(void *head, uintptr_t *lock);
void *zd_ExInterlockedPushEntryList_stdcall(void *head, void *entry, uintptr_t *lock);

/* Pool, for segments (ExAllocatePool as NT 4 drivers call it) and MmQuerySystemSize. */
void *zd_ExAllocatePool_nonpaged(size_t bytes);
void zd_ExFreePool(void *p);
int zd_MmQuerySystemSize(void);

#endif
