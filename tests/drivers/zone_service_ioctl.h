/*
 * The interface between the zone_service sample driver (zone_service.c) and its user-mode client
 * (zone_client.c): device names, IOCTL codes, the request / reply / counters layouts and the
 * answer the driver computes, which the client computes again to check every reply.
 *
 * Included by the driver (after <ntddk.h>) and by the client (after <windows.h> and
 * <winioctl.h>). Only fixed-size 32-bit fields, so the layouts are the same on i386 and x86_64.
 * The helpers below are plain loops (no C runtime: the driver is built without one).
 */
#ifndef ZONE_SERVICE_IOCTL_H
#define ZONE_SERVICE_IOCTL_H

#define ZONE_SERVICE_DEVICE_NAME L"\\Device\\ZoneService"
#define ZONE_SERVICE_DOS_NAME L"\\DosDevices\\ZoneService"
#define ZONE_SERVICE_WIN32_NAME "\\\\.\\ZoneService"

#ifndef CTL_CODE
#define CTL_CODE(type, function, method, access) (((type) << 16) | ((access) << 14) | ((function) << 2) | (method))
#endif

/* A device type of the customer range (0x8000 and up). */
#define ZONE_SERVICE_DEVICE_TYPE 0x8A5E

/* The transform: header + payload in, reply + transformed payload out (METHOD_BUFFERED through the
 * SystemBuffer, METHOD_OUT_DIRECT through the output buffer's MDL). */
#define IOCTL_ZONE_SERVICE_TRANSFORM_BUFFERED CTL_CODE(ZONE_SERVICE_DEVICE_TYPE, 0x900, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_ZONE_SERVICE_TRANSFORM_OUT_DIRECT CTL_CODE(ZONE_SERVICE_DEVICE_TYPE, 0x901, METHOD_OUT_DIRECT, FILE_ANY_ACCESS)
/* METHOD_IN_DIRECT: the header (with the checksum the client expects) is the input buffer, the
 * payload is the "output" buffer, which the driver only reads through its MDL; nothing is written
 * back (Information 0). The driver fails the request with STATUS_DATA_ERROR when the checksum it
 * computes differs from the header's. */
#define IOCTL_ZONE_SERVICE_VERIFY_IN_DIRECT CTL_CODE(ZONE_SERVICE_DEVICE_TYPE, 0x902, METHOD_IN_DIRECT, FILE_ANY_ACCESS)
/* The driver's counters (METHOD_BUFFERED, no input, a ZONE_SERVICE_COUNTERS out). */
#define IOCTL_ZONE_SERVICE_QUERY_COUNTERS CTL_CODE(ZONE_SERVICE_DEVICE_TYPE, 0x903, METHOD_BUFFERED, FILE_ANY_ACCESS)

#define ZONE_SERVICE_REQUEST_MAGIC 0x71725A53u /* "SZrq" in memory */
#define ZONE_SERVICE_REPLY_MAGIC 0x70725A53u   /* "SZrp" */
#define ZONE_SERVICE_COUNTERS_MAGIC 0x74635A53u /* "SZct" */
#define ZONE_SERVICE_VERSION 1

/* Largest payload a request may carry. */
#define ZONE_SERVICE_MAX_PAYLOAD 65536u
/* The driver stages the payload through one lookaside entry of this size, chunk by chunk. */
#define ZONE_SERVICE_CHUNK_SIZE 512u

/* ZONE_SERVICE_REPLY.Allocations: which of the request's three allocations succeeded. */
#define ZONE_SERVICE_ALLOC_ZONE 0x1u      /* the request context, from the zone */
#define ZONE_SERVICE_ALLOC_LOOKASIDE 0x2u /* the staging chunk, from the nonpaged lookaside list */
#define ZONE_SERVICE_ALLOC_POOL 0x4u      /* the output buffer, from ExAllocatePoolWithTag */

/* ZONE_SERVICE_COUNTERS.Features */
#define ZONE_SERVICE_FEATURE_ZONE 0x1u /* built with the zone (not the ZONE_SERVICE_NO_ZONE variant) */

/* Request kinds, as the reply's Method field and the digest see them. */
#define ZONE_SERVICE_KIND_BUFFERED 0u
#define ZONE_SERVICE_KIND_OUT_DIRECT 1u
#define ZONE_SERVICE_KIND_IN_DIRECT 2u

typedef struct _ZONE_SERVICE_REQUEST
{
    unsigned int Magic;            /* ZONE_SERVICE_REQUEST_MAGIC */
    unsigned int Sequence;         /* the client's number for this request */
    unsigned int Length;           /* payload bytes */
    unsigned int ExpectedChecksum; /* IN_DIRECT only: zone_service_checksum of the payload */
} ZONE_SERVICE_REQUEST;

typedef struct _ZONE_SERVICE_REPLY
{
    unsigned int Magic;       /* ZONE_SERVICE_REPLY_MAGIC */
    unsigned int Sequence;    /* the request's Sequence */
    unsigned int Served;      /* the driver's RequestsServed counter including this request */
    unsigned int Length;      /* payload bytes (the transformed payload follows the reply) */
    unsigned int Checksum;    /* zone_service_checksum(Sequence, payload) */
    unsigned int Allocations; /* ZONE_SERVICE_ALLOC_* that succeeded */
    unsigned int Kind;        /* ZONE_SERVICE_KIND_* */
    unsigned int Digest;      /* zone_service_reply_digest of the fields above */
} ZONE_SERVICE_REPLY;

typedef struct _ZONE_SERVICE_COUNTERS
{
    unsigned int Magic;    /* ZONE_SERVICE_COUNTERS_MAGIC */
    unsigned int Version;  /* ZONE_SERVICE_VERSION */
    unsigned int Features; /* ZONE_SERVICE_FEATURE_* */
    unsigned int RequestsServed;   /* transform and verify requests that succeeded */
    unsigned int RequestsRejected; /* requests failed (bad buffers, checksum mismatch, no pool) */
    unsigned int BufferedRequests;
    unsigned int OutDirectRequests;
    unsigned int InDirectRequests;
    unsigned int CounterQueries;   /* including this one */
    unsigned int OpenHandles;      /* IRP_MJ_CREATE minus IRP_MJ_CLOSE */
    unsigned int ZoneBlockSize;
    unsigned int ZoneBlocksTotal;
    unsigned int ZoneBlocksInUse;  /* 0 between requests */
    unsigned int ZoneAllocations;
    unsigned int ZoneMisses;       /* the zone was empty (the context then lives on the stack) */
    unsigned int LookasideAllocations;
    unsigned int LookasideMisses;  /* the list returned NULL */
    unsigned int LookasideInUse;   /* 0 between requests */
    unsigned int PoolAllocations;
    unsigned int PoolFailures;
    unsigned int PoolInUse;        /* 0 between requests */
    unsigned int BytesProcessedLow; /* payload bytes of the served requests, modulo 2^32 */
    unsigned int Digest;           /* zone_service_fold over the Digest of every served request */
    unsigned int SystemSize;       /* MmQuerySystemSize's answer (0 small, 1 medium, 2 large) */
} ZONE_SERVICE_COUNTERS;

/* FNV-1a step. */
static __inline unsigned int zone_service_fold(unsigned int hash, unsigned int value)
{
    unsigned int i;
    for (i = 0; i < 4; ++i)
    {
        hash ^= (value >> (8 * i)) & 0xFFu;
        hash *= 0x01000193u;
    }
    return hash;
}

#define ZONE_SERVICE_CHECKSUM_SEED 0x811C9DC5u
#define ZONE_SERVICE_DIGEST_SEED 0x2166A5E3u

/* Checksum of payload bytes, continued from `hash` (start with zone_service_checksum_start). */
static __inline unsigned int zone_service_checksum_start(unsigned int sequence)
{
    return zone_service_fold(ZONE_SERVICE_CHECKSUM_SEED, sequence);
}

static __inline unsigned int zone_service_checksum_update(unsigned int hash, const unsigned char *bytes,
                                                          unsigned int count)
{
    unsigned int i;
    for (i = 0; i < count; ++i)
    {
        hash ^= bytes[i];
        hash *= 0x01000193u;
    }
    return hash;
}

/* The transformed byte at payload offset `offset` of request `sequence`. */
static __inline unsigned char zone_service_transform_byte(unsigned int sequence, unsigned int offset, unsigned char byte)
{
    unsigned char key = (unsigned char)(sequence * 31u + offset * 7u + (offset >> 8));
    return (unsigned char)(((unsigned char)(byte ^ key) << 3) | ((unsigned char)(byte ^ key) >> 5));
}

static __inline unsigned int zone_service_reply_digest(const ZONE_SERVICE_REPLY *reply)
{
    unsigned int hash = ZONE_SERVICE_DIGEST_SEED;
    hash = zone_service_fold(hash, reply->Magic);
    hash = zone_service_fold(hash, reply->Sequence);
    hash = zone_service_fold(hash, reply->Served);
    hash = zone_service_fold(hash, reply->Length);
    hash = zone_service_fold(hash, reply->Checksum);
    hash = zone_service_fold(hash, reply->Allocations);
    hash = zone_service_fold(hash, reply->Kind);
    return hash;
}

#endif
