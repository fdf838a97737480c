/*
 * Executive pool on many threads at once, called the way a driver calls it (pool_driver.c): four
 * threads churning blocks of every size and kind, then blocks handed from allocating threads to
 * freeing ones (every free of another thread's block is a remote free). Expected: no failure, and
 * every block's contents intact until its free (windows-behavior.md 3.1; any thread may free a
 * block, 3.3).
 */
#include <windows.h>
#include <stdint.h>

#include "pool_driver.h"
#include "pool_checks.h"
#include "wine_test.h"

#define TAG_TEST ((ULONG)'P' | (ULONG)'l' << 8 | (ULONG)'T' << 16 | (ULONG)'h' << 24) /* "PlTh" */

struct churn { unsigned seed; LONG errors; };
static LONG handoff_errors;
static void *ring[256];
static unsigned ring_head, ring_tail;
static CRITICAL_SECTION ring_cs;
static HANDLE ring_free, ring_full;

static unsigned next_rand(unsigned *s) { *s = *s * 1103515245u + 12345u; return *s >> 8; }

static DWORD WINAPI churn_thread(void *arg)
{
    struct churn *c = arg;
    struct { BYTE *p; SIZE_T n; unsigned kind; } slot[64];
    unsigned i, s = c->seed;

    memset(slot, 0, sizeof(slot));
    for (i = 0; i < 20000 + 64; i++)
    {
        unsigned k = i < 20000 ? next_rand(&s) % 64 : i - 20000, r = next_rand(&s);
        if (slot[k].p)
        {
            if (!check_fill(slot[k].p, slot[k].n, (BYTE)(k + slot[k].n))) InterlockedIncrement(&c->errors);
            if (slot[k].kind == 2) pd_ExFreePool2(slot[k].p, TAG_TEST);
            else if (slot[k].kind == 1) pd_ExFreePool(slot[k].p);
            else pd_ExFreePoolWithTag(slot[k].p, TAG_TEST);
            slot[k].p = NULL;
        }
        else if (i < 20000)
        {
            SIZE_T n = r % 100 < 90 ? 1 + r % 512 : r % 100 < 98 ? 1 + r % PD_SMALL_MAX : PD_SMALL_MAX + 1 + r % 9000;
            unsigned kind = (r >> 16) % 4;
            BYTE *p = kind == 0 ? pd_ExAllocatePoolWithTag(PD_NonPagedPool, n, TAG_TEST)
                    : kind == 1 ? pd_ExAllocatePoolWithTag(PD_PagedPool, n, TAG_TEST)
                    : kind == 2 ? pd_ExAllocatePool2(PD_POOL_FLAG_NON_PAGED, n, TAG_TEST)
                                : pd_ExAllocatePoolWithTag(PD_NonPagedPoolNx, n, TAG_TEST);
            if (!p || (kind == 2 && !all_zero(p, n)) || (is_small(n) && header_tag(p) != TAG_TEST))
                InterlockedIncrement(&c->errors);
            if (!p) continue;
            fill(p, n, (BYTE)(k + n));
            slot[k].p = p, slot[k].n = n, slot[k].kind = kind;
        }
    }
    return 0;
}

/* A handed-over block starts with its size; the rest is a pattern derived from it. */
static DWORD WINAPI producer_thread(void *arg)
{
    unsigned i, s = (unsigned)(ULONG_PTR)arg;
    for (i = 0; i < 5000; i++)
    {
        SIZE_T n = sizeof(SIZE_T) + next_rand(&s) % (i % 50 ? 600 : 10000);
        BYTE *p = pd_ExAllocatePoolWithTag(i % 2 ? PD_PagedPool : PD_NonPagedPool, n, TAG_TEST);
        if (!p) { InterlockedIncrement(&handoff_errors); p = NULL; }
        else { memcpy(p, &n, sizeof(n)); fill(p + sizeof(n), n - sizeof(n), (BYTE)n); }
        WaitForSingleObject(ring_free, INFINITE);
        EnterCriticalSection(&ring_cs);
        ring[ring_head++ % 256] = p;
        LeaveCriticalSection(&ring_cs);
        ReleaseSemaphore(ring_full, 1, NULL);
    }
    return 0;
}

static DWORD WINAPI consumer_thread(void *arg)
{
    unsigned i;
    (void)arg;
    for (i = 0; i < 5000; i++)
    {
        BYTE *p;
        SIZE_T n;
        WaitForSingleObject(ring_full, INFINITE);
        EnterCriticalSection(&ring_cs);
        p = ring[ring_tail++ % 256];
        LeaveCriticalSection(&ring_cs);
        ReleaseSemaphore(ring_free, 1, NULL);
        if (!p) continue;
        memcpy(&n, p, sizeof(n));
        if (n > 10000 + sizeof(n) || !check_fill(p + sizeof(n), n - sizeof(n), (BYTE)n))
            InterlockedIncrement(&handoff_errors);
        if (i % 2) pd_ExFreePool(p);
        else pd_ExFreePoolWithTag(p, TAG_TEST);
    }
    return 0;
}

static void test_threads(void)
{
    struct churn churn[4];
    HANDLE t[4];
    unsigned i;

    for (i = 0; i < 4; i++)
    {
        churn[i].seed = 0x1234 + i * 7919, churn[i].errors = 0;
        t[i] = CreateThread(NULL, 0, churn_thread, &churn[i], 0, NULL);
    }
    WaitForMultipleObjects(4, t, TRUE, INFINITE);
    for (i = 0; i < 4; i++)
    {
        ok(churn[i].errors == 0, "churn thread %u: %ld failed or corrupted blocks\n", i, churn[i].errors);
        CloseHandle(t[i]);
    }

    InitializeCriticalSection(&ring_cs);
    ring_free = CreateSemaphoreA(NULL, 256, 256, NULL);
    ring_full = CreateSemaphoreA(NULL, 0, 256, NULL);
    t[0] = CreateThread(NULL, 0, producer_thread, (void *)(ULONG_PTR)77, 0, NULL);
    t[1] = CreateThread(NULL, 0, producer_thread, (void *)(ULONG_PTR)99, 0, NULL);
    t[2] = CreateThread(NULL, 0, consumer_thread, NULL, 0, NULL);
    t[3] = CreateThread(NULL, 0, consumer_thread, NULL, 0, NULL);
    WaitForMultipleObjects(4, t, TRUE, INFINITE);
    for (i = 0; i < 4; i++) CloseHandle(t[i]);
    ok(handoff_errors == 0, "%ld blocks failed or corrupted on their way between threads\n", handoff_errors);
    CloseHandle(ring_free);
    CloseHandle(ring_full);
    DeleteCriticalSection(&ring_cs);
}

START_TEST(pool_threads)
{
    test_threads();
}
