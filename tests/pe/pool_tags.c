/*
 * Per-tag pool accounting through ZwQuerySystemInformation(SystemPoolTagInformation), the
 * interface poolmon uses: allocations and frees per tag and pool kind, and bytes in use.
 * Tags are unique to this test, so the expected counts are exact on Windows too; bytes are
 * asserted as lower bounds (Windows counts whole blocks).
 */
#include <windows.h>
#include <stdint.h>

#include "pool_driver.h"
#include "pool_tags_driver.h"
#include "wine_test.h"

#define SystemPoolTagInformation 22
#define STATUS_INFO_LENGTH_MISMATCH ((long)0xC0000004)

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

typedef struct
{
    ULONG Count;
    system_pooltag TagInfo[1];
} system_pooltag_information;

C_ASSERT(sizeof(system_pooltag) == (sizeof(void *) == 8 ? 40 : 28));

static const system_pooltag *find_tag(const system_pooltag_information *info, ULONG tag)
{
    ULONG i;
    for (i = 0; i < info->Count; i++)
        if (info->TagInfo[i].TagUlong == tag) return &info->TagInfo[i];
    return NULL;
}

START_TEST(pool_tags)
{
    const ULONG tag_a = 0x41677450 /* 'PtgA' */, tag_b = 0x42677450 /* 'PtgB' */;
    void *paged[5], *nonpaged[3], *other;
    unsigned long needed = 0, got = 0;
    system_pooltag_information *info;
    const system_pooltag *a, *b;
    SYSTEM_INFO si;
    char basic[256];
    long status;
    int i;

    for (i = 0; i < 5; i++) paged[i] = pd_ExAllocatePoolWithTag(PD_PagedPool, 100, tag_a);
    for (i = 0; i < 3; i++) nonpaged[i] = pd_ExAllocatePoolWithTag(PD_NonPagedPool, 200, tag_a);
    other = pd_ExAllocatePoolWithTag(PD_NonPagedPool, 5000, tag_b);
    pd_ExFreePool(paged[0]);
    pd_ExFreePoolWithTag(paged[1], tag_a);

    status = ptd_query_system_information(SystemPoolTagInformation, NULL, 0, &needed);
    ok(status == STATUS_INFO_LENGTH_MISMATCH, "zero-length query returned %#lx\n", status);
    ok(needed >= sizeof(ULONG) + 2 * sizeof(system_pooltag), "ReturnLength %lu is too small for two tags\n", needed);

    /* Room for growth between the two calls. */
    needed += 64 * sizeof(system_pooltag);
    info = HeapAlloc(GetProcessHeap(), 0, needed);
    status = ptd_query_system_information(SystemPoolTagInformation, info, needed, &got);
    ok(status == 0, "query returned %#lx\n", status);
    ok(got <= needed && got >= offsetof(system_pooltag_information, TagInfo) + info->Count * sizeof(system_pooltag),
       "ReturnLength %lu for %lu tags\n", got, info->Count);

    a = find_tag(info, tag_a);
    ok(a != NULL, "tag PtgA not reported\n");
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
    ok(b != NULL, "tag PtgB not reported\n");
    if (b)
    {
        ok(b->NonPagedAllocs == 1 && b->PagedAllocs == 0, "PtgB allocs %lu/%lu\n", b->NonPagedAllocs, b->PagedAllocs);
        ok(b->NonPagedUsed >= 5000, "PtgB NonPagedUsed %Iu\n", b->NonPagedUsed);
    }
    HeapFree(GetProcessHeap(), 0, info);

    /* Other classes are the system's: SystemBasicInformation (0), which wants exactly its own
     * size (44 bytes on i386, 64 on x64), still answers, with the page size at offset 8. */
    GetSystemInfo(&si);
    status = ptd_query_system_information(0, basic, sizeof(void *) == 8 ? 64 : 44, &got);
    ok(status == 0, "SystemBasicInformation returned %#lx\n", status);
    ok(*(ULONG *)(basic + 8) == si.dwPageSize, "page size %lu\n", *(ULONG *)(basic + 8));
    status = ptd_query_system_information(0, basic, sizeof(basic), &got);
    ok(status == STATUS_INFO_LENGTH_MISMATCH, "SystemBasicInformation with a wrong length returned %#lx\n", status);

    for (i = 2; i < 5; i++) pd_ExFreePool(paged[i]);
    for (i = 0; i < 3; i++) pd_ExFreePool(nonpaged[i]);
    pd_ExFreePool(other);
}
