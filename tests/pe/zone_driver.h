/*
 * Interface between the user-mode halves of the zone, list and spin lock tests (zone.c,
 * spin_lock.c) and their driver halves (zone_driver.c, interlocked_driver.c,
 * spin_lock_driver.c, built against <ddk/ntddk.h>): only C99 types cross it. Zone headers, list
 * heads and spin locks are the caller's memory; zd_zone_header_size() says how much a
 * ZONE_HEADER takes.
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

/* Doubly linked lists (two pointers per LIST_ENTRY: Flink, Blink), under the same naming. */
void zd_InitializeListHead(void *head);
void *zd_ExInterlockedInsertHeadList(void *head, void *entry, uintptr_t *lock);
void *zd_ExInterlockedInsertTailList(void *head, void *entry, uintptr_t *lock);
void *zd_ExInterlockedRemoveHeadList(void *head, uintptr_t *lock);
void *zd_ExInterlockedInsertHeadList_stdcall(void *head, void *entry, uintptr_t *lock);
void *zd_ExInterlockedInsertTailList_stdcall(void *head, void *entry, uintptr_t *lock);
void *zd_ExInterlockedRemoveHeadList_stdcall(void *head, uintptr_t *lock);

/* An IRP queue as an NT 4 driver keeps one (zone_driver.c): IRPs from nonpaged pool, tagged in
 * Tail.Overlay.DriverContext[0]; insert (tail) and requeue (head) return the IRP that was last /
 * first before, remove the first IRP; each NULL when there was none. */
void *zd_irp_queue_create(void);
void zd_irp_queue_free(void *queue);
uintptr_t zd_irp_queue_lock_word(void *queue);
void *zd_irp_allocate(uintptr_t tag);
void zd_irp_free(void *irp);
uintptr_t zd_irp_tag(const void *irp);
void *zd_irp_queue_insert(void *queue, void *irp);
void *zd_irp_queue_requeue_front(void *queue, void *irp);
void *zd_irp_queue_remove(void *queue);

/* Interlocked integers (interlocked_driver.c): the header's names, and on i386 the exports the
 * macros bypass (stdcall ExInterlockedAddUlong, fastcall ExInterlockedCompareExchange64 and
 * ExInterlockedAddLargeStatistic) through their import symbols. LARGE_INTEGERs as int64_t. */
uint32_t zd_ExInterlockedAddUlong(uint32_t *addend, uint32_t increment, uintptr_t *lock);
uint32_t zd_ExInterlockedAddUlong_stdcall(uint32_t *addend, uint32_t increment, uintptr_t *lock);
int64_t zd_ExInterlockedAddLargeInteger(int64_t *addend, int64_t increment, uintptr_t *lock);
void zd_ExInterlockedAddLargeStatistic(int64_t *addend, uint32_t increment);
int64_t zd_ExInterlockedCompareExchange64(int64_t *destination, int64_t *exchange, int64_t *comparand, uintptr_t *lock);
int64_t zd_ExInterlockedCompareExchange64_export(int64_t *destination, int64_t *exchange, int64_t *comparand,
                                                 uintptr_t *lock);
int32_t zd_InterlockedIncrement(int32_t *addend);
int32_t zd_InterlockedDecrement(int32_t *addend);
int32_t zd_InterlockedExchange(int32_t *target, int32_t value);
int32_t zd_InterlockedCompareExchange(int32_t *destination, int32_t exchange, int32_t comparand);
int32_t zd_InterlockedExchangeAdd(int32_t *addend, int32_t value);

/* Pool, for segments (ExAllocatePool as NT 4 drivers call it) and MmQuerySystemSize. */
void *zd_ExAllocatePool_nonpaged(size_t bytes);
void zd_ExFreePool(void *p);
int zd_MmQuerySystemSize(void);

#endif
