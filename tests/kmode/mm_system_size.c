/*
 * MmQuerySystemSize and MmIsThisAnNtAsSystem (converted from tests/pe/mm_system_size.c, which
 * keeps the binding of the program's imports and the server prefix's answers). The expectation
 * comes from the registry's ProductType, read here with ZwOpenKey/ZwQueryValueKey, and the
 * machine's memory from SystemBasicInformation.
 *
 * Expected values: windows-behavior.md 3.8 (MmLargeSystem on any machine with 64 MB or more;
 * MmIsThisAnNtAsSystem TRUE exactly for the LanmanNt and ServerNt product types).
 */
#include "kmode_test.h"
#include "kmode_sysinfo.h"

NTSYSAPI NTSTATUS NTAPI ZwQuerySystemInformation(ULONG SystemInformationClass, PVOID SystemInformation,
                                                 ULONG SystemInformationLength, PULONG ReturnLength);


static WCHAR product_type[32];

static int read_product_type(void)
{
    UCHAR buffer[sizeof(KEY_VALUE_PARTIAL_INFORMATION) + sizeof(product_type)];
    KEY_VALUE_PARTIAL_INFORMATION *info = (KEY_VALUE_PARTIAL_INFORMATION *)buffer;
    UNICODE_STRING path, value;
    OBJECT_ATTRIBUTES attributes;
    HANDLE key;
    ULONG got = 0;
    NTSTATUS status;
    RtlInitUnicodeString(&path, L"\\Registry\\Machine\\System\\CurrentControlSet\\Control\\ProductOptions");
    InitializeObjectAttributes(&attributes, &path, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, NULL, NULL);
    status = ZwOpenKey(&key, KEY_QUERY_VALUE, &attributes);
    if (NT_SUCCESS(status))
    {
        RtlInitUnicodeString(&value, L"ProductType");
        status = ZwQueryValueKey(key, &value, KeyValuePartialInformation, info, sizeof(buffer) - sizeof(WCHAR), &got);
        ZwClose(key);
    }
    if (!NT_SUCCESS(status) || (info->Type != REG_SZ && info->Type != REG_EXPAND_SZ))
    {
        trace("reading ProductType failed: %#lx\n", status);
        return 0;
    }
    RtlZeroMemory(product_type, sizeof(product_type));
    RtlCopyMemory(product_type, info->Data, info->DataLength < sizeof(product_type) - sizeof(WCHAR)
                                            ? info->DataLength : sizeof(product_type) - sizeof(WCHAR));
    return 1;
}

static int same_text(const WCHAR *a, const WCHAR *b)
{
    UNICODE_STRING sa, sb;
    RtlInitUnicodeString(&sa, a);
    RtlInitUnicodeString(&sb, b);
    return RtlEqualUnicodeString(&sa, &sb, TRUE);
}

static void test_answers(void)
{
    basic_information basic;
    ULONG got = 0;
    ULONG64 total;
    NTSTATUS status;
    BOOLEAN server, as;
    int size;

    /* Windows always has the value; the module then assumes a workstation, as Windows does. */
    if (!read_product_type()) RtlCopyMemory(product_type, L"WinNt", sizeof(L"WinNt"));
    server = same_text(product_type, L"LanmanNt") || same_text(product_type, L"ServerNt");
    trace("ProductType %S\n", product_type);

    as = MmIsThisAnNtAsSystem();
    ok(as == server, "MmIsThisAnNtAsSystem() = %d for ProductType %S\n", as, product_type);

    status = ZwQuerySystemInformation(0 /* SystemBasicInformation */, &basic, sizeof(basic), &got);
    ok(status == STATUS_SUCCESS, "SystemBasicInformation returned %#lx\n", status);
    if (!NT_SUCCESS(status)) return;
    total = (ULONG64)basic.NumberOfPhysicalPages * basic.PageSize;
    size = MmQuerySystemSize();
    if (total >= 64ull << 20)
        ok(size == MmLargeSystem, "MmQuerySystemSize() = %d with %I64u MB of memory, expected MmLargeSystem\n",
           size, total >> 20);
    else
        skip("only %I64u MB of memory: below the MmLargeSystem threshold for every product type\n", total >> 20);
}

/* The answers do not change between calls, on several threads at once. */
static LONG mismatches, seen[4];

static void query_thread(void *ctx, unsigned index)
{
    int i, first = MmQuerySystemSize(), first_as = MmIsThisAnNtAsSystem();
    UNREFERENCED_PARAMETER(ctx);
    for (i = 0; i < 1000; i++)
        if ((int)MmQuerySystemSize() != first || MmIsThisAnNtAsSystem() != first_as) InterlockedIncrement(&mismatches);
    seen[index] = first | (first_as << 8);
}

static void test_stable_across_threads(void)
{
    LONG expected = MmQuerySystemSize() | (MmIsThisAnNtAsSystem() << 8);
    unsigned i, started;
    mismatches = 0;
    for (i = 0; i < 4; i++) seen[i] = -1;
    started = kmtest_run_threads(4, query_thread, NULL);
    ok(started == 4, "%u of 4 threads started\n", started);
    for (i = 0; i < started; i++) ok(seen[i] == expected, "thread %u saw %#lx, main thread %#lx\n", i, seen[i], expected);
    ok(mismatches == 0, "answers changed between calls %ld times\n", mismatches);
}

void kmtest_group_mm_system_size(void)
{
    test_answers();
    test_stable_across_threads();
}
