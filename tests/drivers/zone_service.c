/*
 * An NT 4.0-style kernel service: a legacy (non-PnP) driver that creates its device in
 * DriverEntry and serves DeviceIoControl requests from user mode (tests/drivers/zone_client.c;
 * the interface is tests/drivers/zone_service_ioctl.h). Built as a real .sys image for both
 * architectures, it runs as a Wine kernel service (sc create ... type= kernel) and under the
 * driver host (tools/ntoshost.sh --wine-fallback, since the Io* routines are Wine's).
 *
 * DriverEntry:
 *  - a zone of request contexts (ExInitializeZone over one nonpaged ExAllocatePoolWithTag
 *    segment whose size follows MmQuerySystemSize, as the NT 4.0 DDK advised);
 *  - a nonpaged lookaside list of staging chunks (ExInitializeNPagedLookasideList);
 *  - \Device\ZoneService (IoCreateDevice) and \DosDevices\ZoneService (IoCreateSymbolicLink);
 *  - IRP_MJ_CREATE, IRP_MJ_CLOSE, IRP_MJ_DEVICE_CONTROL and DriverUnload;
 *  - one self-test request through the same path as the IOCTLs (the driver host sends no IRPs).
 * Any failure undoes what was done and returns the status.
 *
 * Each request takes a context from the zone (ExInterlockedAllocateFromZone under the zone's
 * spin lock), a staging chunk from the lookaside list and a reply buffer from the pool; it copies
 * the payload chunk by chunk through the staging buffer, checksums and transforms it into the
 * reply buffer, then writes the reply (SystemBuffer for METHOD_BUFFERED, the MDL's system address
 * for METHOD_OUT_DIRECT; METHOD_IN_DIRECT only reads its MDL and checks the checksum), frees
 * the three blocks and completes the IRP. The counters (KeAcquireSpinLock) say how many blocks
 * are in use: 0 between requests.
 *
 * ZONE_SERVICE_NO_ZONE builds the variant without the zone (target zone_service_nozone): the
 * contexts live on the stack. Wine's builtin ntoskrnl.exe answers ExInitializeZone with
 * STATUS_NOT_IMPLEMENTED, so only that variant loads there: it is for comparing with Wine's
 * builtin and for debugging the IOCTL path under plain Wine.
 */
#include <ntddk.h>
#include "zone_service_ioctl.h"

#define TAG(a, b, c, d) ((ULONG)(a) | (ULONG)(b) << 8 | (ULONG)(c) << 16 | (ULONG)(d) << 24)
#define TAG_SEGMENT TAG('Z', 'S', 's', 'g') /* the zone's segment */
#define TAG_CHUNK TAG('Z', 'S', 'c', 'k')   /* the lookaside list's entries */
#define TAG_REPLY TAG('Z', 'S', 'r', 'p')   /* a request's reply buffer */
#define TAG_SELF TAG('Z', 'S', 's', 't')    /* the self-test's buffers */

#define SELF_TEST_LENGTH 1300 /* more than two chunks */

/* A request's context: a zone block (a multiple of 8 bytes, as zones need). */
typedef struct _ZS_CONTEXT
{
    SINGLE_LIST_ENTRY Link; /* the zone's free-list link while the block is free */
    ULONG Sequence;
    ULONG Length;
    ULONG Kind;
    ULONG Allocations;
    ULONG Checksum;
    PUCHAR Chunk;
    PUCHAR Reply;
} ZS_CONTEXT, *PZS_CONTEXT;

#define ZS_CONTEXT_BLOCK_SIZE ((ULONG)((sizeof(ZS_CONTEXT) + 7) & ~(SIZE_T)7))

typedef struct _ZS_GLOBALS
{
#ifndef ZONE_SERVICE_NO_ZONE
    ZONE_HEADER Zone;
    KSPIN_LOCK ZoneLock;
    PVOID Segment;
#endif
    BOOLEAN ChunkListReady;
    NPAGED_LOOKASIDE_LIST ChunkList;
    PDEVICE_OBJECT Device;
    BOOLEAN LinkCreated;
    KSPIN_LOCK CountersLock;
    ZONE_SERVICE_COUNTERS Counters;
} ZS_GLOBALS;

static ZS_GLOBALS Globals;

static void ZsCopy(PUCHAR to, const UCHAR *from, ULONG count)
{
    ULONG i;
    for (i = 0; i < count; ++i) to[i] = from[i];
}

/* Adds `delta` (+1, or -1 as an unsigned int) to a counter, and 1 to `total` if given. */
static void ZsCount(unsigned int *counter, unsigned int delta, unsigned int *total)
{
    KIRQL irql;
    KeAcquireSpinLock(&Globals.CountersLock, &irql);
    *counter += delta;
    if (total) ++*total;
    KeReleaseSpinLock(&Globals.CountersLock, irql);
}

static PZS_CONTEXT ZsAllocateContext(void)
{
#ifndef ZONE_SERVICE_NO_ZONE
    /* MinGW-w64's ExInterlockedAllocateFromZone does not parenthesise its Zone argument: pass a
     * pointer variable. */
    PZONE_HEADER zone = &Globals.Zone;
    PZS_CONTEXT context = ExInterlockedAllocateFromZone(zone, &Globals.ZoneLock);
    if (context)
        ZsCount(&Globals.Counters.ZoneBlocksInUse, 1, &Globals.Counters.ZoneAllocations);
    else
        ZsCount(&Globals.Counters.ZoneMisses, 1, NULL);
    return context;
#else
    return NULL;
#endif
}

static void ZsFreeContext(PZS_CONTEXT context)
{
#ifndef ZONE_SERVICE_NO_ZONE
    PZONE_HEADER zone = &Globals.Zone;
    ExInterlockedFreeToZone(zone, context, &Globals.ZoneLock);
    ZsCount(&Globals.Counters.ZoneBlocksInUse, (unsigned int)-1, NULL);
#else
    UNREFERENCED_PARAMETER(context);
#endif
}

/*
 * One request: `payload` (Length bytes, may overlap `out`) is staged chunk by chunk through a
 * lookaside entry, checksummed and transformed into a pool reply buffer, which is copied to `out`
 * (room for a reply and Length bytes; NULL for a verify request). `request` is a copy the caller
 * made before any output is written. `count` is FALSE for the self-test, which the counters do not
 * include (its blocks are still counted in use while it runs). Returns the reply's size in
 * *written.
 */
static NTSTATUS ZsProcess(ULONG kind, const ZONE_SERVICE_REQUEST *request, const UCHAR *payload, PUCHAR out,
                          BOOLEAN count, ULONG *written)
{
    ZS_CONTEXT stack_context;
    PZS_CONTEXT context;
    ZONE_SERVICE_REPLY reply;
    ULONG offset, i, reply_size;
    NTSTATUS status = STATUS_SUCCESS;
    KIRQL irql;

    *written = 0;
    context = ZsAllocateContext();
    if (context)
        context->Allocations = ZONE_SERVICE_ALLOC_ZONE;
    else
    {
        context = &stack_context;
        context->Allocations = 0;
    }
    context->Sequence = request->Sequence;
    context->Length = request->Length;
    context->Kind = kind;

    context->Chunk = ExAllocateFromNPagedLookasideList(&Globals.ChunkList);
    if (context->Chunk)
    {
        context->Allocations |= ZONE_SERVICE_ALLOC_LOOKASIDE;
        ZsCount(&Globals.Counters.LookasideInUse, 1, &Globals.Counters.LookasideAllocations);
    }
    else
        ZsCount(&Globals.Counters.LookasideMisses, 1, NULL);

    reply_size = sizeof(ZONE_SERVICE_REPLY) + context->Length;
    context->Reply = ExAllocatePoolWithTag(NonPagedPool, reply_size, TAG_REPLY);
    if (!context->Reply)
    {
        ZsCount(&Globals.Counters.PoolFailures, 1, NULL);
        status = STATUS_INSUFFICIENT_RESOURCES;
        goto done;
    }
    context->Allocations |= ZONE_SERVICE_ALLOC_POOL;
    ZsCount(&Globals.Counters.PoolInUse, 1, &Globals.Counters.PoolAllocations);

    /* Every payload byte is read before anything is written to `out` (METHOD_BUFFERED's input
     * and output share the SystemBuffer). */
    context->Checksum = zone_service_checksum_start(context->Sequence);
    for (offset = 0; offset < context->Length; offset += ZONE_SERVICE_CHUNK_SIZE)
    {
        ULONG n = context->Length - offset;
        const UCHAR *chunk = payload + offset;
        PUCHAR to = context->Reply + sizeof(ZONE_SERVICE_REPLY) + offset;
        if (n > ZONE_SERVICE_CHUNK_SIZE) n = ZONE_SERVICE_CHUNK_SIZE;
        if (context->Chunk)
        {
            ZsCopy(context->Chunk, chunk, n);
            chunk = context->Chunk;
        }
        context->Checksum = zone_service_checksum_update(context->Checksum, chunk, n);
        for (i = 0; i < n; ++i) to[i] = zone_service_transform_byte(context->Sequence, offset + i, chunk[i]);
    }

    if (kind == ZONE_SERVICE_KIND_IN_DIRECT && context->Checksum != request->ExpectedChecksum)
    {
        status = STATUS_DATA_ERROR;
        goto done;
    }

    reply.Magic = ZONE_SERVICE_REPLY_MAGIC;
    reply.Sequence = context->Sequence;
    reply.Length = context->Length;
    reply.Checksum = context->Checksum;
    reply.Allocations = context->Allocations;
    reply.Kind = kind;
    KeAcquireSpinLock(&Globals.CountersLock, &irql);
    if (count)
    {
        reply.Served = ++Globals.Counters.RequestsServed;
        reply.Digest = zone_service_reply_digest(&reply);
        Globals.Counters.Digest = zone_service_fold(Globals.Counters.Digest, reply.Digest);
        Globals.Counters.BytesProcessedLow += context->Length;
        if (kind == ZONE_SERVICE_KIND_BUFFERED) ++Globals.Counters.BufferedRequests;
        else if (kind == ZONE_SERVICE_KIND_OUT_DIRECT) ++Globals.Counters.OutDirectRequests;
        else ++Globals.Counters.InDirectRequests;
    }
    else
    {
        reply.Served = 0;
        reply.Digest = zone_service_reply_digest(&reply);
    }
    KeReleaseSpinLock(&Globals.CountersLock, irql);

    if (out)
    {
        ZsCopy(context->Reply, (const UCHAR *)&reply, sizeof(reply));
        ZsCopy(out, context->Reply, reply_size);
        *written = reply_size;
    }

done:
    if (context->Reply)
    {
        ExFreePoolWithTag(context->Reply, TAG_REPLY);
        ZsCount(&Globals.Counters.PoolInUse, (unsigned int)-1, NULL);
    }
    if (context->Chunk)
    {
        ExFreeToNPagedLookasideList(&Globals.ChunkList, context->Chunk);
        ZsCount(&Globals.Counters.LookasideInUse, (unsigned int)-1, NULL);
    }
    if (context != &stack_context) ZsFreeContext(context);
    return status;
}

static NTSTATUS ZsComplete(PIRP irp, NTSTATUS status, ULONG_PTR information)
{
    if (!NT_SUCCESS(status))
    {
        information = 0;
        ZsCount(&Globals.Counters.RequestsRejected, 1, NULL);
    }
    irp->IoStatus.Status = status;
    irp->IoStatus.Information = information;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return status;
}

/* Checks a request header (copied to *request) against the bytes that follow it. */
static NTSTATUS ZsReadHeader(const UCHAR *buffer, ULONG size, ZONE_SERVICE_REQUEST *request)
{
    if (!buffer || size < sizeof(*request)) return STATUS_BUFFER_TOO_SMALL;
    ZsCopy((PUCHAR)request, buffer, sizeof(*request));
    if (request->Magic != ZONE_SERVICE_REQUEST_MAGIC) return STATUS_INVALID_PARAMETER;
    if (request->Length > ZONE_SERVICE_MAX_PAYLOAD) return STATUS_INVALID_BUFFER_SIZE;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI ZsDeviceControl(PDEVICE_OBJECT device, PIRP irp)
{
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(irp);
    ULONG in_size = stack->Parameters.DeviceIoControl.InputBufferLength;
    ULONG out_size = stack->Parameters.DeviceIoControl.OutputBufferLength;
    PUCHAR system_buffer = irp->AssociatedIrp.SystemBuffer;
    ZONE_SERVICE_REQUEST request;
    PUCHAR mapped;
    ULONG written = 0;
    NTSTATUS status;
    KIRQL irql;

    UNREFERENCED_PARAMETER(device);
    switch (stack->Parameters.DeviceIoControl.IoControlCode)
    {
    case IOCTL_ZONE_SERVICE_TRANSFORM_BUFFERED:
        status = ZsReadHeader(system_buffer, in_size, &request);
        if (!NT_SUCCESS(status)) break;
        if (in_size - sizeof(request) < request.Length) { status = STATUS_INVALID_BUFFER_SIZE; break; }
        if (out_size < sizeof(ZONE_SERVICE_REPLY) + request.Length) { status = STATUS_BUFFER_TOO_SMALL; break; }
        status = ZsProcess(ZONE_SERVICE_KIND_BUFFERED, &request, system_buffer + sizeof(request), system_buffer,
                           TRUE, &written);
        break;

    case IOCTL_ZONE_SERVICE_TRANSFORM_OUT_DIRECT:
        status = ZsReadHeader(system_buffer, in_size, &request);
        if (!NT_SUCCESS(status)) break;
        if (in_size - sizeof(request) < request.Length) { status = STATUS_INVALID_BUFFER_SIZE; break; }
        if (out_size < sizeof(ZONE_SERVICE_REPLY) + request.Length || !irp->MdlAddress)
        {
            status = STATUS_BUFFER_TOO_SMALL;
            break;
        }
        mapped = MmGetSystemAddressForMdlSafe(irp->MdlAddress, NormalPagePriority);
        if (!mapped) { status = STATUS_INSUFFICIENT_RESOURCES; break; }
        status = ZsProcess(ZONE_SERVICE_KIND_OUT_DIRECT, &request, system_buffer + sizeof(request), mapped, TRUE,
                           &written);
        break;

    case IOCTL_ZONE_SERVICE_VERIFY_IN_DIRECT:
        status = ZsReadHeader(system_buffer, in_size, &request);
        if (!NT_SUCCESS(status)) break;
        if (out_size != request.Length) { status = STATUS_INVALID_BUFFER_SIZE; break; }
        mapped = NULL;
        if (request.Length)
        {
            if (!irp->MdlAddress) { status = STATUS_INVALID_PARAMETER; break; }
            mapped = MmGetSystemAddressForMdlSafe(irp->MdlAddress, NormalPagePriority);
            if (!mapped) { status = STATUS_INSUFFICIENT_RESOURCES; break; }
        }
        status = ZsProcess(ZONE_SERVICE_KIND_IN_DIRECT, &request, mapped, NULL, TRUE, &written);
        break;

    case IOCTL_ZONE_SERVICE_QUERY_COUNTERS:
        if (!system_buffer || out_size < sizeof(ZONE_SERVICE_COUNTERS)) { status = STATUS_BUFFER_TOO_SMALL; break; }
        KeAcquireSpinLock(&Globals.CountersLock, &irql);
        ++Globals.Counters.CounterQueries;
        ZsCopy(system_buffer, (const UCHAR *)&Globals.Counters, sizeof(ZONE_SERVICE_COUNTERS));
        KeReleaseSpinLock(&Globals.CountersLock, irql);
        written = sizeof(ZONE_SERVICE_COUNTERS);
        status = STATUS_SUCCESS;
        break;

    default:
        status = STATUS_INVALID_DEVICE_REQUEST;
        break;
    }
    return ZsComplete(irp, status, written);
}

static NTSTATUS NTAPI ZsCreateClose(PDEVICE_OBJECT device, PIRP irp)
{
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(irp);
    UNREFERENCED_PARAMETER(device);
    ZsCount(&Globals.Counters.OpenHandles, stack->MajorFunction == IRP_MJ_CREATE ? 1 : (unsigned int)-1, NULL);
    return ZsComplete(irp, STATUS_SUCCESS, 0);
}

/* Undoes DriverEntry's steps that were done, in reverse order. */
static void ZsCleanup(void)
{
    UNICODE_STRING name;
    if (Globals.LinkCreated)
    {
        RtlInitUnicodeString(&name, ZONE_SERVICE_DOS_NAME);
        IoDeleteSymbolicLink(&name);
        Globals.LinkCreated = FALSE;
    }
    if (Globals.Device)
    {
        IoDeleteDevice(Globals.Device);
        Globals.Device = NULL;
    }
    if (Globals.ChunkListReady)
    {
        ExDeleteNPagedLookasideList(&Globals.ChunkList);
        Globals.ChunkListReady = FALSE;
    }
#ifndef ZONE_SERVICE_NO_ZONE
    /* A zone has no delete routine: its memory is the driver's segments. */
    if (Globals.Segment)
    {
        ExFreePoolWithTag(Globals.Segment, TAG_SEGMENT);
        Globals.Segment = NULL;
    }
#endif
}

static VOID NTAPI ZsUnload(PDRIVER_OBJECT driver)
{
    UNREFERENCED_PARAMETER(driver);
    ZsCleanup();
}

/* One request through ZsProcess with a known payload; checks the reply and that every block
 * went back. */
static NTSTATUS ZsSelfTest(void)
{
    ZONE_SERVICE_REQUEST request;
    const ZONE_SERVICE_REPLY *reply;
    PUCHAR payload, out;
    ULONG i, written, checksum, expected_allocations;
    NTSTATUS status;

    payload = ExAllocatePoolWithTag(NonPagedPool, SELF_TEST_LENGTH, TAG_SELF);
    if (!payload) return STATUS_INSUFFICIENT_RESOURCES;
    out = ExAllocatePoolWithTag(NonPagedPool, sizeof(ZONE_SERVICE_REPLY) + SELF_TEST_LENGTH, TAG_SELF);
    if (!out)
    {
        ExFreePoolWithTag(payload, TAG_SELF);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    for (i = 0; i < SELF_TEST_LENGTH; ++i) payload[i] = (UCHAR)(i * 13 + 5);
    request.Magic = ZONE_SERVICE_REQUEST_MAGIC;
    request.Sequence = 0x5E1F;
    request.Length = SELF_TEST_LENGTH;
    request.ExpectedChecksum = 0;

    status = ZsProcess(ZONE_SERVICE_KIND_BUFFERED, &request, payload, out, FALSE, &written);
    if (NT_SUCCESS(status))
    {
        reply = (const ZONE_SERVICE_REPLY *)out;
        checksum = zone_service_checksum_update(zone_service_checksum_start(request.Sequence), payload,
                                                SELF_TEST_LENGTH);
        expected_allocations = ZONE_SERVICE_ALLOC_LOOKASIDE | ZONE_SERVICE_ALLOC_POOL;
#ifndef ZONE_SERVICE_NO_ZONE
        expected_allocations |= ZONE_SERVICE_ALLOC_ZONE;
#endif
        if (written != sizeof(*reply) + SELF_TEST_LENGTH || reply->Magic != ZONE_SERVICE_REPLY_MAGIC ||
            reply->Sequence != request.Sequence || reply->Length != SELF_TEST_LENGTH ||
            reply->Checksum != checksum || reply->Allocations != expected_allocations ||
            reply->Digest != zone_service_reply_digest(reply))
            status = STATUS_UNSUCCESSFUL;
        for (i = 0; NT_SUCCESS(status) && i < SELF_TEST_LENGTH; ++i)
            if (out[sizeof(*reply) + i] != zone_service_transform_byte(request.Sequence, i, payload[i]))
                status = STATUS_UNSUCCESSFUL;
    }
    if (Globals.Counters.ZoneBlocksInUse || Globals.Counters.LookasideInUse || Globals.Counters.PoolInUse)
        status = STATUS_UNSUCCESSFUL;
    ExFreePoolWithTag(out, TAG_SELF);
    ExFreePoolWithTag(payload, TAG_SELF);
    return status;
}

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT driver, PUNICODE_STRING registry_path)
{
    UNICODE_STRING device_name, dos_name;
    MM_SYSTEMSIZE system_size;
    NTSTATUS status;
#ifndef ZONE_SERVICE_NO_ZONE
    ULONG segment_size;
#endif

    UNREFERENCED_PARAMETER(registry_path);
    /* A new start of the service begins from zero even if the loader kept the image's data. */
    RtlZeroMemory(&Globals, sizeof(Globals));
    KeInitializeSpinLock(&Globals.CountersLock);
    Globals.Counters.Magic = ZONE_SERVICE_COUNTERS_MAGIC;
    Globals.Counters.Version = ZONE_SERVICE_VERSION;
    Globals.Counters.Digest = ZONE_SERVICE_DIGEST_SEED;
    Globals.Counters.ZoneBlockSize = ZS_CONTEXT_BLOCK_SIZE;
    system_size = MmQuerySystemSize();
    Globals.Counters.SystemSize = (ULONG)system_size;

#ifndef ZONE_SERVICE_NO_ZONE
    /* A page of contexts on a small system, two on a medium one, four on a large one. */
    switch (system_size)
    {
    case MmSmallSystem: segment_size = PAGE_SIZE; break;
    case MmMediumSystem: segment_size = 2 * PAGE_SIZE; break;
    default: segment_size = 4 * PAGE_SIZE; break;
    }
    KeInitializeSpinLock(&Globals.ZoneLock);
    Globals.Segment = ExAllocatePoolWithTag(NonPagedPool, segment_size, TAG_SEGMENT);
    if (!Globals.Segment) return STATUS_INSUFFICIENT_RESOURCES;
    status = ExInitializeZone(&Globals.Zone, ZS_CONTEXT_BLOCK_SIZE, Globals.Segment, segment_size);
    if (!NT_SUCCESS(status))
    {
        ZsCleanup();
        return status;
    }
    Globals.Counters.Features |= ZONE_SERVICE_FEATURE_ZONE;
    Globals.Counters.ZoneBlocksTotal = (segment_size - sizeof(ZONE_SEGMENT_HEADER)) / ZS_CONTEXT_BLOCK_SIZE;
#endif

    ExInitializeNPagedLookasideList(&Globals.ChunkList, NULL, NULL, 0, ZONE_SERVICE_CHUNK_SIZE, TAG_CHUNK, 0);
    Globals.ChunkListReady = TRUE;

    status = ZsSelfTest();
    if (!NT_SUCCESS(status))
    {
        ZsCleanup();
        return status;
    }

    RtlInitUnicodeString(&device_name, ZONE_SERVICE_DEVICE_NAME);
    status = IoCreateDevice(driver, 0, &device_name, ZONE_SERVICE_DEVICE_TYPE, 0, FALSE, &Globals.Device);
    if (!NT_SUCCESS(status))
    {
        Globals.Device = NULL;
        ZsCleanup();
        return status;
    }
    RtlInitUnicodeString(&dos_name, ZONE_SERVICE_DOS_NAME);
    status = IoCreateSymbolicLink(&dos_name, &device_name);
    if (!NT_SUCCESS(status))
    {
        ZsCleanup();
        return status;
    }
    Globals.LinkCreated = TRUE;

    driver->MajorFunction[IRP_MJ_CREATE] = ZsCreateClose;
    driver->MajorFunction[IRP_MJ_CLOSE] = ZsCreateClose;
    driver->MajorFunction[IRP_MJ_DEVICE_CONTROL] = ZsDeviceControl;
    driver->DriverUnload = ZsUnload;
    return STATUS_SUCCESS;
}
