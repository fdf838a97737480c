/*
 * Interface between the user-mode halves of the pool tests (pool.c, pool_misuse.c) and their
 * driver half (pool_driver.c, built against <ddk/ntddk.h>). Only C99 types cross it, so the
 * user-mode half (windows.h) needs none of the DDK names; the PD_ constants carry Windows'
 * values (windows-behavior.md 3.2) under names that cannot clash with the DDK's.
 */
#ifndef NTOSKRNL_TESTS_POOL_DRIVER_H
#define NTOSKRNL_TESTS_POOL_DRIVER_H

#include <stddef.h>
#include <stdint.h>

/* POOL_TYPE (windows-behavior.md 3.2). */
#define PD_NonPagedPool                 0u
#define PD_PagedPool                    1u
#define PD_NonPagedPoolMustSucceed      2u
#define PD_NonPagedPoolCacheAligned     4u
#define PD_PagedPoolCacheAligned        5u
#define PD_NonPagedPoolCacheAlignedMustS 6u
#define PD_NonPagedPoolSession          32u
#define PD_PagedPoolSession             33u
#define PD_NonPagedPoolCacheAlignedSession 36u
#define PD_PagedPoolCacheAlignedSession 37u
#define PD_NonPagedPoolNx               512u
#define PD_NonPagedPoolNxCacheAligned   516u
#define PD_NonPagedPoolSessionNx        544u

/* Bits OR-ed into a POOL_TYPE (3.2). */
#define PD_POOL_QUOTA_FAIL_INSTEAD_OF_RAISE 0x8u
#define PD_POOL_RAISE_IF_ALLOCATION_FAILURE 0x10u
#define PD_POOL_COLD_ALLOCATION         0x100u
#define PD_POOL_NX_ALLOCATION           0x200u

/* Tag bit of PROTECTED_POOL (MinGW ntddk.h; 3.1, 4.7). */
#define PD_PROTECTED_POOL               0x80000000u

/* POOL_FLAGS for ExAllocatePool2/3 (3.2): low 32 bits required, high 32 bits optional. */
#define PD_POOL_FLAG_USE_QUOTA          0x1ull
#define PD_POOL_FLAG_UNINITIALIZED      0x2ull
#define PD_POOL_FLAG_SESSION            0x4ull
#define PD_POOL_FLAG_CACHE_ALIGNED      0x8ull
#define PD_POOL_FLAG_RESERVED1          0x10ull
#define PD_POOL_FLAG_RAISE_ON_FAILURE   0x20ull
#define PD_POOL_FLAG_NON_PAGED          0x40ull
#define PD_POOL_FLAG_NON_PAGED_EXECUTE  0x80ull
#define PD_POOL_FLAG_PAGED              0x100ull
#define PD_POOL_FLAG_REQUIRED_END       0x80000000ull
#define PD_POOL_FLAG_SPECIAL_POOL       0x100000000ull
#define PD_POOL_FLAG_OPTIONAL_END       0x8000000000000000ull

/* EX_POOL_PRIORITY (3.2). */
#define PD_LowPoolPriority              0u
#define PD_NormalPoolPriority           16u
#define PD_NormalPoolPrioritySpecialPoolOverrun 24u
#define PD_NormalPoolPrioritySpecialPoolUnderrun 25u
#define PD_HighPoolPriority             32u

/* POOL_EXTENDED_PARAMETER_TYPE: 1 = priority (MSDN:POOL_EXTENDED_PARAMETER). */
#define PD_PoolExtendedParameterPriority 1u

/* Geometry (3.1, 4.6): POOL_HEADER is 8 bytes on i386 and 16 on x64 and is also the allocation
 * unit; small blocks go up to PAGE_SIZE - 4*sizeof(PVOID) bytes (4080 / 4064). */
#define PD_PAGE_SIZE                    4096u
#define PD_HEADER_SIZE                  (2 * sizeof(void *))
#define PD_SMALL_MAX                    (PD_PAGE_SIZE - 4 * sizeof(void *))

/* STATUS_INSUFFICIENT_RESOURCES, raised by the allocators that raise (3.1). */
#define PD_STATUS_INSUFFICIENT_RESOURCES 0xC000009Au

/* One POOL_EXTENDED_PARAMETER for ExAllocatePool3, in plain types; the driver half builds the
 * real 16-byte structure from it. */
struct pd_ext_param
{
    unsigned type;      /* POOL_EXTENDED_PARAMETER.Type (8 bits) */
    int optional;       /* POOL_EXTENDED_PARAMETER.Optional */
    uint64_t value;     /* the union in the second quadword (priority for type 1) */
};

void *pd_ExAllocatePool(uint32_t type, size_t bytes);
void *pd_ExAllocatePoolWithQuota(uint32_t type, size_t bytes);
void *pd_ExAllocatePoolWithTag(uint32_t type, size_t bytes, uint32_t tag);
void *pd_ExAllocatePoolWithQuotaTag(uint32_t type, size_t bytes, uint32_t tag);
void *pd_ExAllocatePoolWithTagPriority(uint32_t type, size_t bytes, uint32_t tag, uint32_t priority);
void *pd_ExAllocatePool2(uint64_t flags, size_t bytes, uint32_t tag);
/* count <= 4; params may be NULL when count is 0. */
void *pd_ExAllocatePool3(uint64_t flags, size_t bytes, uint32_t tag, const struct pd_ext_param *params,
                         unsigned count);
void pd_ExFreePool(void *p);
void pd_ExFreePoolWithTag(void *p, uint32_t tag);
void pd_ExFreePool2(void *p, uint32_t tag);
size_t pd_ExQueryPoolBlockSize(void *p, int *quota_charged);

#endif
