/*
 * Executive pool on many threads at once (moved from tests/pe: none of it needs user mode),
 * called as a driver calls it: four threads churning blocks of every size and kind, then blocks
 * handed from allocating threads to freeing ones (every free of another thread's block is a
 * remote free).
 * Expected: no failure, and every block's contents intact until its free (windows-behavior.md
 * 3.1; any thread may free a block, 3.3); small blocks carry their tag in the POOL_HEADER (4.6:
 * the tag at header + 4), which Wine's builtin does not have.
 * ExAllocatePool2 / ExFreePool2 (Windows 10 2004+) and NonPagedPoolNx (Windows 8+) are used where
 * the kernel has ExAllocatePool2, NonPagedPool otherwise.
 */
#include "kmode_test.h"

#define TAG_TEST ((ULONG)'P' | (ULONG)'l' << 8 | (ULONG)'T' << 16 | (ULONG)'h' << 24) /* "PlTh" */
#define HEADER_SIZE (2 * sizeof(void *))
#define SMALL_MAX (PAGE_SIZE - 4 * sizeof(void *))
#define POOL_FLAG_NON_PAGED 0x40ull

typedef PVOID (NTAPI *ExAllocatePool2_fn)(ULONG64, SIZE_T, ULONG);
typedef VOID (NTAPI *ExFreePool2_fn)(PVOID, ULONG, PVOID, ULONG);
static ExAllocatePool2_fn pool2;
static ExFreePool2_fn free2;

static int is_small(SIZE_T n) { return n <= SMALL_MAX; }
static ULONG header_tag(const void *p) { return *(const ULONG *)((const UCHAR *)p - HEADER_SIZE + 4); }
static unsigned next_rand(unsigned *s) { *s = *s * 1103515245u + 12345u; return *s >> 8; }

struct churn { unsigned seed; LONG errors, tag_errors; };
static struct churn churn[4];

static void churn_thread(void *ctx, unsigned index)
{
    struct churn *c = &churn[index];
    struct { UCHAR *p; SIZE_T n; unsigned kind; } slot[64];
    unsigned i, s = c->seed;
    (void)ctx;

    RtlZeroMemory(slot, sizeof(slot));
    for (i = 0; i < 20000 + 64; i++)
    {
        unsigned k = i < 20000 ? next_rand(&s) % 64 : i - 20000, r = next_rand(&s);
        if (slot[k].p)
        {
            if (!kmtest_check_pattern(slot[k].p, slot[k].n, (UCHAR)(k + slot[k].n)))
                InterlockedIncrement(&c->errors);
            if (slot[k].kind == 2 && pool2 && free2) free2(slot[k].p, TAG_TEST, NULL, 0);
            else if (slot[k].kind == 1) ExFreePool(slot[k].p);
            else ExFreePoolWithTag(slot[k].p, TAG_TEST);
            slot[k].p = NULL;
        }
        else if (i < 20000)
        {
            SIZE_T n = r % 100 < 90 ? 1 + r % 512 : r % 100 < 98 ? 1 + r % SMALL_MAX : SMALL_MAX + 1 + r % 9000;
            unsigned kind = (r >> 16) % 4;
            UCHAR *p = kind == 0 ? ExAllocatePoolWithTag(NonPagedPool, n, TAG_TEST)
                     : kind == 1 ? ExAllocatePoolWithTag(PagedPool, n, TAG_TEST)
                     : kind == 2 ? (pool2 ? pool2(POOL_FLAG_NON_PAGED, n, TAG_TEST)
                                          : ExAllocatePoolWithTag(NonPagedPool, n, TAG_TEST))
                                 : ExAllocatePoolWithTag(pool2 ? NonPagedPoolNx : NonPagedPool, n, TAG_TEST);
            if (!p || (kind == 2 && pool2 && !kmtest_check_fill(p, n, 0))) InterlockedIncrement(&c->errors);
            if (!p) continue;
            if (is_small(n) && header_tag(p) != TAG_TEST) InterlockedIncrement(&c->tag_errors);
            kmtest_fill_pattern(p, n, (UCHAR)(k + n));
            slot[k].p = p, slot[k].n = n, slot[k].kind = kind;
        }
    }
}

/* A handed-over block starts with its size; the rest is a pattern derived from it. The ring is
 * guarded by a spin lock; a full or empty ring is waited out by spinning (the other side is
 * another thread). */
#define RING 256
#define HANDOFFS 5000
static void *ring[RING];
static unsigned ring_head, ring_tail;
static KSPIN_LOCK ring_lock;
static volatile LONG handoff_errors;

static void ring_put(void *p)
{
    for (;;)
    {
        KIRQL old;
        int done = 0;
        KeAcquireSpinLock(&ring_lock, &old);
        if (ring_head - ring_tail < RING) ring[ring_head++ % RING] = p, done = 1;
        KeReleaseSpinLock(&ring_lock, old);
        if (done) return;
        YieldProcessor();
    }
}

static void *ring_get(void)
{
    for (;;)
    {
        KIRQL old;
        int done = 0;
        void *p = NULL;
        KeAcquireSpinLock(&ring_lock, &old);
        if (ring_head != ring_tail) p = ring[ring_tail++ % RING], done = 1;
        KeReleaseSpinLock(&ring_lock, old);
        if (done) return p;
        YieldProcessor();
    }
}

static void producer(unsigned s)
{
    unsigned i;
    for (i = 0; i < HANDOFFS; i++)
    {
        SIZE_T n = sizeof(SIZE_T) + next_rand(&s) % (i % 50 ? 600 : 10000);
        UCHAR *p = ExAllocatePoolWithTag(i % 2 ? PagedPool : NonPagedPool, n, TAG_TEST);
        if (!p) InterlockedIncrement(&handoff_errors);
        else { RtlCopyMemory(p, &n, sizeof(n)); kmtest_fill_pattern(p + sizeof(n), n - sizeof(n), (UCHAR)n); }
        ring_put(p);
    }
}

static void consumer(void)
{
    unsigned i;
    for (i = 0; i < HANDOFFS; i++)
    {
        UCHAR *p = ring_get();
        SIZE_T n;
        if (!p) continue;
        RtlCopyMemory(&n, p, sizeof(n));
        if (n > 10000 + sizeof(n) || !kmtest_check_pattern(p + sizeof(n), n - sizeof(n), (UCHAR)n))
            InterlockedIncrement(&handoff_errors);
        if (i % 2) ExFreePool(p);
        else ExFreePoolWithTag(p, TAG_TEST);
    }
}

static void handoff_thread(void *ctx, unsigned index)
{
    (void)ctx;
    if (index == 0) producer(77);
    else if (index == 1) producer(99);
    else consumer();
}

static void test_threads(void)
{
    unsigned i;

    pool2 = (ExAllocatePool2_fn)kmtest_routine(L"ExAllocatePool2");
    free2 = (ExFreePool2_fn)kmtest_routine(L"ExFreePool2");
    for (i = 0; i < 4; i++) churn[i].seed = 0x1234 + i * 7919, churn[i].errors = churn[i].tag_errors = 0;
    ok(kmtest_run_threads(4, churn_thread, NULL) == 4, "not every churn thread started\n");
    for (i = 0; i < 4; i++)
    {
        ok(churn[i].errors == 0, "churn thread %u: %ld failed or corrupted blocks\n", i, churn[i].errors);
        todo_wine_if(kmtest_wine_builtin())
            ok(churn[i].tag_errors == 0, "churn thread %u: %ld small blocks without their tag in the header\n", i,
               churn[i].tag_errors);
    }

    KeInitializeSpinLock(&ring_lock);
    ring_head = ring_tail = 0;
    /* Both consumers take HANDOFFS blocks: every thread must run, or the others wait forever. */
    ok(kmtest_run_threads(4, handoff_thread, NULL) == 4, "not every handoff thread started\n");
    ok(handoff_errors == 0, "%ld blocks failed or corrupted on their way between threads\n", handoff_errors);
}

void kmtest_group_pool_threads(void)
{
    test_threads();
}
