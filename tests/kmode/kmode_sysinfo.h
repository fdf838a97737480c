/*
 * ZwQuerySystemInformation's structures the groups read, with Windows' layouts (the DDK does not
 * declare them): SYSTEM_BASIC_INFORMATION (class 0: the page size at offset 8, the physical page
 * count at 12) and SYSTEM_POOLTAG (one tag's counts in SystemPoolTagInformation, class 22).
 */
#ifndef NTOSKRNL_TESTS_KMODE_SYSINFO_H
#define NTOSKRNL_TESTS_KMODE_SYSINFO_H

#include <ntddk.h>

typedef struct
{
    ULONG Reserved, TimerResolution, PageSize, NumberOfPhysicalPages, LowestPhysicalPageNumber,
          HighestPhysicalPageNumber, AllocationGranularity;
    ULONG_PTR MinimumUserModeAddress, MaximumUserModeAddress, ActiveProcessorsAffinityMask;
    CCHAR NumberOfProcessors;
} basic_information;

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
_Static_assert(sizeof(system_pooltag) == (sizeof(void *) == 8 ? 40 : 28), "SYSTEM_POOLTAG");

#endif
