/*
 * Driver half of the zone and list tests: compiled against the MinGW-w64 DDK headers, so the
 * zone inlines and macros (ntddk.h) and the list name mapping (wdm.h: ExInterlockedPopEntryList
 * -> ExfInterlockedPopEntryList, ExInterlockedInsertTailList -> ExfInterlockedInsertTailList on
 * i386) are the headers' own code, running against the project's exports. The interlocked
 * integer routines are in interlocked_driver.c.
 */
#include <ntddk.h>

#include "zone_driver.h"

size_t zd_zone_header_size(void) { return sizeof(ZONE_HEADER); }
size_t zd_segment_header_size(void) { return sizeof(ZONE_SEGMENT_HEADER); }

void zd_zone_fields(const void *zone, void **free_next, void **segment_next, uint32_t *block_size, uint32_t *total_size)
{
    const ZONE_HEADER *z = zone;
    *free_next = z->FreeList.Next;
    *segment_next = z->SegmentList.Next;
    *block_size = z->BlockSize;
    *total_size = z->TotalSegmentSize;
}

long zd_ExInitializeZone(void *zone, uint32_t block_size, void *segment, uint32_t segment_size)
{
    return ExInitializeZone(zone, block_size, segment, segment_size);
}

long zd_ExExtendZone(void *zone, void *segment, uint32_t segment_size)
{
    return ExExtendZone(zone, segment, segment_size);
}

long zd_ExInterlockedExtendZone(void *zone, void *segment, uint32_t segment_size, uintptr_t *lock)
{
    return ExInterlockedExtendZone(zone, segment, segment_size, (PKSPIN_LOCK)lock);
}

void *zd_ExAllocateFromZone(void *zone) { return ExAllocateFromZone((PZONE_HEADER)zone); }
void *zd_ExFreeToZone(void *zone, void *block) { return ExFreeToZone((PZONE_HEADER)zone, block); }
int zd_ExIsFullZone(void *zone) { return ExIsFullZone((PZONE_HEADER)zone); }

int zd_ExIsObjectInFirstZoneSegment(void *zone, void *object)
{
    return ExIsObjectInFirstZoneSegment((PZONE_HEADER)zone, object);
}

/* mingw-w64's ExInterlockedAllocateFromZone expands to &Zone->FreeList without parenthesising
 * Zone (windows-behavior.md 1.3), so ExInterlockedAllocateFromZone(&zone, lock) does not compile:
 * like a real driver built with these headers, pass a PZONE_HEADER variable. */
void *zd_ExInterlockedAllocateFromZone(void *zone, uintptr_t *lock)
{
    PZONE_HEADER z = zone;
    return ExInterlockedAllocateFromZone(z, (PKSPIN_LOCK)lock);
}

void *zd_ExInterlockedFreeToZone(void *zone, void *block, uintptr_t *lock)
{
    return ExInterlockedFreeToZone((PZONE_HEADER)zone, block, (PKSPIN_LOCK)lock);
}

void *zd_ExInterlockedPopEntryList(void *head, uintptr_t *lock)
{
    return ExInterlockedPopEntryList(head, (PKSPIN_LOCK)lock);
}

void *zd_ExInterlockedPushEntryList(void *head, void *entry, uintptr_t *lock)
{
    return ExInterlockedPushEntryList(head, entry, (PKSPIN_LOCK)lock);
}

#ifdef _X86_
/* The stdcall exports under their own names, which the i386 headers rename to the Exf* pair:
 * the import library's _ExInterlockedPopEntryList@8 / _ExInterlockedPushEntryList@12. */
extern PSINGLE_LIST_ENTRY (NTAPI *imp_ExInterlockedPopEntryList)(PSINGLE_LIST_ENTRY, PKSPIN_LOCK)
    __asm__("__imp__ExInterlockedPopEntryList@8");
extern PSINGLE_LIST_ENTRY (NTAPI *imp_ExInterlockedPushEntryList)(PSINGLE_LIST_ENTRY, PSINGLE_LIST_ENTRY, PKSPIN_LOCK)
    __asm__("__imp__ExInterlockedPushEntryList@12");

void *zd_ExInterlockedPopEntryList_stdcall(void *head, uintptr_t *lock)
{
    return imp_ExInterlockedPopEntryList(head, (PKSPIN_LOCK)lock);
}

void *zd_ExInterlockedPushEntryList_stdcall(void *head, void *entry, uintptr_t *lock)
{
    return imp_ExInterlockedPushEntryList(head, entry, (PKSPIN_LOCK)lock);
}
#else
void *zd_ExInterlockedPopEntryList_stdcall(void *head, uintptr_t *lock) { return zd_ExInterlockedPopEntryList(head, lock); }
void *zd_ExInterlockedPushEntryList_stdcall(void *head, void *entry, uintptr_t *lock)
{
    return zd_ExInterlockedPushEntryList(head, entry, lock);
}
#endif

/* ---- Doubly linked lists: wdm.h maps ExInterlockedInsertHeadList & co. to the fastcall Exf*
 * names on i386 (imports @ExfInterlockedInsertHeadList@12, ...); x64 imports the Ex* names. ---- */
void zd_InitializeListHead(void *head) { InitializeListHead((PLIST_ENTRY)head); }

void *zd_ExInterlockedInsertHeadList(void *head, void *entry, uintptr_t *lock)
{
    return ExInterlockedInsertHeadList(head, entry, (PKSPIN_LOCK)lock);
}

void *zd_ExInterlockedInsertTailList(void *head, void *entry, uintptr_t *lock)
{
    return ExInterlockedInsertTailList(head, entry, (PKSPIN_LOCK)lock);
}

void *zd_ExInterlockedRemoveHeadList(void *head, uintptr_t *lock)
{
    return ExInterlockedRemoveHeadList(head, (PKSPIN_LOCK)lock);
}

#ifdef _X86_
/* The stdcall exports, as binaries built against headers without the Exf* mapping import them. */
extern PLIST_ENTRY (NTAPI *imp_ExInterlockedInsertHeadList)(PLIST_ENTRY, PLIST_ENTRY, PKSPIN_LOCK)
    __asm__("__imp__ExInterlockedInsertHeadList@12");
extern PLIST_ENTRY (NTAPI *imp_ExInterlockedInsertTailList)(PLIST_ENTRY, PLIST_ENTRY, PKSPIN_LOCK)
    __asm__("__imp__ExInterlockedInsertTailList@12");
extern PLIST_ENTRY (NTAPI *imp_ExInterlockedRemoveHeadList)(PLIST_ENTRY, PKSPIN_LOCK)
    __asm__("__imp__ExInterlockedRemoveHeadList@8");

void *zd_ExInterlockedInsertHeadList_stdcall(void *head, void *entry, uintptr_t *lock)
{
    return imp_ExInterlockedInsertHeadList(head, entry, (PKSPIN_LOCK)lock);
}

void *zd_ExInterlockedInsertTailList_stdcall(void *head, void *entry, uintptr_t *lock)
{
    return imp_ExInterlockedInsertTailList(head, entry, (PKSPIN_LOCK)lock);
}

void *zd_ExInterlockedRemoveHeadList_stdcall(void *head, uintptr_t *lock)
{
    return imp_ExInterlockedRemoveHeadList(head, (PKSPIN_LOCK)lock);
}
#else
void *zd_ExInterlockedInsertHeadList_stdcall(void *head, void *entry, uintptr_t *lock)
{
    return zd_ExInterlockedInsertHeadList(head, entry, lock);
}

void *zd_ExInterlockedInsertTailList_stdcall(void *head, void *entry, uintptr_t *lock)
{
    return zd_ExInterlockedInsertTailList(head, entry, lock);
}

void *zd_ExInterlockedRemoveHeadList_stdcall(void *head, uintptr_t *lock)
{
    return zd_ExInterlockedRemoveHeadList(head, lock);
}
#endif

/* ---- An NT 4-style IRP queue: the device extension's list head and spin lock, real IRPs linked
 * through Tail.Overlay.ListEntry (the field the DDK leaves to the driver owning the IRP) and found
 * again with CONTAINING_RECORD, as dispatch routines and StartIo/DPC pairs did before
 * cancel-safe queues. ---- */
typedef struct
{
    LIST_ENTRY PendingIrps;
    KSPIN_LOCK Lock;
} DEVICE_QUEUE_EXTENSION;

static PIRP irp_of(PLIST_ENTRY entry) { return entry ? CONTAINING_RECORD(entry, IRP, Tail.Overlay.ListEntry) : NULL; }

void *zd_irp_queue_create(void)
{
    DEVICE_QUEUE_EXTENSION *ext = ExAllocatePool(NonPagedPool, sizeof(*ext));
    if (!ext) return NULL;
    InitializeListHead(&ext->PendingIrps);
    KeInitializeSpinLock(&ext->Lock);
    return ext;
}

void zd_irp_queue_free(void *queue) { ExFreePool(queue); }

uintptr_t zd_irp_queue_lock_word(void *queue) { return ((DEVICE_QUEUE_EXTENSION *)queue)->Lock; }

void *zd_irp_allocate(uintptr_t tag)
{
    PIRP irp = ExAllocatePool(NonPagedPool, sizeof(IRP));
    if (!irp) return NULL;
    RtlZeroMemory(irp, sizeof(IRP));
    irp->Tail.Overlay.DriverContext[0] = (PVOID)tag;
    return irp;
}

void zd_irp_free(void *irp) { ExFreePool(irp); }
uintptr_t zd_irp_tag(const void *irp) { return (uintptr_t)((const IRP *)irp)->Tail.Overlay.DriverContext[0]; }

void *zd_irp_queue_insert(void *queue, void *irp)
{
    DEVICE_QUEUE_EXTENSION *ext = queue;
    return irp_of(ExInterlockedInsertTailList(&ext->PendingIrps, &((PIRP)irp)->Tail.Overlay.ListEntry, &ext->Lock));
}

void *zd_irp_queue_requeue_front(void *queue, void *irp)
{
    DEVICE_QUEUE_EXTENSION *ext = queue;
    return irp_of(ExInterlockedInsertHeadList(&ext->PendingIrps, &((PIRP)irp)->Tail.Overlay.ListEntry, &ext->Lock));
}

void *zd_irp_queue_remove(void *queue)
{
    DEVICE_QUEUE_EXTENSION *ext = queue;
    return irp_of(ExInterlockedRemoveHeadList(&ext->PendingIrps, &ext->Lock));
}

void *zd_ExAllocatePool_nonpaged(size_t bytes) { return ExAllocatePool(NonPagedPool, bytes); }
void zd_ExFreePool(void *p) { ExFreePool(p); }
int zd_MmQuerySystemSize(void) { return MmQuerySystemSize(); }
