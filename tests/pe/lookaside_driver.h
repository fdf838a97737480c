/*
 * Interface between the user-mode half of the lookaside and SList tests (lookaside.c,
 * lookaside_misuse.c) and their driver half (lookaside_driver.c, built against <ddk/ntddk.h>,
 * on i386 once as an XP+ driver and once with _WIN2K_COMPAT_SLIST_USAGE). Lists live in
 * storage the driver half allocates with the DDK's structure sizes; the user half sees them as
 * handles.
 */
#ifndef NTOSKRNL_TESTS_LOOKASIDE_DRIVER_H
#define NTOSKRNL_TESTS_LOOKASIDE_DRIVER_H

#include <stddef.h>
#include <stdint.h>

enum ld_kind { LD_NPAGED, LD_PAGED, LD_EX };

/* Whether this driver half was built with _WIN2K_COMPAT_SLIST_USAGE. */
int ld_win2k_compat(void);

/* A list of the given kind, with the default allocate and free routines, in zeroed storage of
 * the DDK's size. Returns the list, or NULL for an Ex list that failed (*status). */
void *ld_create(enum ld_kind kind, uint32_t flags_or_pool_type, uint32_t ex_flags, size_t size, uint32_t tag,
                unsigned depth, long *status);

/* The header inlines (ExAllocateFrom.../ExFreeTo...). */
void *ld_alloc(void *list, enum ld_kind kind);
void ld_free(void *list, enum ld_kind kind, void *block);
/* The exported forms: i386 ExAllocateFromPagedLookasideList / ExFreeToPagedLookasideList; x64 the
 * Windows 11 22H2 exports of all three kinds. Return NULL / do nothing where there is no export.
 * No test calls them; they stay because on x64 they alone import ExAllocateFromNPagedLookasideList
 * and ExFreeToLookasideListEx (the DDK has those only as inlines), whose binding lookaside.c checks. */
void *ld_alloc_export(void *list, enum ld_kind kind);
void ld_free_export(void *list, enum ld_kind kind, void *block);

/* SLists as a driver reaches them: InitializeSListHead, InterlockedPush/PopEntrySList (the
 * i386 fastcall exports or the x64 Exp* ones), ExQueryDepthSList, FirstEntrySList. Headers and
 * entries are caller storage (16-aligned). */
void ld_slist_init(void *header);
void *ld_slist_push(void *header, void *entry);
void *ld_slist_pop(void *header);
unsigned ld_slist_depth(void *header);
void *ld_slist_first(void *header);

#endif
