/*
 * Per-tag pool accounting through ZwQuerySystemInformation(SystemPoolTagInformation), the
 * interface poolmon uses (converted from tests/pe/pool_tags.c): allocations and frees per tag and
 * pool kind, and bytes in use. Tags are unique to this test, so the expected counts are exact on
 * Windows too; bytes are asserted as lower bounds (Windows counts whole blocks).
 */
#include "kmode_test.h"
#include "kmode_sysinfo.h"

#define SystemBasicInformation 0
#define SystemPoolTagInformation 22

/* Not declared by the MinGW-w64 DDK: the WDK's prototype. */
NTSYSAPI NTSTATUS NTAPI ZwQuerySystemInformation(ULONG SystemInformationClass, PVOID SystemInformation,
                                                 ULONG SystemInformationLength, PULONG ReturnLength);


typedef struct
{
    ULONG Count;
    system_pooltag TagInfo[1];
} system_pooltag_information;


static const system_pooltag *find_tag(const system_pooltag_information *info, ULONG tag)
{
    ULONG i;
    for (i = 0; i < info->Count; i++)
        if (info->TagInfo[i].TagUlong == tag) return &info->TagInfo[i];
    return NULL;
}

void kmtest_group_pool_tags(void)
{
    const ULONG tag_a = 0x41677450 /* 'PtgA' */, tag_b = 0x42677450 /* 'PtgB' */;
    const int builtin = kmtest_wine_builtin();
    void *paged[5], *nonpaged[3], *other;
    ULONG needed = 0, got = 0;
    system_pooltag_information *info;
    const system_pooltag *a, *b;
    char basic[256];
    NTSTATUS status;
    int i;

    for (i = 0; i < 5; i++) paged[i] = ExAllocatePoolWithTag(PagedPool, 100, tag_a);
    for (i = 0; i < 3; i++) nonpaged[i] = ExAllocatePoolWithTag(NonPagedPool, 200, tag_a);
    other = ExAllocatePoolWithTag(NonPagedPool, 5000, tag_b);
    ExFreePool(paged[0]);
    ExFreePoolWithTag(paged[1], tag_a);

    status = ZwQuerySystemInformation(SystemPoolTagInformation, NULL, 0, &needed);
    todo_wine_if(builtin) ok(status == STATUS_INFO_LENGTH_MISMATCH, "zero-length query returned %#lx\n", status);
    todo_wine_if(builtin)
    ok(needed >= sizeof(ULONG) + 2 * sizeof(system_pooltag), "ReturnLength %lu is too small for two tags\n", needed);

    /* Room for growth between the two calls. */
    needed += 64 * sizeof(system_pooltag);
    info = ExAllocatePoolWithTag(NonPagedPool, needed, 'PtgC');
    ok(info != NULL, "no %lu bytes for the answer\n", needed);
    if (info)
    {
        info->Count = 0;
        status = ZwQuerySystemInformation(SystemPoolTagInformation, info, needed, &got);
        todo_wine_if(builtin) ok(status == STATUS_SUCCESS, "query returned %#lx\n", status);
        if (!NT_SUCCESS(status)) info->Count = 0;
        todo_wine_if(builtin)
        ok(NT_SUCCESS(status) && got <= needed &&
           got >= FIELD_OFFSET(system_pooltag_information, TagInfo) + info->Count * sizeof(system_pooltag),
           "ReturnLength %lu for %lu tags\n", got, info->Count);

        a = find_tag(info, tag_a);
        todo_wine_if(builtin) ok(a != NULL, "tag PtgA not reported\n");
        if (a)
        {
            ok(a->PagedAllocs == 5, "PagedAllocs %lu\n", a->PagedAllocs);
            ok(a->PagedFrees == 2, "PagedFrees %lu\n", a->PagedFrees);
            ok(a->PagedUsed >= 3 * 100, "PagedUsed %Iu\n", a->PagedUsed);
            ok(a->NonPagedAllocs == 3, "NonPagedAllocs %lu\n", a->NonPagedAllocs);
            ok(a->NonPagedFrees == 0, "NonPagedFrees %lu\n", a->NonPagedFrees);
            ok(a->NonPagedUsed >= 3 * 200, "NonPagedUsed %Iu\n", a->NonPagedUsed);
        }
        b = find_tag(info, tag_b);
        todo_wine_if(builtin) ok(b != NULL, "tag PtgB not reported\n");
        if (b)
        {
            ok(b->NonPagedAllocs == 1 && b->PagedAllocs == 0, "PtgB allocs %lu/%lu\n", b->NonPagedAllocs, b->PagedAllocs);
            ok(b->NonPagedUsed >= 5000, "PtgB NonPagedUsed %Iu\n", b->NonPagedUsed);
        }
        ExFreePoolWithTag(info, 'PtgC');
    }

    /* Other classes are the system's: SystemBasicInformation (0), which wants exactly its own
     * size (44 bytes on i386, 64 on x64), still answers, with the page size at offset 8. */
    status = ZwQuerySystemInformation(SystemBasicInformation, basic, sizeof(void *) == 8 ? 64 : 44, &got);
    ok(status == STATUS_SUCCESS, "SystemBasicInformation returned %#lx\n", status);
    ok(*(ULONG *)(basic + 8) == PAGE_SIZE, "page size %lu\n", *(ULONG *)(basic + 8));
    status = ZwQuerySystemInformation(SystemBasicInformation, basic, sizeof(basic), &got);
    ok(status == STATUS_INFO_LENGTH_MISMATCH, "SystemBasicInformation with a wrong length returned %#lx\n", status);

    for (i = 2; i < 5; i++) ExFreePool(paged[i]);
    for (i = 0; i < 3; i++) ExFreePool(nonpaged[i]);
    ExFreePool(other);
}
