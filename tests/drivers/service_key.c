/* A driver that reads its own service key (RegistryPath) in DriverEntry, as drivers read their
 * configuration: the values the service control manager writes when the service is created
 * (ImagePath, Type 1 = SERVICE_KERNEL_DRIVER, Start 3 = SERVICE_DEMAND_START, ErrorControl 1,
 * DisplayName). Each missing or wrong value fails with a status of its own. */
#include "sample_driver.h"

static NTSTATUS query(HANDLE key, const WCHAR *name, ULONG type, ULONG *dword, ULONG *bytes)
{
    UCHAR buffer[sizeof(KEY_VALUE_PARTIAL_INFORMATION) + 512];
    KEY_VALUE_PARTIAL_INFORMATION *info = (KEY_VALUE_PARTIAL_INFORMATION *)buffer;
    UNICODE_STRING value;
    ULONG length = 0;
    NTSTATUS status;
    value.Buffer = (PWSTR)name;
    for (value.Length = 0; name[value.Length / sizeof(WCHAR)]; value.Length += sizeof(WCHAR)) {}
    value.MaximumLength = value.Length;
    status = ZwQueryValueKey(key, &value, KeyValuePartialInformation, info, sizeof(buffer), &length);
    if (!NT_SUCCESS(status)) return status;
    if (info->Type != type) return STATUS_OBJECT_TYPE_MISMATCH;
    if (dword) *dword = info->DataLength == sizeof(ULONG) ? *(ULONG *)info->Data : 0xFFFFFFFF;
    if (bytes) *bytes = info->DataLength;
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT driver, PUNICODE_STRING registry_path)
{
    OBJECT_ATTRIBUTES attributes;
    HANDLE key;
    ULONG type = 0, start = 0, error_control = 0, path_bytes = 0, name_bytes = 0;
    NTSTATUS status;
    UNREFERENCED_PARAMETER(driver);
    InitializeObjectAttributes(&attributes, registry_path, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, NULL, NULL);
    status = ZwOpenKey(&key, KEY_READ, &attributes);
    if (!NT_SUCCESS(status)) return status;
    if (NT_SUCCESS(status)) status = query(key, L"ImagePath", REG_EXPAND_SZ, NULL, &path_bytes);
    if (NT_SUCCESS(status)) status = query(key, L"Type", REG_DWORD, &type, NULL);
    if (NT_SUCCESS(status)) status = query(key, L"Start", REG_DWORD, &start, NULL);
    if (NT_SUCCESS(status)) status = query(key, L"ErrorControl", REG_DWORD, &error_control, NULL);
    if (NT_SUCCESS(status)) status = query(key, L"DisplayName", REG_SZ, NULL, &name_bytes);
    ZwClose(key);
    if (!NT_SUCCESS(status)) return status;
    if (type != 1 || start != 3 || error_control != 1) return STATUS_INVALID_PARAMETER_MIX;
    if (path_bytes < 2 * sizeof(WCHAR) || name_bytes < 2 * sizeof(WCHAR)) return STATUS_DATA_ERROR;
    return STATUS_SUCCESS;
}
