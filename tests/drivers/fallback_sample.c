/* A driver that also needs routines the project does not implement (the Rtl registry and string
 * routines): run with --wine-fallback they come from Wine's builtin ntoskrnl.exe, and memory
 * crosses between the two allocators the way it does in real drivers:
 *  - RtlQueryRegistryValues (RTL_QUERY_REGISTRY_DIRECT into an empty UNICODE_STRING) allocates
 *    the value's buffer itself; the driver frees it with ExFreePool, as old drivers often did;
 *  - a string whose buffer the driver allocated from pool is released with RtlFreeUnicodeString.
 * The host passes the value with --param Greeting=...
 * It also reads an optional REG_DWORD Parameters\Depth (1 when absent, at most 64) and allocates
 * and frees that many nonpaged blocks under SmDp, so the value the host wrote (--param
 * Parameters\Depth=dword:N) shows as N allocations and N frees in the pool table. */
#include "sample_driver.h"

#define TAG_NAME SAMPLE_TAG('S', 'm', 'N', 'm')
#define TAG_DEPTH SAMPLE_TAG('S', 'm', 'D', 'p')
#define MAX_DEPTH 64

/* Parameters\Depth under the service key `path` (NUL-terminated, room for 12 more characters),
 * or 1 when the subkey or the value is absent. */
static ULONG query_depth(WCHAR *path, USHORT length)
{
    static const WCHAR subkey[] = L"\\Parameters";
    static WCHAR value_name[] = L"Depth";
    RTL_QUERY_REGISTRY_TABLE table[2];
    unsigned char *bytes = (unsigned char *)table;
    ULONG depth = 1;
    USHORT i;

    for (i = 0; i < sizeof(subkey) / sizeof(WCHAR); ++i) path[length + i] = subkey[i];
    for (i = 0; i < sizeof(table); ++i) bytes[i] = 0;
    table[0].Flags = RTL_QUERY_REGISTRY_DIRECT;
    table[0].Name = value_name;
    table[0].EntryContext = &depth;   /* a REG_DWORD is copied here; absent leaves it alone */
    if (!NT_SUCCESS(RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE, path, table, NULL, NULL))) depth = 1;
    path[length] = 0;
    return depth;
}

/* Depth nonpaged blocks, all live at once, then all freed. */
static NTSTATUS allocate_depth(ULONG depth)
{
    PVOID blocks[MAX_DEPTH];
    ULONG i, n;
    NTSTATUS status = STATUS_SUCCESS;

    if (depth > MAX_DEPTH) return STATUS_INVALID_PARAMETER;
    for (n = 0; n < depth; ++n)
    {
        blocks[n] = ExAllocatePoolWithTag(NonPagedPool, 32, TAG_DEPTH);
        if (!blocks[n])
        {
            status = STATUS_INSUFFICIENT_RESOURCES;
            break;
        }
    }
    for (i = 0; i < n; ++i) ExFreePoolWithTag(blocks[i], TAG_DEPTH);
    return status;
}

static VOID NTAPI sample_unload(PDRIVER_OBJECT driver)
{
    UNREFERENCED_PARAMETER(driver);
}

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT driver, PUNICODE_STRING registry_path)
{
    static WCHAR value_name[] = L"Greeting";
    RTL_QUERY_REGISTRY_TABLE table[2];
    UNICODE_STRING greeting, copy;
    WCHAR path[256];
    unsigned char *bytes = (unsigned char *)table;
    NTSTATUS status;
    USHORT i;

    /* The path as a NUL-terminated string (a UNICODE_STRING need not be terminated). */
    if (registry_path->Length / sizeof(WCHAR) >= 256 - 12) return STATUS_NAME_TOO_LONG;
    for (i = 0; i < registry_path->Length / sizeof(WCHAR); ++i) path[i] = registry_path->Buffer[i];
    path[i] = 0;

    for (i = 0; i < sizeof(table); ++i) bytes[i] = 0;
    greeting.Buffer = NULL;
    greeting.Length = greeting.MaximumLength = 0;
    table[0].Flags = RTL_QUERY_REGISTRY_DIRECT | RTL_QUERY_REGISTRY_REQUIRED;
    table[0].Name = value_name;
    table[0].EntryContext = &greeting;
    status = RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE, path, table, NULL, NULL);
    if (!NT_SUCCESS(status)) return status;
    if (!greeting.Buffer || !greeting.Length) return STATUS_OBJECT_NAME_NOT_FOUND;

    copy.Buffer = ExAllocatePoolWithTag(PagedPool, greeting.Length, TAG_NAME);
    if (!copy.Buffer) return STATUS_INSUFFICIENT_RESOURCES;
    copy.Length = copy.MaximumLength = greeting.Length;
    for (i = 0; i < greeting.Length / sizeof(WCHAR); ++i) copy.Buffer[i] = greeting.Buffer[i];

    ExFreePool(greeting.Buffer);   /* Wine's allocation, freed through the project's ExFreePool */
    RtlFreeUnicodeString(&copy);   /* the project's allocation, freed through Wine's routine */
    if (copy.Buffer) return STATUS_UNSUCCESSFUL;

    status = allocate_depth(query_depth(path, registry_path->Length / sizeof(WCHAR)));
    if (!NT_SUCCESS(status)) return status;

    driver->DriverUnload = sample_unload;
    return STATUS_SUCCESS;
}
