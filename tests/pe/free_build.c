/*
 * What a free build of Windows does, as the peers' Windows-validated kernel tests see it (issue
 * 11; facts, not code, from ReactOS's kmtests modules/rostests/kmtests/ntos_ke/KeSpinLock.c and
 * ntos_ex/ExPools.c, which are run on Windows as well), the parts a driver cannot check:
 * 2. The lock word is 1 while held on a free multiprocessor build (KeSpinLock.c), also with the
 *    verifier on (a child, NTOSKRNL_VERIFIER=1).
 * 5. A small quota block takes a reference on the process it charged and its free drops it; a
 *    page-sized one takes none (ExPools.c). The count is read where the process object's owner
 *    keeps it: Windows' OBJECT_HEADER (PointerCount 0x18 / 0x30 bytes before the body) for the
 *    module's own process object (the "emulated" run, no wine_ntoskrnl.dll), Wine's header
 *    ({LONG ref; type} right before the body) for Wine's EPROCESS, which the module hands out
 *    when it is joined to Wine's builtin; ObfReferenceObject must move the same count.
 * Routines are looked up in the loaded ntoskrnl.exe by name, so the program also runs against
 * Wine's builtin, where what it lacks is a todo_wine.
 *
 * Why here and not in the kernel-mode conformance driver (tests/kmode): part 5 tells whose
 * object header to read from the modules loaded in the process (wine_ntoskrnl.dll or not), and
 * runs in the "emulated" place, a process without wine_ntoskrnl.dll, that the driver has no
 * equal of; the verifier-on word needs a process of its own with the verifier on. Parts 1 to 4
 * and 6 (the IRQL, the lock word, the rest of the spin lock family, the NT 3.x interlocked
 * routines, ExQueryPoolBlockSize) are tests/kmode/free_build.c and free_build_nt3.c.
 */
#include <windows.h>
#include <stdint.h>

#include "pe_imports.h"
#include "spin_lock_driver.h"
#include "wine_test.h"
#include "wine_test_child.h"

static HMODULE kernel;
static BOOL builtin;   /* ntoskrnl.exe is Wine's builtin: what it lacks is todo_wine */

static void *kernel_proc(const char *name) { return kernel ? (void *)GetProcAddress(kernel, name) : NULL; }

/* ---- 5. Quota blocks and the process object ---- */
typedef void *(WINAPI *get_process_fn)(void);
typedef void *(WINAPI *alloc_fn)(ULONG, SIZE_T, ULONG);
typedef void(WINAPI *free_tag_fn)(void *, ULONG);
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
    test_quota_reference();
    if (!builtin) test_verifier_word();
}
