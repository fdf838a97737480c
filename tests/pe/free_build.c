/*
 * What a free build of Windows does, as the peers' Windows-validated kernel tests see it (issue
 * 11). Facts, not code, from ReactOS's kmtests (modules/rostests/kmtests/ntos_ke/KeIrql.c,
 * KeSpinLock.c; ntos_ex/ExInterlocked.c, ExPools.c), which are run on Windows as well:
 * 1. IRQL: KeRaiseIrql to a level below the current one and KeLowerIrql to a higher one set that
 *    level ("these bugcheck on a checked build but run fine on free", KeIrql.c); KeAcquireSpinLock
 *    at HIGH_LEVEL leaves the caller at DISPATCH_LEVEL and the release goes back (KeSpinLock.c).
 *    With the verifier on these stop (tests/pe/spin_lock.c, hal.c).
 * 2. The lock word is 1 while held on a free multiprocessor build (KeSpinLock.c), also with the
 *    verifier on (a child here); releasing a lock another thread took just frees it.
 * 3. KeTestSpinLock (TRUE only for 0), KeTryToAcquireSpinLockAtDpcLevel (TRUE, then FALSE while
 *    held), the ForDpc pairs (no IRQL change outside a threaded DPC; the in-stack handle's OldIrql
 *    is the caller's), the in-stack queued handle while held (the word names the handle, Lock is
 *    the lock | LOCK_QUEUE_OWNER, Next NULL) and the raising in-stack and RaiseToSynch forms (x64
 *    kernel exports, i386 hal.dll's), at PASSIVE, APC, DISPATCH and HIGH_LEVEL.
 * 4. i386: the NT 3.x interlocked routines return INTERLOCKED_RESULT (x86 wdm.h: 0x8000 negative,
 *    0x4000 zero, 0 positive) or the old value, with the lock argument NULL, pop exactly their
 *    stdcall arguments and keep EBX, ESI, EDI and EBP (ExInterlocked.c), at PASSIVE and HIGH_LEVEL.
 * 5. A small quota block takes a reference on the process it charged and its free drops it; a
 *    page-sized one takes none (ExPools.c). The count is read where the process object's owner
 *    keeps it: Windows' OBJECT_HEADER (PointerCount 0x18 / 0x30 bytes before the body) for the
 *    module's own process object (the "emulated" run, no wine_ntoskrnl.dll), Wine's header
 *    ({LONG ref; type} right before the body) for Wine's EPROCESS, which the module hands out
 *    when it is joined to Wine's builtin; ObfReferenceObject must move the same count.
 * 6. ExQueryPoolBlockSize and the small/big boundary (ExPools.c): kept right.
 * New routines are looked up in the loaded ntoskrnl.exe (and on i386 hal.dll) by name, as the
 * kmtests look them up with MmGetSystemRoutineAddress, so the program also runs against Wine's
 * builtin, where what it lacks is a todo_wine.
 */
#include <windows.h>
#include <stdint.h>

#include "pe_imports.h"
#include "spin_lock_driver.h"
#include "wine_test.h"
#include "wine_test_child.h"

#define SYNCH_LEVEL (sizeof(void *) == 8 ? 12 : 27)

struct queue_handle { void *next; uintptr_t lock; unsigned char old_irql; };

typedef BOOLEAN(__fastcall *lock_test_fn)(uintptr_t *);
typedef unsigned char(__fastcall *for_dpc_acquire_fn)(uintptr_t *);
typedef void(__fastcall *for_dpc_release_fn)(uintptr_t *, unsigned char);
typedef void(__fastcall *in_stack_acquire_fn)(uintptr_t *, struct queue_handle *);
typedef void(__fastcall *in_stack_release_fn)(struct queue_handle *);
#ifdef _WIN64
typedef unsigned char(*raise_to_synch_fn)(uintptr_t *);
#else
typedef unsigned char(__fastcall *raise_to_synch_fn)(uintptr_t *);
#endif

static HMODULE kernel, hal;
static BOOL builtin;   /* ntoskrnl.exe is Wine's builtin: what it lacks is todo_wine */

static void *kernel_proc(const char *name) { return kernel ? (void *)GetProcAddress(kernel, name) : NULL; }
/* The DDK's KeAcquireInStackQueuedSpinLock & co.: x64 kernel exports, i386 hal.dll's. */
static void *raising_proc(const char *name)
{
#ifdef _WIN64
    return kernel_proc(name);
#else
    return hal ? (void *)GetProcAddress(hal, name) : NULL;
#endif
}

static const unsigned char levels[] = {SD_PASSIVE_LEVEL, SD_APC_LEVEL, SD_DISPATCH_LEVEL, SD_HIGH_LEVEL};
#define for_each_level(i) for (i = 0; i < sizeof(levels); i++)

/* ---- 1. IRQL on a free build ---- */
static void test_irql(void)
{
    unsigned irql;
    unsigned char old;

    ok(sd_KeGetCurrentIrql() == SD_PASSIVE_LEVEL, "initial IRQL %u\n", sd_KeGetCurrentIrql());
    for (irql = SD_PASSIVE_LEVEL; irql <= SD_HIGH_LEVEL; irql++)
    {
        old = sd_KfRaiseIrql((unsigned char)irql);
        ok(old == SD_PASSIVE_LEVEL, "raise to %u returned %u\n", irql, old);
        ok(sd_KeGetCurrentIrql() == irql, "IRQL %u after a raise to %u\n", sd_KeGetCurrentIrql(), irql);
        sd_KeLowerIrql(old);
        ok(sd_KeGetCurrentIrql() == SD_PASSIVE_LEVEL, "IRQL %u after lowering from %u\n", sd_KeGetCurrentIrql(), irql);
    }
    /* Raising below the current level and lowering above it (KeIrql.c, free builds). */
    sd_KfRaiseIrql(SD_HIGH_LEVEL);
    old = sd_KfRaiseIrql(SD_APC_LEVEL);
    todo_wine_if(builtin) ok(old == SD_HIGH_LEVEL, "raise below returned %u\n", old);
    todo_wine_if(builtin) ok(sd_KeGetCurrentIrql() == SD_APC_LEVEL, "IRQL %u after raising below HIGH_LEVEL\n", sd_KeGetCurrentIrql());
    sd_KeLowerIrql(SD_HIGH_LEVEL);
    todo_wine_if(builtin) ok(sd_KeGetCurrentIrql() == SD_HIGH_LEVEL, "IRQL %u after lowering above APC_LEVEL\n", sd_KeGetCurrentIrql());
    sd_KeLowerIrql(SD_PASSIVE_LEVEL);
    /* KeRaiseIrqlToDpcLevel twice returns DISPATCH_LEVEL the second time. */
    ok(sd_KeRaiseIrqlToDpcLevel() == SD_PASSIVE_LEVEL, "first KeRaiseIrqlToDpcLevel\n");
    todo_wine_if(builtin) ok(sd_KeRaiseIrqlToDpcLevel() == SD_DISPATCH_LEVEL, "second KeRaiseIrqlToDpcLevel\n");
    sd_KeLowerIrql(SD_PASSIVE_LEVEL);
    ok(sd_KeGetCurrentIrql() == SD_PASSIVE_LEVEL, "final IRQL %u\n", sd_KeGetCurrentIrql());
}

/* ---- 1 and 2. KeAcquireSpinLock at every level; the word ---- */
static DWORD WINAPI take_and_leave(void *lock)
{
    sd_KeAcquireSpinLockAtDpcLevel(lock);
    return 0;
}

static void test_spin_lock_word(void)
{
    uintptr_t lock;
    unsigned i;
    HANDLE thread;

    for_each_level(i)
    {
        unsigned char start = levels[i], old;
        winetest_push_context("from IRQL %u", start);
        lock = (uintptr_t)-1;
        sd_KeInitializeSpinLock(&lock);
        ok(lock == 0, "initialised word %#Ix\n", lock);
        sd_KfRaiseIrql(start);
        old = sd_KeAcquireSpinLock(&lock);
        todo_wine_if(builtin && start) ok(old == start, "KeAcquireSpinLock returned %u\n", old);
        ok(lock == 1, "word %#Ix while held\n", lock);
        todo_wine_if(builtin) ok(sd_KeGetCurrentIrql() == SD_DISPATCH_LEVEL, "IRQL %u while held\n", sd_KeGetCurrentIrql());
        sd_KeReleaseSpinLock(&lock, old);
        ok(lock == 0, "word %#Ix after release\n", lock);
        todo_wine_if(builtin && start) ok(sd_KeGetCurrentIrql() == start, "IRQL %u after release\n", sd_KeGetCurrentIrql());
        /* Without an IRQL change, at any level on a free build. */
        sd_KeAcquireSpinLockAtDpcLevel(&lock);
        ok(lock == 1, "word %#Ix held at DPC level\n", lock);
        todo_wine_if(builtin && start) ok(sd_KeGetCurrentIrql() == start, "IRQL %u\n", sd_KeGetCurrentIrql());
        sd_KeReleaseSpinLockFromDpcLevel(&lock);
        sd_KeAcquireSpinLockAtDpcLevel_stdcall(&lock);
        ok(lock == 1, "word %#Ix held through the stdcall export\n", lock);
        sd_KeReleaseSpinLockFromDpcLevel_stdcall(&lock);
        ok(lock == 0, "word %#Ix after release\n", lock);
        sd_KeLowerIrql(SD_PASSIVE_LEVEL);
        winetest_pop_context();
    }
    /* Taken by a thread that ends, released by another: a free build just clears the word. */
    lock = 0;
    thread = CreateThread(NULL, 0, take_and_leave, &lock, 0, NULL);
    WaitForSingleObject(thread, INFINITE);
    CloseHandle(thread);
    ok(lock == 1, "word %#Ix held by the ended thread\n", lock);
    sd_KeReleaseSpinLockFromDpcLevel(&lock);
    ok(lock == 0, "word %#Ix after another thread's release\n", lock);
}

/* ---- 3. The rest of the spin lock family ---- */
static void test_test_and_try(void)
{
    lock_test_fn test = kernel_proc("KeTestSpinLock"), try_acquire = kernel_proc("KeTryToAcquireSpinLockAtDpcLevel");
    static const uintptr_t held_words[] = {1, 2, (uintptr_t)-1, (uintptr_t)1 << (sizeof(uintptr_t) * 8 - 1)};
    uintptr_t lock = 0;
    unsigned i;

    todo_wine_if(builtin) ok(test != NULL, "KeTestSpinLock is not exported\n");
    todo_wine_if(builtin) ok(try_acquire != NULL, "KeTryToAcquireSpinLockAtDpcLevel is not exported\n");
    if (test)
    {
        ok(test(&lock) == TRUE, "KeTestSpinLock(0) is not TRUE\n");
        for (i = 0; i < sizeof(held_words) / sizeof(held_words[0]); i++)
        {
            lock = held_words[i];
            ok(test(&lock) == FALSE, "KeTestSpinLock(%#Ix) is not FALSE\n", lock);
        }
        lock = 0;
        ok(test(&lock) == TRUE, "KeTestSpinLock(0) again\n");
    }
    if (!try_acquire) return;
    for_each_level(i)
    {
        winetest_push_context("IRQL %u", levels[i]);
        sd_KfRaiseIrql(levels[i]);
        ok(try_acquire(&lock) == TRUE, "a free lock was not taken\n");
        ok(lock == 1, "word %#Ix\n", lock);
        ok(try_acquire(&lock) == FALSE, "a held lock was taken again\n");
        if (test) ok(test(&lock) == FALSE, "KeTestSpinLock of a held lock\n");
        ok(sd_KeGetCurrentIrql() == levels[i], "IRQL %u\n", sd_KeGetCurrentIrql());
        sd_KeReleaseSpinLockFromDpcLevel(&lock);
        ok(lock == 0, "word %#Ix after release\n", lock);
        sd_KeLowerIrql(SD_PASSIVE_LEVEL);
        winetest_pop_context();
    }
}

static void check_held_handle(const uintptr_t *lock, const struct queue_handle *h, unsigned char old)
{
    ok(*lock == (uintptr_t)h, "word %#Ix, handle %p\n", *lock, h);
    ok(h->next == NULL, "Next %p\n", h->next);
    ok(h->lock == ((uintptr_t)lock | 2), "Lock %#Ix, lock %p\n", h->lock, lock);
    ok(h->old_irql == old, "OldIrql %u, expected %u\n", h->old_irql, old);
}

static void test_for_dpc(void)
{
    for_dpc_acquire_fn acquire = kernel_proc("KeAcquireSpinLockForDpc");
    for_dpc_release_fn release = kernel_proc("KeReleaseSpinLockForDpc");
    in_stack_acquire_fn acquire_q = kernel_proc("KeAcquireInStackQueuedSpinLockForDpc");
    in_stack_release_fn release_q = kernel_proc("KeReleaseInStackQueuedSpinLockForDpc");
    uintptr_t lock = 0;
    struct queue_handle h;
    unsigned i;

    todo_wine_if(builtin) ok(acquire && release, "KeAcquireSpinLockForDpc / KeReleaseSpinLockForDpc are not exported\n");
    todo_wine_if(builtin) ok(acquire_q && release_q, "KeAcquireInStackQueuedSpinLockForDpc / ...ForDpc are not exported\n");
    if (!(acquire && release) && !(acquire_q && release_q)) return;
    for_each_level(i)
    {
        unsigned char start = levels[i];
        winetest_push_context("IRQL %u", start);
        sd_KfRaiseIrql(start);
        if (acquire && release)
        {
            unsigned char old = acquire(&lock);
            ok(old == start, "KeAcquireSpinLockForDpc returned %u\n", old);
            ok(lock == 1, "word %#Ix\n", lock);
            ok(sd_KeGetCurrentIrql() == start, "IRQL %u while held\n", sd_KeGetCurrentIrql());
            release(&lock, old);
            ok(lock == 0 && sd_KeGetCurrentIrql() == start, "after release: word %#Ix, IRQL %u\n", lock, sd_KeGetCurrentIrql());
        }
        if (acquire_q && release_q)
        {
            memset(&h, 0x55, sizeof(h));
            acquire_q(&lock, &h);
            check_held_handle(&lock, &h, start);
            ok(sd_KeGetCurrentIrql() == start, "IRQL %u while held\n", sd_KeGetCurrentIrql());
            release_q(&h);
            ok(lock == 0 && h.lock == (uintptr_t)&lock, "after release: word %#Ix, Lock %#Ix\n", lock, h.lock);
            ok(sd_KeGetCurrentIrql() == start, "IRQL %u after release\n", sd_KeGetCurrentIrql());
        }
        sd_KeLowerIrql(SD_PASSIVE_LEVEL);
        winetest_pop_context();
    }
}

static void test_raising_forms(void)
{
    in_stack_acquire_fn acquire = raising_proc("KeAcquireInStackQueuedSpinLock");
    in_stack_acquire_fn acquire_synch = raising_proc("KeAcquireInStackQueuedSpinLockRaiseToSynch");
    in_stack_release_fn release = raising_proc("KeReleaseInStackQueuedSpinLock");
    raise_to_synch_fn raise_to_synch = raising_proc("KeAcquireSpinLockRaiseToSynch");
    uintptr_t lock = 0;
    struct queue_handle h;
    unsigned i;

    ok(acquire && acquire_synch && release && raise_to_synch, "the raising in-stack / RaiseToSynch forms are missing\n");
    if (!acquire || !acquire_synch || !release || !raise_to_synch) return;
    for_each_level(i)
    {
        unsigned char start = levels[i], old;
        winetest_push_context("IRQL %u", start);
        sd_KfRaiseIrql(start);
        memset(&h, 0x55, sizeof(h));
        acquire(&lock, &h);
        todo_wine_if(builtin) check_held_handle(&lock, &h, start);
        todo_wine_if(builtin) ok(sd_KeGetCurrentIrql() == SD_DISPATCH_LEVEL, "IRQL %u while held\n", sd_KeGetCurrentIrql());
        release(&h);
        ok(lock == 0, "word %#Ix after release\n", lock);
        todo_wine_if(builtin && start) ok(sd_KeGetCurrentIrql() == start, "IRQL %u after release\n", sd_KeGetCurrentIrql());

        acquire_synch(&lock, &h);
        todo_wine_if(builtin) check_held_handle(&lock, &h, start);
        todo_wine_if(builtin) ok(sd_KeGetCurrentIrql() == SYNCH_LEVEL, "IRQL %u while held (RaiseToSynch)\n", sd_KeGetCurrentIrql());
        release(&h);
        todo_wine_if(builtin && start) ok(sd_KeGetCurrentIrql() == start, "IRQL %u after release\n", sd_KeGetCurrentIrql());

        old = raise_to_synch(&lock);
        todo_wine_if(builtin && start) ok(old == start, "KeAcquireSpinLockRaiseToSynch returned %u\n", old);
        ok(lock == 1, "word %#Ix\n", lock);
        todo_wine_if(builtin) ok(sd_KeGetCurrentIrql() == SYNCH_LEVEL, "IRQL %u while held\n", sd_KeGetCurrentIrql());
        sd_KeReleaseSpinLock(&lock, old);
        ok(lock == 0, "word %#Ix after release\n", lock);
        sd_KeLowerIrql(SD_PASSIVE_LEVEL);
        winetest_pop_context();
    }
}

/* ---- 4. i386: the NT 3.x interlocked routines ---- */
#ifndef _WIN64
/* Calls fn with ECX, EDX and `nargs` stack arguments (pushed right to left), with known values in
 * EBX, ESI and EDI; out[0] = EAX, out[1] = 1 if ESP afterwards is what it was before the pushes
 * (the callee popped exactly its stdcall arguments), out[2] = 1 if EBX, ESI, EDI kept their
 * values (EBP is the frame: a routine that lost it would not return here). */
void nt3_probe(void *fn, uint32_t ecx, uint32_t edx, const uint32_t *args, uint32_t nargs, uint32_t *out);
uint32_t nt3_expected_esp __attribute__((used));   /* the asm below stores and compares it */
__asm__(
    ".text\n"
    ".globl _nt3_probe\n"
    "_nt3_probe:\n"
    "  pushl %ebp\n"
    "  movl %esp, %ebp\n"
    "  pushl %ebx\n"
    "  pushl %esi\n"
    "  pushl %edi\n"
    "  movl %esp, _nt3_expected_esp\n"
    "  movl 24(%ebp), %ecx\n"
    "  movl 20(%ebp), %edx\n"
    "1:\n"
    "  testl %ecx, %ecx\n"
    "  jz 2f\n"
    "  decl %ecx\n"
    "  pushl (%edx,%ecx,4)\n"
    "  jmp 1b\n"
    "2:\n"
    "  movl $0x1B2B3B4B, %ebx\n"
    "  movl $0x51525354, %esi\n"
    "  movl $0xD1D2D3D4, %edi\n"
    "  movl 8(%ebp), %eax\n"
    "  movl 12(%ebp), %ecx\n"
    "  movl 16(%ebp), %edx\n"
    "  call *%eax\n"
    "  movl 28(%ebp), %ecx\n"
    "  movl %eax, (%ecx)\n"
    "  xorl %eax, %eax\n"
    "  cmpl _nt3_expected_esp, %esp\n"
    "  sete %al\n"
    "  movl %eax, 4(%ecx)\n"
    "  xorl %eax, %eax\n"
    "  cmpl $0x1B2B3B4B, %ebx\n"
    "  jne 3f\n"
    "  cmpl $0x51525354, %esi\n"
    "  jne 3f\n"
    "  cmpl $0xD1D2D3D4, %edi\n"
    "  jne 3f\n"
    "  movl $1, %eax\n"
    "3:\n"
    "  movl %eax, 8(%ecx)\n"
    "  movl _nt3_expected_esp, %esp\n"
    "  popl %edi\n"
    "  popl %esi\n"
    "  popl %ebx\n"
    "  popl %ebp\n"
    "  ret\n");

enum form { form_ex, form_ex_locked, form_i386, form_fi386 };
static const char *const form_names[] = {"Ex (NULL lock)", "Ex (a lock)", "Exi386", "Exfi386"};

/* One call: the value before, the argument (Exchange only), what must be stored and returned. */
static void nt3_case(void *fn, enum form f, BOOL exchange, LONG before, LONG value, LONG after, LONG result)
{
    static uintptr_t spin_lock;
    LONG target = before;
    uint32_t args[3], out[3], ecx = 0xEC, edx = 0xED, n = 0;

    args[n++] = (uint32_t)(uintptr_t)&target;
    if (exchange) args[n++] = (uint32_t)value;
    if (f == form_ex || f == form_ex_locked) args[n++] = f == form_ex ? 0 : (uint32_t)(uintptr_t)&spin_lock;
    if (f == form_fi386)
    {
        ecx = args[0];
        edx = exchange ? args[1] : 0xED;
        n = 0;
    }
    nt3_probe(fn, ecx, edx, args, n, out);
    ok(target == after, "%s: %ld became %ld, expected %ld\n", form_names[f], before, target, after);
    ok((LONG)out[0] == result, "%s(%ld): returned %#lx, expected %#lx\n", form_names[f], before, (LONG)out[0], result);
    ok(out[1], "%s: ESP after the call is not what it was before the arguments\n", form_names[f]);
    ok(out[2], "%s: EBX, ESI or EDI changed\n", form_names[f]);
    ok(spin_lock == 0, "%s: the lock argument was left at %#Ix\n", form_names[f], spin_lock);
}

static void test_nt3_interlocked(void)
{
    /* x86 wdm.h: RESULT_NEGATIVE 0x8000, RESULT_ZERO 0x4000, RESULT_POSITIVE 0. */
    enum { negative = 0x8000, zero = 0x4000, positive = 0 };
    static const LONG inc[][3] = {{-2, -1, negative}, {-1, 0, zero}, {0, 1, positive}, {MAXLONG, MINLONG, negative}};
    static const LONG dec[][3] = {{MINLONG, MAXLONG, positive}, {0, -1, negative}, {1, 0, zero}, {2, 1, positive}};
    static const char *const names[3][3] = {
        {"ExInterlockedIncrementLong", "Exi386InterlockedIncrementLong", "Exfi386InterlockedIncrementLong"},
        {"ExInterlockedDecrementLong", "Exi386InterlockedDecrementLong", "Exfi386InterlockedDecrementLong"},
        {"ExInterlockedExchangeUlong", "Exi386InterlockedExchangeUlong", "Exfi386InterlockedExchangeUlong"},
    };
    unsigned op, form, k, pass;

    /* Wine 8.0's builtin exports all nine as stubs (___wine_stub_*), which raise when called. */
    todo_wine_if(builtin) ok(!builtin, "Wine's builtin only stubs the NT 3.x interlocked routines\n");
    if (builtin) return;
    for (pass = 0; pass < 2; pass++)
    {
        unsigned char old = sd_KfRaiseIrql(pass ? SD_HIGH_LEVEL : SD_PASSIVE_LEVEL);   /* ExInterlocked.c runs at both */
        winetest_push_context("IRQL %u", pass ? SD_HIGH_LEVEL : SD_PASSIVE_LEVEL);
        for (op = 0; op < 3; op++)
            for (form = 0; form < 3; form++)
            {
                void *fn = kernel_proc(names[op][form]);
                ok(fn != NULL, "%s is not exported\n", names[op][form]);
                if (!fn) continue;
                winetest_push_context("%s", names[op][form]);
                for (k = 0; k < 4; k++)
                {
                    enum form f = form == 0 ? (k & 1 ? form_ex_locked : form_ex) : form == 1 ? form_i386 : form_fi386;
                    if (op == 0) nt3_case(fn, f, FALSE, inc[k][0], 0, inc[k][1], inc[k][2]);
                    else if (op == 1) nt3_case(fn, f, FALSE, dec[k][0], 0, dec[k][1], dec[k][2]);
                    else nt3_case(fn, f, TRUE, 212 + k, 121 * (LONG)k, 121 * (LONG)k, 212 + k);
                }
                winetest_pop_context();
            }
        winetest_pop_context();
        sd_KeLowerIrql(old);
    }
}
#endif

/* ---- 5 and 6. Quota blocks and the process object; ExQueryPoolBlockSize ---- */
typedef void *(WINAPI *get_process_fn)(void);
typedef void *(WINAPI *alloc_fn)(ULONG, SIZE_T, ULONG);
typedef void(WINAPI *free_tag_fn)(void *, ULONG);
typedef SIZE_T(WINAPI *query_fn)(void *, BOOLEAN *);
typedef LONG_PTR(__fastcall *ob_fn)(void *);

#define TAG_QUOTA 0x6B4D5174 /* 'tQmK' */
#define POOL_QUOTA_FAIL_INSTEAD_OF_RAISE 8
static BOOL wine_objects;   /* the process object is Wine's (its own header layout) */

static LONG_PTR reference_count(void *object)
{
    /* Wine: struct object_header { LONG ref; POBJECT_TYPE type; } right before the body
     * (dlls/ntoskrnl.exe/ntoskrnl.c). Windows: OBJECT_HEADER.PointerCount, a LONG_PTR 0x30 (x64) /
     * 0x18 (x86) bytes before it (include/nt/ob_layouts.h). */
    if (wine_objects) return *(LONG *)((char *)object - 2 * sizeof(void *));
    return *(LONG_PTR *)((char *)object - (sizeof(void *) == 8 ? 0x30 : 0x18));
}

static void test_quota_reference(void)
{
    get_process_fn ps_current = kernel_proc("PsGetCurrentProcess"), io_current = kernel_proc("IoGetCurrentProcess");
    alloc_fn quota_alloc = kernel_proc("ExAllocatePoolWithQuotaTag");
    free_tag_fn free_pool = kernel_proc("ExFreePoolWithTag");
    ob_fn reference = kernel_proc("ObfReferenceObject"), dereference = kernel_proc("ObfDereferenceObject");
    void *process, *block;
    LONG_PTR initial;

    ok(ps_current && io_current && quota_alloc && free_pool, "Ps/pool routines missing\n");
    if (!ps_current || !io_current || !quota_alloc || !free_pool) return;
    process = ps_current();
    ok(process != NULL && io_current() == process, "PsGetCurrentProcess %p, IoGetCurrentProcess %p\n", process, io_current());
    trace("process object %p: %s header\n", process, wine_objects ? "Wine's" : "Windows'");
    initial = reference_count(process);
    /* Windows' count includes the system's own reference; Wine's counts the references kernel
     * code took beyond the server's (its ObfReferenceObject grabs the server object at 0 -> 1). */
    ok(initial >= (wine_objects ? 0 : 1), "reference count %Id\n", initial);
    /* The Ob routines, where there are any, count where this test reads. Without Wine's builtin
     * (the emulated run) the module has none: ObfReferenceObject is a forwarder to it. */
    if (reference && dereference)
    {
        reference(process);
        ok(reference_count(process) == initial + 1, "ObfReferenceObject: count %Id, was %Id\n", reference_count(process), initial);
        dereference(process);
        ok(reference_count(process) == initial, "ObfDereferenceObject: count %Id, was %Id\n", reference_count(process), initial);
    }
    else
        ok(!wine_objects, "Wine's process object but no ObfReferenceObject / ObfDereferenceObject\n");

    block = quota_alloc(1 /* PagedPool */ | POOL_QUOTA_FAIL_INSTEAD_OF_RAISE, 2 * sizeof(void *) /* a LIST_ENTRY */, TAG_QUOTA);
    ok(block != NULL, "ExAllocatePoolWithQuotaTag failed\n");
    if (block)
    {
        ok((uintptr_t)block % (2 * sizeof(void *)) == 0, "block %p is badly aligned\n", block);
        todo_wine_if(builtin) ok(reference_count(process) == initial + 1, "count %Id with a quota block, was %Id\n",
                                 reference_count(process), initial);
#ifndef _WIN64
        /* x86 up to NT 6.2 keeps the process in the block's last pointer slot (ExPools.c). */
        todo_wine_if(builtin) ok(((void **)((char *)block + 4 * sizeof(void *)))[-1] == process || broken(1),
                                 "the block's last slot does not name the process\n");
#endif
        free_pool(block, TAG_QUOTA);
        ok(reference_count(process) == initial, "count %Id after the free, was %Id\n", reference_count(process), initial);
    }
    block = quota_alloc(1 | POOL_QUOTA_FAIL_INSTEAD_OF_RAISE, 4096, TAG_QUOTA);
    ok(block != NULL, "page-sized ExAllocatePoolWithQuotaTag failed\n");
    if (block)
    {
        todo_wine_if(builtin) ok((uintptr_t)block % 4096 == 0, "block %p is not page aligned\n", block);
        ok(reference_count(process) == initial, "count %Id with a page-sized quota block, was %Id\n", reference_count(process), initial);
        free_pool(block, TAG_QUOTA);
        ok(reference_count(process) == initial, "count %Id after the free\n", reference_count(process));
    }
}

/* POOL_HEADER.PoolTag: the second ULONG of the header right before a small block (8 / 16 bytes). */
static ULONG pool_tag(const void *p) { return ((const ULONG *)((const char *)p - 2 * sizeof(void *)))[1]; }

static void test_block_size(void)
{
    alloc_fn alloc = kernel_proc("ExAllocatePoolWithTag"), quota_alloc = kernel_proc("ExAllocatePoolWithQuotaTag");
    free_tag_fn free_pool = kernel_proc("ExFreePoolWithTag");
    query_fn query = kernel_proc("ExQueryPoolBlockSize");
    const ULONG tag = 0x4B62517A; /* 'zQbK' */
    const SIZE_T small_max = 4096 - 4 * sizeof(void *);
    BOOLEAN charged;
    SIZE_T size;
    void *p;

    ok(alloc && quota_alloc && free_pool && query, "pool routines missing\n");
    if (!alloc || !quota_alloc || !free_pool || !query) return;
    /* Wine 8.0's builtin exports ExQueryPoolBlockSize as a stub (___wine_stub_ExQueryPoolBlockSize). */
    todo_wine_if(builtin) ok(!builtin, "Wine's builtin only stubs ExQueryPoolBlockSize\n");
    if (builtin) return;
    p = alloc(0, 8, tag);
    charged = 2;
    size = query(p, &charged);
    todo_wine_if(builtin) ok(size >= 8 && charged == FALSE, "small block: size %Iu, charged %u\n", size, charged);
    todo_wine_if(builtin) ok(pool_tag(p) == tag, "tag %#lx in the header\n", pool_tag(p));
    free_pool(p, tag);
    p = quota_alloc(1 | POOL_QUOTA_FAIL_INSTEAD_OF_RAISE, 2 * sizeof(void *), tag);
    charged = 2;
    size = query(p, &charged);
    todo_wine_if(builtin) ok(size >= 2 * sizeof(void *) && charged == TRUE, "quota block: size %Iu, charged %u\n", size, charged);
    free_pool(p, tag);
    p = alloc(0, 4096, tag);
    charged = 2;
    size = query(p, &charged);
    ok((uintptr_t)p % 4096 == 0, "page block %p not page aligned\n", p);
    todo_wine_if(builtin) ok(size == 4096 && charged == FALSE, "page block: size %Iu, charged %u\n", size, charged);
    free_pool(p, tag);
    p = alloc(0, 4097, tag);
    size = query(p, &charged);
    todo_wine_if(builtin) ok(size == 8192, "4097 bytes: size %Iu\n", size);
    free_pool(p, tag);
    /* The small/big boundary: PAGE_SIZE - 4 pointers is the last small block (ExPools.c). */
    p = alloc(1, small_max, tag);
    todo_wine_if(builtin) ok((uintptr_t)p % 4096 != 0 && pool_tag(p) == tag, "%Iu bytes: %p is not a small block\n", small_max, p);
    free_pool(p, tag);
    p = alloc(1, small_max + 1, tag);
    ok((uintptr_t)p % 4096 == 0, "%Iu bytes: %p is not page aligned\n", small_max + 1, p);
    free_pool(p, tag);
}

/* ---- 2, with the verifier on: the word is still 1 (a child, NTOSKRNL_VERIFIER=1) ---- */
static void verifier_child(void)
{
    uintptr_t lock = 0;
    unsigned char old = sd_KeAcquireSpinLock(&lock);
    uintptr_t held = lock;
    sd_KeReleaseSpinLock(&lock, old);
    printf("WORD %lx AFTER %lx\n", (unsigned long)held, (unsigned long)lock);
    fflush(stdout);
    ExitProcess(0);
}

static void test_verifier_word(void)
{
    char out[4096];
    DWORD code;
    SetEnvironmentVariableA("NTOSKRNL_VERIFIER", "1");
    code = winetest_run_self("child verifier_word", out, sizeof(out));
    SetEnvironmentVariableA("NTOSKRNL_VERIFIER", NULL);
    ok(code == 0, "exit code %#lx; output \"%s\"\n", code, out);
    ok(strstr(out, "WORD 1 AFTER 0") != NULL, "with the verifier on: \"%s\"\n", out);
}

START_TEST(free_build)
{
    char **argv;
    int argc = winetest_get_mainargs(&argv);

    (void)pe_bound_import;
    (void)pe_contains;
    kernel = GetModuleHandleA("ntoskrnl.exe");
    hal = GetModuleHandleA("hal.dll");
    builtin = kernel && pe_is_wine_builtin(kernel);
    wine_objects = builtin || GetModuleHandleA("wine_ntoskrnl.dll") != NULL;
    if (argc >= 3 && !strcmp(argv[1], "child"))
    {
        if (!strcmp(argv[2], "verifier_word")) verifier_child();
        ExitProcess(0x7E);
    }
    ok(kernel != NULL, "ntoskrnl.exe is not loaded\n");
    if (!kernel) return;
    trace("ntoskrnl.exe is %s; %s\n", builtin ? "Wine's builtin" : "the project's",
          wine_objects ? "Wine's objects" : "the module's own process object");
    /* Wine 8.0's builtin has no IRQL to test: x86_64 KeGetCurrentIrql and i386 hal.dll's
     * KeRaiseIrqlToDpcLevel are unimplemented stubs that abort the process (measured), the other
     * i386 hal.dll IRQL routines return 0. Only the lookups and the pool parts run against it. */
    todo_wine_if(builtin) ok(!builtin, "Wine's builtin IRQL routines are stubs: the IRQL and spin lock parts do not run\n");
    if (!builtin)
    {
        test_irql();
        test_spin_lock_word();
        test_raising_forms();
    }
    test_test_and_try();
    test_for_dpc();
#ifndef _WIN64
    test_nt3_interlocked();
#endif
    test_quota_reference();
    test_block_size();
    if (!builtin) test_verifier_word();
}
