/*
 * Part of the zone group (zone.c; converted from tests/pe/zone.c and its driver half): an NT
 * 4-style IRP queue. The device extension's list head and spin lock, real IRPs linked through
 * Tail.Overlay.ListEntry (the field the DDK leaves to the driver owning the IRP) and found again
 * with CONTAINING_RECORD, as dispatch routines and StartIo/DPC pairs did before cancel-safe
 * queues, through ExInterlockedInsertTailList / InsertHeadList / RemoveHeadList under the names
 * the headers give them. Wine's builtin only stubs the insertions (kmtest_builtin_stub).
 */
#include "kmode_test.h"

#define TAG_IRPQ 'qIZK'
#ifdef _X86_
#define HEADER_INSERT_TAIL "ExfInterlockedInsertTailList"
#else
#define HEADER_INSERT_TAIL "ExInterlockedInsertTailList"
#endif

typedef struct
{
    LIST_ENTRY PendingIrps;
    KSPIN_LOCK Lock;
} DEVICE_QUEUE_EXTENSION;

static PIRP irp_of(PLIST_ENTRY entry) { return entry ? CONTAINING_RECORD(entry, IRP, Tail.Overlay.ListEntry) : NULL; }

static DEVICE_QUEUE_EXTENSION *queue_create(void)
{
    DEVICE_QUEUE_EXTENSION *ext = ExAllocatePoolWithTag(NonPagedPool, sizeof(*ext), TAG_IRPQ);
    if (!ext) return NULL;
    InitializeListHead(&ext->PendingIrps);
    KeInitializeSpinLock(&ext->Lock);
    return ext;
}

static PIRP irp_allocate(ULONG_PTR tag)
{
    PIRP irp = ExAllocatePoolWithTag(NonPagedPool, sizeof(IRP), TAG_IRPQ);
    if (!irp) return NULL;
    RtlZeroMemory(irp, sizeof(IRP));
    irp->Tail.Overlay.DriverContext[0] = (PVOID)tag;
    return irp;
}

static void irp_free(PIRP irp) { if (irp) ExFreePool(irp); }
static ULONG_PTR irp_tag(PIRP irp) { return (ULONG_PTR)irp->Tail.Overlay.DriverContext[0]; }

static PIRP queue_insert(DEVICE_QUEUE_EXTENSION *ext, PIRP irp)
{
    return irp_of(ExInterlockedInsertTailList(&ext->PendingIrps, &irp->Tail.Overlay.ListEntry, &ext->Lock));
}

static PIRP queue_requeue_front(DEVICE_QUEUE_EXTENSION *ext, PIRP irp)
{
    return irp_of(ExInterlockedInsertHeadList(&ext->PendingIrps, &irp->Tail.Overlay.ListEntry, &ext->Lock));
}

static PIRP queue_remove(DEVICE_QUEUE_EXTENSION *ext)
{
    return irp_of(ExInterlockedRemoveHeadList(&ext->PendingIrps, &ext->Lock));
}

static void test_irp_queue(void)
{
    DEVICE_QUEUE_EXTENSION *queue = queue_create();
    PIRP irps[4], irp;
    unsigned i;

    ok(queue != NULL, "no queue\n");
    if (!queue) return;
    for (i = 0; i < 4; i++) irps[i] = irp_allocate(i);
    if (!irps[0] || !irps[1] || !irps[2] || !irps[3]) { ok(0, "no pool for the IRPs\n"); goto done; }
    ok(queue_remove(queue) == NULL, "IRP from an empty queue\n");
    ok(queue_insert(queue, irps[0]) == NULL, "first insert returned an IRP\n");
    ok(queue_insert(queue, irps[1]) == irps[0], "insert did not return the previous last IRP\n");
    ok(queue_insert(queue, irps[2]) == irps[1], "insert did not return the previous last IRP\n");
    /* A StartIo that cannot start an IRP puts it back in front. */
    ok(queue_requeue_front(queue, irps[3]) == irps[0], "requeue did not return the previous first IRP\n");
    for (i = 0; i < 4; i++)
    {
        irp = queue_remove(queue);
        ok(irp == irps[(i + 3) % 4], "removal %u: IRP tag %Iu\n", i, irp ? irp_tag(irp) : (ULONG_PTR)-1);
    }
    ok(queue_remove(queue) == NULL, "queue not empty\n");
    ok(queue->Lock == 0, "lock word %#Ix afterwards\n", queue->Lock);
done:
    for (i = 0; i < 4; i++) irp_free(irps[i]);
    ExFreePool(queue);
}

/* Producers queue IRPs tagged (producer, sequence) at the tail while consumers take them from the
 * head: every IRP is taken exactly once, and each consumer sees a producer's IRPs in order. */
#define QUEUE_PRODUCERS 2
#define QUEUE_CONSUMERS 2
#define QUEUE_IRPS 2000
static DEVICE_QUEUE_EXTENSION *queue_under_stress;
static PIRP queue_irps[QUEUE_PRODUCERS][QUEUE_IRPS];
static volatile LONG queue_taken[QUEUE_PRODUCERS][QUEUE_IRPS];
static volatile LONG queue_consumed, queue_violations;

static void queue_producer(unsigned me)
{
    unsigned i;
    for (i = 0; i < QUEUE_IRPS; i++) queue_insert(queue_under_stress, queue_irps[me][i]);
}

static void queue_consumer(void)
{
    long last[QUEUE_PRODUCERS];
    unsigned p;
    for (p = 0; p < QUEUE_PRODUCERS; p++) last[p] = -1;
    while (queue_consumed < QUEUE_PRODUCERS * QUEUE_IRPS)
    {
        PIRP irp = queue_remove(queue_under_stress);
        ULONG_PTR tag;
        if (!irp)
        {
            YieldProcessor();   /* the producers are other threads: wait for them */
            continue;
        }
        tag = irp_tag(irp);
        p = (unsigned)(tag >> 16);
        if ((long)(tag & 0xFFFF) <= last[p]) InterlockedIncrement(&queue_violations);
        last[p] = (long)(tag & 0xFFFF);
        if (InterlockedIncrement(&queue_taken[p][tag & 0xFFFF]) != 1) InterlockedIncrement(&queue_violations);
        InterlockedIncrement(&queue_consumed);
    }
}

/* The producers first: should a consumer not start, the others still take every IRP. */
static void queue_thread(void *ctx, unsigned index)
{
    (void)ctx;
    if (index < QUEUE_PRODUCERS) queue_producer(index);
    else queue_consumer();
}

static void test_irp_queue_stress(void)
{
    unsigned p, i, missing = 0, allocated = 1;

    queue_under_stress = queue_create();
    ok(queue_under_stress != NULL, "no queue\n");
    if (!queue_under_stress) return;
    for (p = 0; p < QUEUE_PRODUCERS; p++)
        for (i = 0; i < QUEUE_IRPS; i++)
            if (!(queue_irps[p][i] = irp_allocate((ULONG_PTR)p << 16 | i))) allocated = 0;
    ok(allocated, "no pool for the IRPs\n");
    if (allocated)
    {
        ok(kmtest_run_threads(QUEUE_PRODUCERS + QUEUE_CONSUMERS, queue_thread, NULL) == QUEUE_PRODUCERS + QUEUE_CONSUMERS,
           "not every thread started\n");
        ok(queue_violations == 0, "%ld IRPs taken twice or out of order\n", queue_violations);
        for (p = 0; p < QUEUE_PRODUCERS; p++)
            for (i = 0; i < QUEUE_IRPS; i++) missing += queue_taken[p][i] != 1;
        ok(missing == 0, "%u IRPs not taken exactly once\n", missing);
        ok(queue_remove(queue_under_stress) == NULL, "queue not empty\n");
        ok(queue_under_stress->Lock == 0, "lock word %#Ix afterwards\n", queue_under_stress->Lock);
    }
    for (p = 0; p < QUEUE_PRODUCERS; p++)
        for (i = 0; i < QUEUE_IRPS; i++) irp_free(queue_irps[p][i]);
    ExFreePool(queue_under_stress);
}

void kmtest_group_zone_irp(void)
{
    if (kmtest_builtin_stub(HEADER_INSERT_TAIL)) return;
    test_irp_queue();
    test_irp_queue_stress();
}
