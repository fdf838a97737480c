/*
 * The driver half of the lookaside and SList tests: every call is made as a driver compiled
 * against the MinGW-w64 DDK makes it. The allocate/free paths are the header inlines
 * (ExAllocateFromNPagedLookasideList & co., which expand to InterlockedPop/PushEntrySList and a
 * Depth read on XP+ builds, to ExInterlockedPop/PushEntrySList with the list's obsolete lock and
 * to the ExAllocateFromPagedLookasideList / ExFreeToPagedLookasideList imports on i386
 * _WIN2K_COMPAT_SLIST_USAGE builds: windows-behavior.md 5.1, 7). The x64 Windows 11 22H2
 * exports, which the MinGW headers only know as inlines, are declared under other C names bound
 * to the export names.
 */
#include <ddk/ntddk.h>

#include "lookaside_driver.h"

#define STORAGE_TAG 0x54734C54u /* "TLsT" in memory */

/* Not declared by the MinGW-w64 DDK: wdm.h's prototype (FirstEntrySList, exported on both
 * architectures, windows-behavior.md 1.5). */
NTKERNELAPI PSLIST_ENTRY NTAPI FirstEntrySList(PSLIST_HEADER ListHead);

#ifdef _WIN64
/* Windows 11 22H2 exports (MSDN: "changed from inline to exported"), bound by assembler name. */
NTKERNELAPI PVOID NTAPI export_alloc_npaged(PNPAGED_LOOKASIDE_LIST) __asm__("ExAllocateFromNPagedLookasideList");
NTKERNELAPI VOID NTAPI export_free_npaged(PNPAGED_LOOKASIDE_LIST, PVOID) __asm__("ExFreeToNPagedLookasideList");
NTKERNELAPI PVOID NTAPI export_alloc_paged(PPAGED_LOOKASIDE_LIST) __asm__("ExAllocateFromPagedLookasideList");
NTKERNELAPI VOID NTAPI export_free_paged(PPAGED_LOOKASIDE_LIST, PVOID) __asm__("ExFreeToPagedLookasideList");
NTKERNELAPI PVOID NTAPI export_alloc_ex(PLOOKASIDE_LIST_EX) __asm__("ExAllocateFromLookasideListEx");
NTKERNELAPI VOID NTAPI export_free_ex(PLOOKASIDE_LIST_EX, PVOID) __asm__("ExFreeToLookasideListEx");
#endif

int ld_win2k_compat(void)
{
#if defined(_WIN2K_COMPAT_SLIST_USAGE) && defined(_X86_)
    return 1;
#else
    return 0;
#endif
}

static size_t storage_size(enum ld_kind kind)
{
    return kind == LD_NPAGED ? sizeof(NPAGED_LOOKASIDE_LIST)
         : kind == LD_PAGED  ? sizeof(PAGED_LOOKASIDE_LIST)
                             : sizeof(LOOKASIDE_LIST_EX);
}

static void *storage(enum ld_kind kind)
{
    size_t n = storage_size(kind);
    unsigned char *p = ExAllocatePoolWithTag(NonPagedPool, n, STORAGE_TAG);
    size_t i;
    if (!p) return NULL;
    for (i = 0; i < n; i++) p[i] = 0;
    return p;
}

static long init(void *list, enum ld_kind kind, uint32_t flags_or_type, uint32_t ex_flags, size_t size, uint32_t tag,
                 unsigned depth)
{
    switch (kind)
    {
    case LD_NPAGED:
        ExInitializeNPagedLookasideList(list, NULL, NULL, flags_or_type, size, tag, (USHORT)depth);
        return 0;
    case LD_PAGED:
        ExInitializePagedLookasideList(list, NULL, NULL, flags_or_type, size, tag, (USHORT)depth);
        return 0;
    default:
        return ExInitializeLookasideListEx(list, NULL, NULL, (POOL_TYPE)flags_or_type, ex_flags, size, tag,
                                           (USHORT)depth);
    }
}

void *ld_create(enum ld_kind kind, uint32_t flags_or_type, uint32_t ex_flags, size_t size, uint32_t tag, unsigned depth,
                long *status)
{
    void *list = storage(kind);
    long st;
    if (!list) return NULL;
    st = init(list, kind, flags_or_type, ex_flags, size, tag, depth);
    if (status) *status = st;
    if (st < 0)
    {
        ExFreePool(list);
        return NULL;
    }
    return list;
}

void *ld_alloc(void *list, enum ld_kind kind)
{
    switch (kind)
    {
    case LD_NPAGED: return ExAllocateFromNPagedLookasideList(list);
    case LD_PAGED: return ExAllocateFromPagedLookasideList(list);
    default: return ExAllocateFromLookasideListEx(list);
    }
}

void ld_free(void *list, enum ld_kind kind, void *block)
{
    switch (kind)
    {
    case LD_NPAGED: ExFreeToNPagedLookasideList(list, block); break;
    case LD_PAGED: ExFreeToPagedLookasideList(list, block); break;
    default: ExFreeToLookasideListEx(list, block); break;
    }
}

#ifndef _WIN64
/* i386: the paged exports Win2000-compat builds import (declared by ntddk.h only in that mode). */
NTKERNELAPI PVOID NTAPI export_alloc_paged(PPAGED_LOOKASIDE_LIST) __asm__("ExAllocateFromPagedLookasideList@4");
NTKERNELAPI VOID NTAPI export_free_paged(PPAGED_LOOKASIDE_LIST, PVOID) __asm__("ExFreeToPagedLookasideList@8");
#endif

void *ld_alloc_export(void *list, enum ld_kind kind)
{
#ifdef _WIN64
    switch (kind)
    {
    case LD_NPAGED: return export_alloc_npaged(list);
    case LD_PAGED: return export_alloc_paged(list);
    default: return export_alloc_ex(list);
    }
#else
    return kind == LD_PAGED ? export_alloc_paged(list) : NULL;
#endif
}

void ld_free_export(void *list, enum ld_kind kind, void *block)
{
#ifdef _WIN64
    switch (kind)
    {
    case LD_NPAGED: export_free_npaged(list, block); break;
    case LD_PAGED: export_free_paged(list, block); break;
    default: export_free_ex(list, block); break;
    }
#else
    if (kind == LD_PAGED) export_free_paged(list, block);
#endif
}

void ld_slist_init(void *header) { InitializeSListHead(header); }

void *ld_slist_push(void *header, void *entry) { return InterlockedPushEntrySList(header, entry); }

void *ld_slist_pop(void *header) { return InterlockedPopEntrySList(header); }

unsigned ld_slist_depth(void *header) { return ExQueryDepthSList((PSLIST_HEADER)header); }

void *ld_slist_first(void *header) { return FirstEntrySList(header); }
