/* Driver half of mixed_objects: an IRP of Wine's carrying a buffer of the project's pool, and a
 * driver object created through the project's IoCreateDriver. */
#include <ddk/ntddk.h>

#include "mixed_objects_driver.h"

typedef PIRP(NTAPI *io_allocate_irp_fn)(CCHAR, BOOLEAN);
typedef VOID(FASTCALL *iof_complete_request_fn)(PIRP, CCHAR);
typedef VOID(NTAPI *io_delete_driver_fn)(PDRIVER_OBJECT);

/* Exported by Windows' ntoskrnl.exe without a WDK prototype (MinGW-w64 libntoskrnl.a: _IoCreateDriver@8). */
NTKERNELAPI NTSTATUS NTAPI IoCreateDriver(PUNICODE_STRING DriverName, PDRIVER_INITIALIZE InitializationFunction);

/* A driver that buffers a request itself (as file system drivers do for a read) hands the I/O
 * manager a SystemBuffer from ExAllocatePool with IRP_DEALLOCATE_BUFFER: completing the IRP frees
 * the buffer to the pool (WDK: "IRP_DEALLOCATE_BUFFER: the I/O manager will free the buffer during
 * the completion phase"). Wine's IoCompleteRequest frees it with HeapFree. */
const char *mod_wine_completes_pool_system_buffer(void *io_allocate_irp, void *iof_complete_request, unsigned long tag)
{
    PIRP irp = ((io_allocate_irp_fn)io_allocate_irp)(1, FALSE);
    void *buffer;

    if (!irp) return "IoAllocateIrp failed";
    buffer = ExAllocatePoolWithTag(NonPagedPool, 100, tag);
    if (!buffer) return "ExAllocatePoolWithTag failed";
    RtlFillMemory(buffer, 100, 0x5a);
    irp->AssociatedIrp.SystemBuffer = buffer;
    irp->Flags |= IRP_BUFFERED_IO | IRP_DEALLOCATE_BUFFER;
    irp->IoStatus.Status = STATUS_SUCCESS;
    irp->IoStatus.Information = 0;
    /* Not dispatched: no stack location is current, no completion routine runs; the IRP and its
     * buffer are freed. */
    ((iof_complete_request_fn)iof_complete_request)(irp, IO_NO_INCREMENT);
    return NULL;
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
 * with Type IO_TYPE_DRIVER and DriverInit the routine passed. */
const char *mod_created_driver_object(void *io_delete_driver, short *type_seen)
{
    static WCHAR text[] = L"\\Driver\\mixed_objects";
    UNICODE_STRING name = {sizeof(text) - sizeof(WCHAR), sizeof(text), text};
    NTSTATUS status;
    init_expected = created_driver_init;
    status = IoCreateDriver(&name, created_driver_init);
    *type_seen = init_type_seen;
    if (status != STATUS_SUCCESS) return init_type_seen == -1 ? "IoCreateDriver failed before init" : "init refused";
    if (!init_ok) return "init saw a wrong object";
    /* IoCreateDriver returns no object: the one init received is deleted. */
    ((io_delete_driver_fn)io_delete_driver)(created);
    return NULL;
}
