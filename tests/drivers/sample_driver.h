/* Shared by the sample drivers: the DDK headers, plus what MinGW-w64 10's DDK lacks. The samples
 * are built like real drivers (native subsystem, entry DriverEntry, no C runtime); memcpy and
 * memset, which compilers call for structure copies, come from ntoskrnl.exe as on Windows. */
#ifndef SAMPLE_DRIVER_H
#define SAMPLE_DRIVER_H

#include <ntddk.h>

#define SAMPLE_TAG(a, b, c, d) ((ULONG)(a) | (ULONG)(b) << 8 | (ULONG)(c) << 16 | (ULONG)(d) << 24)

/* Windows 10 2004+ pool API (wdm.h of the WDK; absent from MinGW-w64 10's DDK). */
#ifndef POOL_FLAG_PAGED
typedef ULONG64 POOL_FLAGS;
#define POOL_FLAG_UNINITIALIZED 0x0000000000000002ULL
#define POOL_FLAG_NON_PAGED 0x0000000000000040ULL
#define POOL_FLAG_PAGED 0x0000000000000100ULL
NTKERNELAPI PVOID NTAPI ExAllocatePool2(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag);
NTKERNELAPI VOID NTAPI ExFreePool2(PVOID P, ULONG Tag, PVOID ExtendedParameters, ULONG ExtendedParametersCount);
#endif

#endif
