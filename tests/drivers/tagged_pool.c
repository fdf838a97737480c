/* An XP-10 style driver: tagged paged and nonpaged pool, lists built with the DDK's header
 * inlines (InitializeListHead, InsertTailList, RemoveHeadList), everything freed in DriverUnload
 * with ExFreePoolWithTag. With FAIL_ENTRY defined, DriverEntry frees what it allocated and fails
 * with STATUS_INSUFFICIENT_RESOURCES, as a driver whose device setup failed does; with
 * FAIL_ENTRY_LEAKING it fails the same way but forgets to free (leaks at image unload).
 * It also keeps a table of absolute pointers in initialised data, as real drivers do (dispatch
 * tables, string tables): the image needs base relocations for them on both architectures (on
 * x86_64 the only ones: its code addresses data RIP-relative), and the host loads it away from
 * its preferred base, so DriverEntry failing with STATUS_CONFLICTING_ADDRESSES means a relocation
 * was not applied. */
#include "sample_driver.h"

#define TAG_NODE SAMPLE_TAG('S', 'm', 'N', 'd')
#define TAG_TABLE SAMPLE_TAG('S', 'm', 'T', 'b')

typedef struct _NODE
{
    LIST_ENTRY Link;
    ULONG Value;
} NODE;

static LIST_ENTRY nodes;
static PULONG table;

static ULONG NTAPI add_three(ULONG value) { return value + 3; }
static ULONG NTAPI times_two(ULONG value) { return value * 2; }

typedef struct _STEP
{
    const char *name;
    ULONG(NTAPI *apply)(ULONG);
} STEP;

/* Not static: the compiler must read the pointers from the table (and so the loader must have
 * fixed them) instead of folding the calls. */
STEP sample_steps[] = {{"add_three", add_three}, {"times_two", times_two}};

static BOOLEAN in_image(PDRIVER_OBJECT driver, ULONG_PTR address)
{
    return address - (ULONG_PTR)driver->DriverStart < driver->DriverSize;
}

/* The relocated pointers point into this image, at the right string and routine. */
static BOOLEAN steps_relocated(PDRIVER_OBJECT driver)
{
    ULONG i;
    for (i = 0; i < sizeof(sample_steps) / sizeof(sample_steps[0]); i++)
        if (!in_image(driver, (ULONG_PTR)sample_steps[i].name) || !in_image(driver, (ULONG_PTR)sample_steps[i].apply))
            return FALSE;
    return sample_steps[0].name[0] == 'a' && sample_steps[1].name[0] == 't' &&
           sample_steps[1].apply(sample_steps[0].apply(4)) == 14;
}

static VOID NTAPI SampleUnload(PDRIVER_OBJECT driver)
{
    UNREFERENCED_PARAMETER(driver);
    while (!IsListEmpty(&nodes))
    {
        NODE *node = CONTAINING_RECORD(RemoveHeadList(&nodes), NODE, Link);
        ExFreePoolWithTag(node, TAG_NODE);
    }
    ExFreePoolWithTag(table, TAG_TABLE);
}

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT driver, PUNICODE_STRING registry_path)
{
    ULONG i, sum = 0;
    UNREFERENCED_PARAMETER(registry_path);

    /* What the host's DRIVER_OBJECT must hold for a driver to trust it. */
    if (driver->Type != IO_TYPE_DRIVER || driver->Size != sizeof(DRIVER_OBJECT) || !driver->DriverStart ||
        !driver->DriverSize || !driver->DriverSection || !driver->DriverExtension ||
        driver->DriverExtension->DriverObject != driver || !driver->DriverName.Length)
        return STATUS_INVALID_PARAMETER;
    if (!steps_relocated(driver)) return STATUS_CONFLICTING_ADDRESSES;

    InitializeListHead(&nodes);
    table = ExAllocatePoolWithTag(PagedPool, 256 * sizeof(ULONG), TAG_TABLE);
    if (!table) return STATUS_INSUFFICIENT_RESOURCES;
    for (i = 0; i < 256; i++) table[i] = i;
    for (i = 0; i < 8; i++)
    {
        NODE *node = ExAllocatePoolWithTag(NonPagedPool, sizeof(NODE), TAG_NODE);
        if (!node) return STATUS_INSUFFICIENT_RESOURCES;
        node->Value = table[i * 3];
        InsertTailList(&nodes, &node->Link);
    }
    /* Give two back at once: the report counts 8 allocs and 2 frees before unload. */
    for (i = 0; i < 2; i++) ExFreePoolWithTag(CONTAINING_RECORD(RemoveHeadList(&nodes), NODE, Link), TAG_NODE);
    for (PLIST_ENTRY e = nodes.Flink; e != &nodes; e = e->Flink) sum += CONTAINING_RECORD(e, NODE, Link)->Value;
    if (sum != 6 + 9 + 12 + 15 + 18 + 21) return STATUS_DATA_ERROR;
#ifdef FAIL_ENTRY
    SampleUnload(driver);
    return STATUS_INSUFFICIENT_RESOURCES;
#elif defined(FAIL_ENTRY_LEAKING)
    return STATUS_INSUFFICIENT_RESOURCES;
#endif
    driver->DriverUnload = SampleUnload;
    return STATUS_SUCCESS;
}
