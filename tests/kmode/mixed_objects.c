/*
 * Where the project's objects and Wine's meet (converted from tests/pe/mixed_objects.c and
 * mixed_objects_driver.c; README "Drop-in"): the process object the project hands out is Wine's,
 * so Wine's routines (forwarded by the module to its private copy of Wine's builtin) accept it,
 * and blocks cross between the project's pool and Wine's heaps both ways: the project's own
 * routines (PsGetCurrentProcess, ExAllocatePoolWithQuotaTag, ExFreePool, RtlFreeUnicodeString)
 * and Wine's through the module's forwarders (ObfReferenceObject, ObfDereferenceObject,
 * PsGetProcessId, RtlAnsiStringToUnicodeString, IoAllocateIrp, IofCompleteRequest,
 * IoDeleteDriver). On Windows every one is the kernel's own, with the same outcomes.
 * PsGetProcessId (XP), IoCreateDriver and IoDeleteDriver (no WDK prototypes) are resolved at run time.
 */
#include "kmode_test.h"
#include "kmode_sysinfo.h"

#define TAG_MIXED 0x54694D78 /* xMiT */
#define TAG_IRP_BUFFER 0x4269584d /* MXiB */

#undef PsGetCurrentProcess
NTKERNELAPI PEPROCESS NTAPI PsGetCurrentProcess(VOID);
NTSYSAPI NTSTATUS NTAPI ZwQuerySystemInformation(ULONG SystemInformationClass, PVOID SystemInformation,
                                                 ULONG SystemInformationLength, PULONG ReturnLength);

typedef HANDLE (NTAPI *process_id_fn)(PEPROCESS);
typedef NTSTATUS (NTAPI *create_driver_fn)(PUNICODE_STRING, PDRIVER_INITIALIZE);
typedef VOID (NTAPI *delete_driver_fn)(PDRIVER_OBJECT);

static void test_process_object(void)
{
    process_id_fn process_id = (process_id_fn)kmtest_routine(L"PsGetProcessId");
    PEPROCESS process = PsGetCurrentProcess();
    void *block;

    ok(process != NULL, "PsGetCurrentProcess returned NULL\n");
    ok(IoGetCurrentProcess() == process, "IoGetCurrentProcess %p, PsGetCurrentProcess %p\n", IoGetCurrentProcess(), process);
    /* Wine's PsGetProcessId reads Wine's process object: the project's pointer must be one. */
    if (process_id)
        ok(process_id(process) == PsGetCurrentProcessId(), "PsGetProcessId(%p) = %p, process id %p\n", process,
           process_id(process), PsGetCurrentProcessId());
    else
        win_skip("no PsGetProcessId (Windows before XP)\n");
    ObReferenceObject(process);
    ObDereferenceObject(process);
    /* A quota block records the process object and is freed against it. */
    block = ExAllocatePoolWithQuotaTag(NonPagedPool, 100, TAG_MIXED);
    ok(block != NULL, "ExAllocatePoolWithQuotaTag failed\n");
    if (block) ExFreePool(block);
}

static void test_pool_crossing(void)
{
    static const WCHAR crossing[] = L"crossing";
    UNICODE_STRING u;
    ANSI_STRING a;
    NTSTATUS status;

    /* Wine's routine allocates the buffer (a heap of the process); the project's ExFreePool
     * hands it to that heap instead of stopping with BAD_POOL_CALLER. */
    a.Buffer = (char *)"crossing";
    a.Length = 8;
    a.MaximumLength = 9;
    status = RtlAnsiStringToUnicodeString(&u, &a, TRUE);
    ok(status == STATUS_SUCCESS, "RtlAnsiStringToUnicodeString: %08lx\n", status);
    if (NT_SUCCESS(status))
    {
        ok(u.Length == 16 && RtlCompareMemory(u.Buffer, crossing, 16) == 16, "wrong string\n");
        ExFreePool(u.Buffer);
    }
    /* The other way: a pool buffer released with RtlFreeUnicodeString goes back to the pool. */
    u.Buffer = ExAllocatePoolWithTag(PagedPool, 32, TAG_MIXED);
    ok(u.Buffer != NULL, "ExAllocatePoolWithTag failed\n");
    if (!u.Buffer) return;
    RtlCopyMemory(u.Buffer, L"pool", 10);
    u.Length = 8;
    u.MaximumLength = 32;
    RtlFreeUnicodeString(&u);
    ok(!u.Buffer && !u.Length && !u.MaximumLength, "the string was not emptied\n");
    /* And Wine's buffer through RtlFreeUnicodeString (to ntdll). */
    status = RtlAnsiStringToUnicodeString(&u, &a, TRUE);
    ok(status == STATUS_SUCCESS, "RtlAnsiStringToUnicodeString: %08lx\n", status);
    if (NT_SUCCESS(status)) RtlFreeUnicodeString(&u);
}


static ULONG tag_buffer[16384];

static int tag_counts(ULONG tag, ULONG *allocs, ULONG *frees)
{
    system_pooltag *tags = (system_pooltag *)((char *)tag_buffer + sizeof(void *));   /* after Count, aligned */
    ULONG got, i;
    if (!NT_SUCCESS(ZwQuerySystemInformation(22 /* SystemPoolTagInformation */, tag_buffer, sizeof(tag_buffer), &got)))
        return 0;
    for (i = 0; i < tag_buffer[0]; i++)
        if (tags[i].TagUlong == tag)
        {
            *allocs = tags[i].NonPagedAllocs;
            *frees = tags[i].NonPagedFrees;
            return 1;
        }
    return 0;
}

/* A driver that buffers a request itself (as file system drivers do for a read) hands the I/O
 * manager a SystemBuffer from ExAllocatePool with IRP_DEALLOCATE_BUFFER: completing the IRP frees
 * the buffer to the pool (WDK: "IRP_DEALLOCATE_BUFFER: the I/O manager will free the buffer during
 * the completion phase"). Wine's IoCompleteRequest frees it with HeapFree. */
static void test_irp_system_buffer(void)
{
    PIRP irp = IoAllocateIrp(1, FALSE);
    ULONG allocs = 0, frees = 0;
    void *buffer;
    int found;

    ok(irp != NULL, "IoAllocateIrp failed\n");
    if (!irp) return;
    buffer = ExAllocatePoolWithTag(NonPagedPool, 100, TAG_IRP_BUFFER);
    ok(buffer != NULL, "ExAllocatePoolWithTag failed\n");
    if (!buffer) { IoFreeIrp(irp); return; }
    RtlFillMemory(buffer, 100, 0x5a);
    irp->AssociatedIrp.SystemBuffer = buffer;
    irp->Flags |= IRP_BUFFERED_IO | IRP_DEALLOCATE_BUFFER;
    irp->IoStatus.Status = STATUS_SUCCESS;
    irp->IoStatus.Information = 0;
    /* Not dispatched: no stack location is current, no completion routine runs; the IRP and its
     * buffer are freed. */
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    found = tag_counts(TAG_IRP_BUFFER, &allocs, &frees);
    todo_wine_if(kmtest_wine_builtin()) ok(found, "tag MXiB not reported\n");
    if (found)
        ok(allocs == 1 && frees == 1, "SystemBuffer: %lu allocations, %lu frees (completion did not free it to the pool)\n",
           allocs, frees);
}

static PDRIVER_INITIALIZE init_expected;
static short init_type_seen = -1;
static BOOLEAN init_ok;
static PDRIVER_OBJECT created;

static NTSTATUS NTAPI created_driver_init(PDRIVER_OBJECT driver, PUNICODE_STRING registry_path)
{
    UNREFERENCED_PARAMETER(registry_path);
    created = driver;
    init_type_seen = driver->Type;
    init_ok = driver->Size == sizeof(DRIVER_OBJECT) && driver->DriverInit == init_expected &&
              driver->DriverExtension && driver->DriverExtension->DriverObject == driver && driver->DriverName.Length;
    return init_ok ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
}

/* IoCreateDriver calls the init routine with the new object, which Windows' I/O manager creates
 * with Type IO_TYPE_DRIVER (4) and DriverInit the routine passed; Wine's I/O manager leaves Type 0
 * and the project's IoCreateDriver completes it before the init routine runs. */
static void test_created_driver_object(void)
{
    static WCHAR text[] = L"\\Driver\\mixed_objects";
    create_driver_fn create_driver = (create_driver_fn)kmtest_routine(L"IoCreateDriver");
    delete_driver_fn delete_driver = (delete_driver_fn)kmtest_routine(L"IoDeleteDriver");
    UNICODE_STRING name = {sizeof(text) - sizeof(WCHAR), sizeof(text), text};
    NTSTATUS status;
    if (!create_driver || !delete_driver)
    {
        win_skip("no IoCreateDriver / IoDeleteDriver\n");
        return;
    }
    init_expected = created_driver_init;
    status = create_driver(&name, created_driver_init);
    ok(status == STATUS_SUCCESS && init_ok, "IoCreateDriver %#lx, init %s\n", status,
       init_type_seen == -1 ? "not called" : init_ok ? "saw the object" : "saw a wrong object");
    todo_wine_if(kmtest_wine_builtin())
    ok(init_type_seen == 4, "the init routine saw DRIVER_OBJECT.Type %d, expected IO_TYPE_DRIVER (4)\n", init_type_seen);
    /* IoCreateDriver returns no object: the one init received is deleted. */
    if (NT_SUCCESS(status) && created) delete_driver(created);
}

void kmtest_group_mixed_objects(void)
{
    test_process_object();
    test_pool_crossing();
    test_irp_system_buffer();
    test_created_driver_object();
}
