/*
 * System threads for the groups that need several at once (kmtest_run_threads, kmode_test.h):
 * PsCreateSystemThread in the System process (NULL process handle: a driver's worker threads, as
 * Microsoft's PsCreateSystemThread page describes them), each waited for through its handle.
 * A start routine may simply return: the kernel then ends the thread (Windows Vista and later;
 * on older Windows too in practice, ReactOS's PspSystemThreadStartup calls PsTerminateSystemThread
 * itself), so the workers here call PsTerminateSystemThread explicitly, which every Windows has.
 */
#include "kmode_test.h"

/* ntifs.h's; ntddk.h does not declare it (an implicit declaration links to the wrong i386 name). */
NTSYSAPI NTSTATUS NTAPI ZwWaitForSingleObject(HANDLE Handle, BOOLEAN Alertable, PLARGE_INTEGER Timeout);

struct kmtest_thread
{
    void (*fn)(void *ctx, unsigned index);
    void *ctx;
    unsigned index;
};

static VOID NTAPI thread_start(PVOID arg)
{
    struct kmtest_thread *t = arg;
    t->fn(t->ctx, t->index);
    PsTerminateSystemThread(STATUS_SUCCESS);
}

unsigned kmtest_run_threads(unsigned count, void (*fn)(void *ctx, unsigned index), void *ctx)
{
    struct kmtest_thread threads[KMTEST_MAX_THREADS];
    HANDLE handles[KMTEST_MAX_THREADS];
    unsigned i, started = 0;
    if (count > KMTEST_MAX_THREADS) count = KMTEST_MAX_THREADS;
    for (i = 0; i < count; i++)
    {
        OBJECT_ATTRIBUTES attributes;
        threads[i].fn = fn, threads[i].ctx = ctx, threads[i].index = i;
        InitializeObjectAttributes(&attributes, NULL, OBJ_KERNEL_HANDLE, NULL, NULL);
        if (!NT_SUCCESS(PsCreateSystemThread(&handles[started], THREAD_ALL_ACCESS, &attributes, NULL, NULL,
                                             thread_start, &threads[i])))
            break;
        started++;
    }
    for (i = 0; i < started; i++)
    {
        ZwWaitForSingleObject(handles[i], FALSE, NULL);
        ZwClose(handles[i]);
    }
    return started;
}
