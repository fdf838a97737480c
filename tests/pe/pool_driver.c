/*
 * The driver half of the pool tests: calls the pool routines exactly as a driver compiled against
 * the MinGW-w64 DDK does, so the imports are the decorated stdcall symbols of the reference's
 * export matrix (windows-behavior.md 1.1: _ExAllocatePoolWithTag@12, _ExFreePool@4, ... on i386)
 * and bind through the project's import library to the project's module.
 *
 * mingw-w64 10 lacks ExAllocatePool2/3, ExFreePool2, POOL_FLAGS, POOL_EXTENDED_PARAMETER and
 * POOL_NX_ALLOCATION (windows-behavior.md 5.3), so they are declared here with the values and
 * prototypes of 3.2 and MSDN: ExAllocatePool2(ULONG64, SIZE_T, ULONG) = _ExAllocatePool2@16,
 * ExAllocatePool3(+ const POOL_EXTENDED_PARAMETER*, ULONG) = _ExAllocatePool3@24,
 * ExFreePool2(PVOID, ULONG, const POOL_EXTENDED_PARAMETER*, ULONG) = _ExFreePool2@16.
 */
#include <ddk/ntddk.h>
#include <ddk/ntifs.h>

#include "pool_driver.h"

typedef ULONG64 POOL_FLAGS;

/* MSDN:POOL_EXTENDED_PARAMETER; 16 bytes, Type bits 0-7, Optional bit 8 of the first quadword. */
typedef struct _POOL_EXTENDED_PARAMETER
{
    ULONG64 Type : 8;
    ULONG64 Optional : 1;
    ULONG64 Reserved : 55;
    union
    {
        ULONG64 Reserved2;
        PVOID Reserved3;
        EX_POOL_PRIORITY Priority;
        PVOID SecurePoolParams;
        ULONG PreferredNode;
    };
} POOL_EXTENDED_PARAMETER, *PPOOL_EXTENDED_PARAMETER;
typedef const POOL_EXTENDED_PARAMETER *PCPOOL_EXTENDED_PARAMETER;

_Static_assert(sizeof(POOL_EXTENDED_PARAMETER) == 16, "POOL_EXTENDED_PARAMETER is 16 bytes");

NTKERNELAPI PVOID NTAPI ExAllocatePool2(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag);
NTKERNELAPI PVOID NTAPI ExAllocatePool3(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag,
                                        PCPOOL_EXTENDED_PARAMETER ExtendedParameters, ULONG Count);
NTKERNELAPI VOID NTAPI ExFreePool2(PVOID P, ULONG Tag, PCPOOL_EXTENDED_PARAMETER ExtendedParameters,
                                   ULONG ExtendedParametersCount);

/* The DDK's and the interface's values must agree. */
_Static_assert(PD_NonPagedPool == NonPagedPool && PD_PagedPool == PagedPool, "POOL_TYPE");
_Static_assert(PD_NonPagedPoolMustSucceed == NonPagedPoolMustSucceed, "POOL_TYPE");
_Static_assert(PD_NonPagedPoolCacheAligned == NonPagedPoolCacheAligned, "POOL_TYPE");
_Static_assert(PD_PagedPoolCacheAligned == PagedPoolCacheAligned, "POOL_TYPE");
_Static_assert(PD_NonPagedPoolNx == NonPagedPoolNx && PD_NonPagedPoolNxCacheAligned == NonPagedPoolNxCacheAligned,
               "POOL_TYPE");
_Static_assert(PD_NonPagedPoolSession == NonPagedPoolSession && PD_NonPagedPoolSessionNx == NonPagedPoolSessionNx,
               "POOL_TYPE");
_Static_assert(PD_POOL_QUOTA_FAIL_INSTEAD_OF_RAISE == POOL_QUOTA_FAIL_INSTEAD_OF_RAISE, "flag");
_Static_assert(PD_POOL_RAISE_IF_ALLOCATION_FAILURE == POOL_RAISE_IF_ALLOCATION_FAILURE, "flag");
_Static_assert(PD_POOL_COLD_ALLOCATION == POOL_COLD_ALLOCATION, "flag");
_Static_assert(PD_PROTECTED_POOL == PROTECTED_POOL, "PROTECTED_POOL");
_Static_assert(PD_NormalPoolPriority == NormalPoolPriority && PD_HighPoolPriority == HighPoolPriority,
               "EX_POOL_PRIORITY");
_Static_assert(PD_NormalPoolPrioritySpecialPoolUnderrun == NormalPoolPrioritySpecialPoolUnderrun,
               "EX_POOL_PRIORITY");
_Static_assert(PD_PAGE_SIZE == PAGE_SIZE, "PAGE_SIZE");

void *pd_ExAllocatePool(uint32_t type, size_t bytes) { return ExAllocatePool((POOL_TYPE)type, bytes); }

void *pd_ExAllocatePoolWithQuota(uint32_t type, size_t bytes)
{
    return ExAllocatePoolWithQuota((POOL_TYPE)type, bytes);
}

void *pd_ExAllocatePoolWithTag(uint32_t type, size_t bytes, uint32_t tag)
{
    return ExAllocatePoolWithTag((POOL_TYPE)type, bytes, tag);
}

void *pd_ExAllocatePoolWithQuotaTag(uint32_t type, size_t bytes, uint32_t tag)
{
    return ExAllocatePoolWithQuotaTag((POOL_TYPE)type, bytes, tag);
}

void *pd_ExAllocatePoolWithTagPriority(uint32_t type, size_t bytes, uint32_t tag, uint32_t priority)
{
    return ExAllocatePoolWithTagPriority((POOL_TYPE)type, bytes, tag, (EX_POOL_PRIORITY)priority);
}

void *pd_ExAllocatePool2(uint64_t flags, size_t bytes, uint32_t tag) { return ExAllocatePool2(flags, bytes, tag); }

void *pd_ExAllocatePool3(uint64_t flags, size_t bytes, uint32_t tag, const struct pd_ext_param *params,
                         unsigned count)
{
    POOL_EXTENDED_PARAMETER ext[4];
    unsigned i;

    if (!params) return ExAllocatePool3(flags, bytes, tag, NULL, count); /* as the caller gave them */
    if (count > 4) count = 4;
    RtlZeroMemory(ext, sizeof(ext));
    for (i = 0; i < count; i++)
    {
        ext[i].Type = params[i].type & 0xFF;
        ext[i].Optional = params[i].optional ? 1 : 0;
        ext[i].Reserved2 = params[i].value;
    }
    return ExAllocatePool3(flags, bytes, tag, count ? ext : NULL, count);
}

void pd_ExFreePool(void *p) { ExFreePool(p); }

void pd_ExFreePoolWithTag(void *p, uint32_t tag) { ExFreePoolWithTag(p, tag); }

void pd_ExFreePool2(void *p, uint32_t tag) { ExFreePool2(p, tag, NULL, 0); }

size_t pd_ExQueryPoolBlockSize(void *p, int *quota_charged)
{
    BOOLEAN charged = 0xCC; /* anything but TRUE/FALSE, so an unwritten flag shows */
    SIZE_T size = ExQueryPoolBlockSize(p, &charged);
    *quota_charged = charged;
    return size;
}
