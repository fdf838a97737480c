/*
 * User-mode client of the zone_service sample driver (zone_service.c, interface in
 * zone_service_ioctl.h): a console program that opens \\.\ZoneService, sends N requests
 * (default 3000) cycling through the METHOD_BUFFERED transform, the METHOD_OUT_DIRECT transform
 * and the METHOD_IN_DIRECT verify, with varied sizes (empty, one byte, around the driver's chunk
 * size, pages, the maximum) and contents, and checks every answer against the same computation
 * done here. Some verify requests carry a wrong checksum on purpose and must be refused with
 * ERROR_CRC (STATUS_DATA_ERROR). At the end it reads the driver's counters and checks them
 * against what it sent (served and refused requests, per-method counts, allocations, bytes, the
 * running digest of every reply, and no zone, lookaside or pool block in use).
 *
 * With -p PATH it pauses twice with the device open, so that another program can look at the
 * driver's pool meanwhile (tests/dropin/poolmon.sh runs poolmon then): before the first request
 * and after the counters check. At pause K (1, 2) it writes PATH.K.paused, holding one line
 * "pause K handled H served S refused R system_size Z" (H: requests that reached the driver's
 * request path, each of which allocated and freed one reply buffer and one lookaside entry; Z:
 * the driver's MmQuerySystemSize answer, which sizes its zone segment), and waits until
 * PATH.K.go exists.
 *
 * Usage: zone_client [-n N] [-s SEED] [-v] [-p PATH]
 * Exit status: 0 every answer and the counters were right, 1 something was wrong (or a pause was
 * never released), 2 the device could not be opened (the Win32 error is printed), 3 usage or out
 * of memory.
 */
#include <windows.h>
#include <winioctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "zone_service_ioctl.h"

#define GUARD_SIZE 32
#define GUARD_BYTE 0xA5
#define MAX_REPORTED 10

static unsigned int rng_state;
static int verbose;
static unsigned int reported;

static unsigned int next_random(void)
{
    /* xorshift32 */
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

static void report(unsigned int index, const char *what)
{
    if (reported++ < MAX_REPORTED) fprintf(stderr, "zone_client: request %u: %s\n", index, what);
}

/* A payload length: mostly small, with the edge cases the driver's chunking and buffers have. */
static unsigned int choose_length(unsigned int index)
{
    unsigned int r = next_random();
    if (index % 97 == 13) return ZONE_SERVICE_MAX_PAYLOAD;
    switch (r % 16)
    {
    case 0: return 0;
    case 1: return 1;
    case 2: return ZONE_SERVICE_CHUNK_SIZE - 1 + (r >> 8) % 3;     /* 511, 512, 513 */
    case 3: return 4096 - 2 + (r >> 8) % 5;                         /* around a page */
    case 4: return 2 * ZONE_SERVICE_CHUNK_SIZE + (r >> 8) % 64;
    default: return (r >> 8) % 3000;
    }
}

static void fill_payload(unsigned char *payload, unsigned int length, unsigned int index)
{
    unsigned int i;
    switch (index % 11)
    {
    case 3: memset(payload, 0, length); break;
    case 7: memset(payload, 0xFF, length); break;
    default:
        for (i = 0; i < length; ++i) payload[i] = (unsigned char)(next_random() >> 11);
        break;
    }
}

static int query_counters(HANDLE device, ZONE_SERVICE_COUNTERS *counters)
{
    DWORD returned = 0;
    memset(counters, 0, sizeof(*counters));
    if (!DeviceIoControl(device, IOCTL_ZONE_SERVICE_QUERY_COUNTERS, NULL, 0, counters, sizeof(*counters), &returned,
                         NULL))
    {
        fprintf(stderr, "zone_client: counters query failed: error %lu\n", GetLastError());
        return 0;
    }
    if (returned != sizeof(*counters) || counters->Magic != ZONE_SERVICE_COUNTERS_MAGIC ||
        counters->Version != ZONE_SERVICE_VERSION)
    {
        fprintf(stderr, "zone_client: bad counters reply (%lu bytes, magic 0x%08X, version %u)\n", returned,
                counters->Magic, counters->Version);
        return 0;
    }
    return 1;
}

static int check_guard(const unsigned char *bytes)
{
    unsigned int i;
    for (i = 0; i < GUARD_SIZE; ++i)
        if (bytes[i] != GUARD_BYTE) return 0;
    return 1;
}

/* What the driver must answer for this request (Served and Digest included). */
static void expected_reply(ZONE_SERVICE_REPLY *reply, unsigned int sequence, unsigned int served, unsigned int kind,
                           unsigned int allocations, const unsigned char *payload, unsigned int length)
{
    reply->Magic = ZONE_SERVICE_REPLY_MAGIC;
    reply->Sequence = sequence;
    reply->Served = served;
    reply->Length = length;
    reply->Checksum = zone_service_checksum_update(zone_service_checksum_start(sequence), payload, length);
    reply->Allocations = allocations;
    reply->Kind = kind;
    reply->Digest = zone_service_reply_digest(reply);
}

typedef struct
{
    unsigned int expected_served; /* requests the driver must have served so far */
    unsigned int refused;         /* bad-checksum requests refused as they must be */
    unsigned int per_kind[3];
    unsigned int bytes;           /* payload bytes of the served requests, modulo 2^32 */
    unsigned int digest;
} tally;

/* One request; returns 1 when the driver's answer is right. */
static int run_request(HANDLE device, unsigned int index, unsigned int allocations, unsigned char *in,
                       unsigned char *out, tally *t)
{
    const unsigned int kind = index % 3;
    const unsigned int length = choose_length(index);
    const unsigned int sequence = 0x10000u + index;
    const int bad_checksum = kind == ZONE_SERVICE_KIND_IN_DIRECT && index % 50 == 47;
    ZONE_SERVICE_REQUEST request;
    ZONE_SERVICE_REPLY want, got;
    unsigned char *payload = in + sizeof(request);
    DWORD returned = 0, error;
    BOOL ok;
    unsigned int i;
    char what[160];

    fill_payload(payload, length, index);
    request.Magic = ZONE_SERVICE_REQUEST_MAGIC;
    request.Sequence = sequence;
    request.Length = length;
    expected_reply(&want, sequence, t->expected_served + 1, kind, allocations, payload, length);
    request.ExpectedChecksum = bad_checksum ? want.Checksum ^ 0x100u : want.Checksum;
    memcpy(in, &request, sizeof(request));

    if (kind == ZONE_SERVICE_KIND_IN_DIRECT)
    {
        /* The payload is the "output" buffer, read by the driver through its MDL. */
        memcpy(out, payload, length);
        memset(out + length, GUARD_BYTE, GUARD_SIZE);
        ok = DeviceIoControl(device, IOCTL_ZONE_SERVICE_VERIFY_IN_DIRECT, in, sizeof(request), length ? out : NULL,
                             length, &returned, NULL);
        error = ok ? 0 : GetLastError();
        if (memcmp(out, payload, length) || !check_guard(out + length))
        {
            report(index, "IN_DIRECT: the driver changed the payload buffer");
            return 0;
        }
        if (bad_checksum)
        {
            if (ok || error != ERROR_CRC)
            {
                sprintf(what, "IN_DIRECT with a wrong checksum: %s, error %lu (expected ERROR_CRC)",
                        ok ? "accepted" : "refused", error);
                report(index, what);
                return 0;
            }
            t->refused++;
            return 1;
        }
        if (!ok || returned != 0)
        {
            sprintf(what, "IN_DIRECT (%u bytes): %s, error %lu, %lu bytes returned", length, ok ? "ok" : "failed",
                    error, returned);
            report(index, what);
            return 0;
        }
    }
    else
    {
        const DWORD out_size = sizeof(ZONE_SERVICE_REPLY) + length;
        memset(out, GUARD_BYTE, out_size + GUARD_SIZE);
        ok = DeviceIoControl(device,
                             kind == ZONE_SERVICE_KIND_BUFFERED ? IOCTL_ZONE_SERVICE_TRANSFORM_BUFFERED
                                                                : IOCTL_ZONE_SERVICE_TRANSFORM_OUT_DIRECT,
                             in, sizeof(request) + length, out, out_size, &returned, NULL);
        error = ok ? 0 : GetLastError();
        if (!ok || returned != out_size)
        {
            sprintf(what, "%s (%u bytes): %s, error %lu, %lu bytes returned (expected %lu)",
                    kind == ZONE_SERVICE_KIND_BUFFERED ? "BUFFERED" : "OUT_DIRECT", length, ok ? "ok" : "failed",
                    error, returned, out_size);
            report(index, what);
            return 0;
        }
        memcpy(&got, out, sizeof(got));
        if (memcmp(&got, &want, sizeof(got)))
        {
            sprintf(what, "reply {seq 0x%X, served %u, len %u, sum 0x%08X, alloc %u, kind %u} expected "
                    "{seq 0x%X, served %u, len %u, sum 0x%08X, alloc %u, kind %u}",
                    got.Sequence, got.Served, got.Length, got.Checksum, got.Allocations, got.Kind, want.Sequence,
                    want.Served, want.Length, want.Checksum, want.Allocations, want.Kind);
            report(index, what);
            return 0;
        }
        for (i = 0; i < length; ++i)
            if (out[sizeof(got) + i] != zone_service_transform_byte(sequence, i, payload[i]))
            {
                sprintf(what, "transformed byte %u is 0x%02X, expected 0x%02X", i, out[sizeof(got) + i],
                        zone_service_transform_byte(sequence, i, payload[i]));
                report(index, what);
                return 0;
            }
        if (!check_guard(out + out_size))
        {
            report(index, "bytes written past the output buffer's end");
            return 0;
        }
    }
    t->expected_served++;
    t->per_kind[kind]++;
    t->bytes += length;
    t->digest = zone_service_fold(t->digest, want.Digest);
    if (verbose) printf("request %u: kind %u, %u bytes, ok\n", index, kind, length);
    return 1;
}

/* Pause K of -p PATH (see the top of the file); returns 0 if it could not be announced or was
 * not released within ten minutes. */
static int pause_point(const char *path, unsigned int k, unsigned int handled, unsigned int served,
                       unsigned int refused, unsigned int system_size)
{
    char name[MAX_PATH], go[MAX_PATH];
    unsigned int waited;
    FILE *f;
    sprintf(name, "%s.%u.paused.tmp", path, k);
    sprintf(go, "%s.%u.go", path, k);
    f = fopen(name, "w");
    if (!f)
    {
        fprintf(stderr, "zone_client: cannot write %s\n", name);
        return 0;
    }
    fprintf(f, "pause %u handled %u served %u refused %u system_size %u\n", k, handled, served, refused, system_size);
    fclose(f);
    {
        /* Renamed into place, so a reader never sees a half-written file. */
        char final_name[MAX_PATH];
        sprintf(final_name, "%s.%u.paused", path, k);
        if (!MoveFileExA(name, final_name, MOVEFILE_REPLACE_EXISTING))
        {
            fprintf(stderr, "zone_client: cannot rename %s: error %lu\n", name, GetLastError());
            return 0;
        }
    }
    printf("zone_client: pause %u (handled %u), waiting for %s\n", k, handled, go);
    fflush(stdout);
    for (waited = 0; GetFileAttributesA(go) == INVALID_FILE_ATTRIBUTES; waited += 100)
    {
        if (waited >= 600000)
        {
            fprintf(stderr, "zone_client: pause %u was not released (no %s)\n", k, go);
            return 0;
        }
        Sleep(100);
    }
    return 1;
}

static int check_counter(const char *name, unsigned int got, unsigned int want)
{
    if (got == want) return 1;
    fprintf(stderr, "zone_client: counter %s is %u, expected %u\n", name, got, want);
    return 0;
}

int main(int argc, char **argv)
{
    unsigned int count = 3000, i, correct = 0, wrong, allocations, has_zone;
    ZONE_SERVICE_COUNTERS before, after;
    unsigned char *in, *out;
    tally t;
    HANDLE device;
    int counters_ok, arg, paused_ok = 1;
    const char *pause_path = NULL;

    rng_state = 0x2545F491u;
    for (arg = 1; arg < argc; ++arg)
    {
        if (!strcmp(argv[arg], "-n") && arg + 1 < argc)
            count = (unsigned int)strtoul(argv[++arg], NULL, 0);
        else if (!strcmp(argv[arg], "-s") && arg + 1 < argc)
            rng_state = (unsigned int)strtoul(argv[++arg], NULL, 0) | 1u;
        else if (!strcmp(argv[arg], "-v"))
            verbose = 1;
        else if (!strcmp(argv[arg], "-p") && arg + 1 < argc)
            pause_path = argv[++arg];
        else
        {
            fprintf(stderr, "usage: zone_client [-n N] [-s SEED] [-v] [-p PATH]\n");
            return 3;
        }
    }

    device = CreateFileA(ZONE_SERVICE_WIN32_NAME, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                         FILE_ATTRIBUTE_NORMAL, NULL);
    if (device == INVALID_HANDLE_VALUE)
    {
        printf("zone_client: cannot open %s: Win32 error %lu\n", ZONE_SERVICE_WIN32_NAME, GetLastError());
        return 2;
    }

    in = malloc(sizeof(ZONE_SERVICE_REQUEST) + ZONE_SERVICE_MAX_PAYLOAD);
    out = malloc(sizeof(ZONE_SERVICE_REPLY) + ZONE_SERVICE_MAX_PAYLOAD + GUARD_SIZE);
    if (!in || !out)
    {
        fprintf(stderr, "zone_client: out of memory\n");
        return 3;
    }
    if (!query_counters(device, &before))
    {
        printf("zone_client: %u requests, 0 correct, %u wrong (no counters)\n", count, count);
        CloseHandle(device);
        return 1;
    }
    has_zone = (before.Features & ZONE_SERVICE_FEATURE_ZONE) != 0;
    allocations = ZONE_SERVICE_ALLOC_LOOKASIDE | ZONE_SERVICE_ALLOC_POOL | (has_zone ? ZONE_SERVICE_ALLOC_ZONE : 0);

    memset(&t, 0, sizeof(t));
    t.expected_served = before.RequestsServed;
    t.digest = before.Digest;
    if (pause_path) paused_ok &= pause_point(pause_path, 1, 0, 0, 0, before.SystemSize);
    for (i = 0; i < count; ++i) correct += run_request(device, i, allocations, in, out, &t);
    wrong = count - correct;

    counters_ok = query_counters(device, &after);
    if (counters_ok)
    {
        unsigned int handled = t.expected_served - before.RequestsServed + t.refused;
        counters_ok &= check_counter("RequestsServed", after.RequestsServed, t.expected_served);
        counters_ok &= check_counter("RequestsRejected", after.RequestsRejected - before.RequestsRejected, t.refused);
        counters_ok &= check_counter("BufferedRequests", after.BufferedRequests - before.BufferedRequests,
                                     t.per_kind[ZONE_SERVICE_KIND_BUFFERED]);
        counters_ok &= check_counter("OutDirectRequests", after.OutDirectRequests - before.OutDirectRequests,
                                     t.per_kind[ZONE_SERVICE_KIND_OUT_DIRECT]);
        counters_ok &= check_counter("InDirectRequests", after.InDirectRequests - before.InDirectRequests,
                                     t.per_kind[ZONE_SERVICE_KIND_IN_DIRECT]);
        counters_ok &= check_counter("CounterQueries", after.CounterQueries - before.CounterQueries, 1);
        counters_ok &= check_counter("ZoneBlocksInUse", after.ZoneBlocksInUse, 0);
        counters_ok &= check_counter("LookasideInUse", after.LookasideInUse, 0);
        counters_ok &= check_counter("PoolInUse", after.PoolInUse, 0);
        counters_ok &= check_counter("ZoneAllocations", after.ZoneAllocations - before.ZoneAllocations,
                                     has_zone ? handled : 0);
        counters_ok &= check_counter("ZoneMisses", after.ZoneMisses - before.ZoneMisses, 0);
        counters_ok &= check_counter("LookasideAllocations", after.LookasideAllocations - before.LookasideAllocations,
                                     handled);
        counters_ok &= check_counter("LookasideMisses", after.LookasideMisses - before.LookasideMisses, 0);
        counters_ok &= check_counter("PoolAllocations", after.PoolAllocations - before.PoolAllocations, handled);
        counters_ok &= check_counter("PoolFailures", after.PoolFailures - before.PoolFailures, 0);
        counters_ok &= check_counter("BytesProcessedLow", after.BytesProcessedLow - before.BytesProcessedLow, t.bytes);
        counters_ok &= check_counter("Digest", after.Digest, t.digest);
        if (after.OpenHandles < 1)
        {
            fprintf(stderr, "zone_client: counter OpenHandles is %u, expected at least 1\n", after.OpenHandles);
            counters_ok = 0;
        }
        if (has_zone && !after.ZoneBlocksTotal)
        {
            fprintf(stderr, "zone_client: the zone reports no blocks\n");
            counters_ok = 0;
        }
    }
    if (pause_path)
        paused_ok &= pause_point(pause_path, 2, t.expected_served - before.RequestsServed + t.refused,
                                 t.expected_served - before.RequestsServed, t.refused, before.SystemSize);
    CloseHandle(device);
    free(in);
    free(out);

    printf("zone_client: %u requests, %u correct, %u wrong\n", count, correct, wrong);
    printf("zone_client: counters %s: served %u, refused %u, zone %s (%u of %u blocks of %u bytes in use), "
           "lookaside %u in use, pool %u in use, digest 0x%08X\n",
           counters_ok ? "ok" : "WRONG", after.RequestsServed, after.RequestsRejected, has_zone ? "on" : "off",
           after.ZoneBlocksInUse, after.ZoneBlocksTotal, after.ZoneBlockSize, after.LookasideInUse, after.PoolInUse,
           after.Digest);
    return wrong == 0 && counters_ok && paused_ok ? 0 : 1;
}
