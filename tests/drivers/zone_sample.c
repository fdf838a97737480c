/*
 * A legacy NT 4.0-style driver, built as a real .sys image (native subsystem, entry DriverEntry,
 * no C runtime) against the MinGW-w64 DDK headers and the project's libntoskrnl.a, the way the
 * NT 4.0 DDK told drivers to use zones [DDK98:ExInitializeZone]: size the zone from
 * MmQuerySystemSize (a segment of at most PAGE_SIZE on a small system), allocate its segments
 * with ExAllocatePool(NonPagedPool), and allocate and free blocks with the zone macros under a
 * spin lock. DriverEntry exercises the zone once and fails the load if the zone misbehaves; the
 * driver host loads and runs it.
 */
#include <ntddk.h>

#define REQUEST_SIZE 64   /* a multiple of 8, as zones need */

typedef struct _REQUEST
{
    SINGLE_LIST_ENTRY Link;   /* the zone's free-list link while the block is free */
    ULONG Sequence;
    UCHAR Payload[REQUEST_SIZE - sizeof(SINGLE_LIST_ENTRY) - sizeof(ULONG)];
} REQUEST, *PREQUEST;

static ZONE_HEADER RequestZone;
static KSPIN_LOCK RequestZoneLock;
static PVOID Segments[2];

static ULONG SegmentSize(void)
{
    switch (MmQuerySystemSize())
    {
    case MmSmallSystem: return PAGE_SIZE;
    case MmMediumSystem: return 2 * PAGE_SIZE;
    default: return 4 * PAGE_SIZE;
    }
}

static VOID NTAPI ZoneSampleUnload(PDRIVER_OBJECT DriverObject)
{
    ULONG i;
    UNREFERENCED_PARAMETER(DriverObject);
    /* Zone memory belongs to the zone until the driver frees its segments on unload. */
    for (i = 0; i < sizeof(Segments) / sizeof(Segments[0]); i++)
        if (Segments[i]) ExFreePool(Segments[i]);
}

/* Takes every block with the interlocked macro, frees them all, and counts them. */
static ULONG DrainAndRefill(PZONE_HEADER Zone)
{
    PREQUEST first = NULL, request;
    ULONG count = 0;
    while ((request = ExInterlockedAllocateFromZone(Zone, &RequestZoneLock)) != NULL)
    {
        request->Sequence = count++;
        request->Link.Next = (PSINGLE_LIST_ENTRY)first;   /* keep the taken blocks on a private chain */
        first = request;
    }
    while (first)
    {
        request = (PREQUEST)first->Link.Next;
        ExInterlockedFreeToZone(Zone, first, &RequestZoneLock);
        first = request;
    }
    return count;
}

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    /* mingw-w64's ExInterlockedAllocateFromZone does not parenthesise its Zone argument
     * (windows-behavior.md 1.3): pass a pointer variable, never &RequestZone. */
    PZONE_HEADER zone = &RequestZone;
    const ULONG size = SegmentSize();
    ULONG blocks, total;
    PVOID block;
    KIRQL irql;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = ZoneSampleUnload;
    KeInitializeSpinLock(&RequestZoneLock);

    Segments[0] = ExAllocatePool(NonPagedPool, size);
    if (!Segments[0]) return STATUS_INSUFFICIENT_RESOURCES;
    status = ExInitializeZone(zone, sizeof(REQUEST), Segments[0], size);
    if (!NT_SUCCESS(status)) return status;
    blocks = (size - sizeof(ZONE_SEGMENT_HEADER)) / sizeof(REQUEST);

    /* The plain macros under the lock, as a dispatch routine would use them. */
    KeAcquireSpinLock(&RequestZoneLock, &irql);
    block = ExAllocateFromZone(zone);
    if (block && !ExIsObjectInFirstZoneSegment(zone, block)) block = NULL;
    if (block) ExFreeToZone(zone, block);
    KeReleaseSpinLock(&RequestZoneLock, irql);
    if (!block) return STATUS_UNSUCCESSFUL;

    if (DrainAndRefill(zone) != blocks) return STATUS_UNSUCCESSFUL;

    /* A heavy-load extension, as the DDK allows once. */
    Segments[1] = ExAllocatePool(NonPagedPool, size);
    if (!Segments[1]) return STATUS_INSUFFICIENT_RESOURCES;
    status = ExInterlockedExtendZone(zone, Segments[1], size, &RequestZoneLock);
    if (!NT_SUCCESS(status)) return status;
    total = DrainAndRefill(zone);
    if (total != 2 * blocks || ExIsFullZone(zone)) return STATUS_UNSUCCESSFUL;
    return STATUS_SUCCESS;
}
