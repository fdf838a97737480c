/*
 * Where the project's objects and Wine's meet (README "Drop-in"): the process object the project
 * hands out is Wine's, so Wine's routines (forwarded by the module to its private copy of Wine's
 * builtin) accept it, and blocks cross between the project's pool and Wine's heaps both ways.
 * The routines are looked up in the loaded ntoskrnl.exe by name, as a driver's import would bind
 * them: the project's own (PsGetCurrentProcess, ExAllocatePoolWithQuotaTag, ExFreePool,
 * RtlFreeUnicodeString) and Wine's through the module's forwarders (ObfReferenceObject,
 * ObfDereferenceObject, PsGetProcessId, RtlAnsiStringToUnicodeString, IoAllocateIrp,
 * IofCompleteRequest, IoDeleteDriver).
 */
#include <windows.h>
#include <winternl.h>

#include "driver_side.h"
#include "mixed_objects_driver.h"
#include "pool_tags_driver.h"
#include "wine_test.h"

typedef void *(WINAPI *get_process_fn)(void);
/* ObReferenceObject / ObDereferenceObject are the DDK's macros for these fastcall exports. */
typedef LONG_PTR(__fastcall *ob_fn)(void *);
typedef HANDLE(WINAPI *process_id_fn)(void *);
typedef void *(WINAPI *alloc_fn)(ULONG, SIZE_T, ULONG);
typedef void(WINAPI *free_fn)(void *);
typedef LONG(WINAPI *ansi_to_unicode_fn)(UNICODE_STRING *, const ANSI_STRING *, BOOLEAN);
typedef void(WINAPI *free_string_fn)(UNICODE_STRING *);

static HMODULE kernel;

static void *need_proc(const char *name)
{
    void *p = (void *)GetProcAddress(kernel, name);
    ok(p != NULL, "ntoskrnl.exe!%s cannot be bound\n", name);
    return p;
}
#define need(type, name) ((type)need_proc(name))
#define TAG_MIXED 0x54694D78 /* TAG_MIXED */

static void test_process_object(void)
{
    get_process_fn ps_current = need(get_process_fn, "PsGetCurrentProcess");
    get_process_fn io_current = need(get_process_fn, "IoGetCurrentProcess");
    process_id_fn process_id = need(process_id_fn, "PsGetProcessId");
    ob_fn reference = need(ob_fn, "ObfReferenceObject"), dereference = need(ob_fn, "ObfDereferenceObject");
    alloc_fn quota_alloc = need(alloc_fn, "ExAllocatePoolWithQuotaTag");
    free_fn free_pool = need(free_fn, "ExFreePool");
    void *process, *block;

    if (!ps_current || !io_current || !process_id || !reference || !dereference || !quota_alloc || !free_pool) return;
    process = ps_current();
    ok(process != NULL, "PsGetCurrentProcess returned NULL\n");
    ok(io_current() == process, "IoGetCurrentProcess %p, PsGetCurrentProcess %p\n", io_current(), process);
    /* Wine's PsGetProcessId reads Wine's process object: the project's pointer must be one. */
    ok(process_id(process) == (HANDLE)(ULONG_PTR)GetCurrentProcessId(), "PsGetProcessId(%p) = %p, process id %lu\n",
       process, process_id(process), GetCurrentProcessId());
    reference(process);
    dereference(process);
    /* A quota block records the process object and is freed against it. */
    block = quota_alloc(0 /* NonPagedPool */, 100, TAG_MIXED);
    ok(block != NULL, "ExAllocatePoolWithQuotaTag failed\n");
    if (block) free_pool(block);
}

static void test_pool_crossing(void)
{
    ansi_to_unicode_fn ansi_to_unicode = need(ansi_to_unicode_fn, "RtlAnsiStringToUnicodeString");
    free_string_fn free_string = need(free_string_fn, "RtlFreeUnicodeString");
    alloc_fn alloc = need(alloc_fn, "ExAllocatePoolWithTag");
    free_fn free_pool = need(free_fn, "ExFreePool");
    UNICODE_STRING u;
    ANSI_STRING a;
    LONG status;

    if (!ansi_to_unicode || !free_string || !alloc || !free_pool) return;
    /* Wine's routine allocates the buffer (a heap of the process); the project's ExFreePool
     * hands it to that heap instead of stopping with BAD_POOL_CALLER. */
    a.Buffer = (char *)"crossing";
    a.Length = 8;
    a.MaximumLength = 9;
    status = ansi_to_unicode(&u, &a, TRUE);
    ok(status == 0, "RtlAnsiStringToUnicodeString: %08lx\n", status);
    if (!status)
    {
        ok(u.Length == 16 && !memcmp(u.Buffer, L"crossing", 16), "wrong string\n");
        free_pool(u.Buffer);
    }
    /* The other way: a pool buffer released with RtlFreeUnicodeString goes back to the pool. */
    u.Buffer = alloc(1 /* PagedPool */, 32, TAG_MIXED);
    ok(u.Buffer != NULL, "ExAllocatePoolWithTag failed\n");
    if (!u.Buffer) return;
    memcpy(u.Buffer, L"pool", 10);
    u.Length = 8;
    u.MaximumLength = 32;
    free_string(&u);
    ok(!u.Buffer && !u.Length && !u.MaximumLength, "the string was not emptied\n");
    /* And Wine's buffer through RtlFreeUnicodeString (to ntdll). */
    status = ansi_to_unicode(&u, &a, TRUE);
    ok(status == 0, "RtlAnsiStringToUnicodeString: %08lx\n", status);
    if (!status) free_string(&u);
}

/* SYSTEM_POOLTAG (pool_tags.c): allocations and frees of one tag, read through ZwQuerySystemInformation. */
typedef struct
{
    ULONG TagUlong;
    ULONG PagedAllocs;
    ULONG PagedFrees;
    SIZE_T PagedUsed;
    ULONG NonPagedAllocs;
    ULONG NonPagedFrees;
    SIZE_T NonPagedUsed;
} system_pooltag;

static BOOL tag_counts(ULONG tag, ULONG *allocs, ULONG *frees)
{
    static ULONG buffer[16384];
    unsigned long got;
    ULONG i, count;
    system_pooltag *tags = (system_pooltag *)((char *)buffer + sizeof(void *));   /* after Count, aligned */
    if (ptd_query_system_information(22 /* SystemPoolTagInformation */, buffer, sizeof(buffer), &got)) return FALSE;
    count = buffer[0];
    for (i = 0; i < count; i++)
        if (tags[i].TagUlong == tag)
        {
            *allocs = tags[i].NonPagedAllocs;
            *frees = tags[i].NonPagedFrees;
            return TRUE;
        }
    return FALSE;
}

#define TAG_IRP_BUFFER 0x4269584d /* MXiB */

static void test_irp_system_buffer(void)
{
    void *allocate_irp = need_proc("IoAllocateIrp"), *complete_request = need_proc("IofCompleteRequest");
    ULONG allocs = 0, frees = 0;
    const char *failure;

    if (!allocate_irp || !complete_request) return;
    /* Wine's IoCompleteRequest frees a SystemBuffer of the project's pool back to the pool. */
    failure = mod_wine_completes_pool_system_buffer(allocate_irp, complete_request, TAG_IRP_BUFFER);
    ok(!failure, "%s\n", failure);
    if (failure) return;
    ok(tag_counts(TAG_IRP_BUFFER, &allocs, &frees), "tag MXiB not reported\n");
    ok(allocs == 1 && frees == 1, "SystemBuffer: %lu allocations, %lu frees (completion did not free it to the pool)\n",
       allocs, frees);
}

static void test_created_driver_object(void)
{
    void *delete_driver = need_proc("IoDeleteDriver");
    short type = -1;
    const char *failure;

    if (!delete_driver) return;
    /* Windows creates the object with Type IO_TYPE_DRIVER (4); Wine's I/O manager leaves 0 and the
     * project's IoCreateDriver completes it before the init routine runs. */
    failure = mod_created_driver_object(delete_driver, &type);
    ok(!failure, "%s\n", failure);
    ok(type == 4, "the init routine saw DRIVER_OBJECT.Type %d, expected IO_TYPE_DRIVER (4)\n", type);
}

START_TEST(mixed_objects)
{
    kernel = LoadLibraryA("ntoskrnl.exe");
    ok(kernel != NULL, "ntoskrnl.exe cannot be loaded: %lu\n", GetLastError());
    if (!kernel) return;
    test_process_object();
    test_pool_crossing();
    test_irp_system_buffer();
    test_created_driver_object();
}
