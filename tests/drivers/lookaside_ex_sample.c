/*
 * A Vista+ style driver: request blocks in an Ex lookaside list (ExInitializeLookasideListEx)
 * whose AllocateEx / FreeEx callbacks are the driver's own. The callbacks check that they are
 * handed the list they belong to and the list's pool type, size and tag, and keep a table of the
 * blocks AllocateEx gave out, so the driver can prove that the module hands every block to FreeEx
 * exactly once: on a free miss (the list is at Depth), on ExFlushLookasideListEx and on
 * ExDeleteLookasideListEx (windows-behavior.md 3.5, 3.6).
 *
 * Allocate and free are the DDK's ExAllocateFromLookasideListEx / ExFreeToLookasideListEx, which
 * MinGW-w64's wdm.h makes FORCEINLINE on both architectures (InterlockedPop/PushEntrySList and a
 * Depth read). On x64 the second burst goes through the Windows 11 22H2 exports of the same names
 * instead, as a driver built with a WDK for that release imports them.
 *
 * DriverEntry fails the load if the list misbehaves while it runs; DriverUnload, which cannot
 * fail, stops the system with SAMPLE_BUG_CHECK if the delete broke the exactly-once rule.
 */
#include "sample_driver.h"

#define TAG_REQUEST SAMPLE_TAG('S', 'm', 'L', 'x')
#define REQUEST_SIZE 96
#define MAX_BLOCKS 32
#define FIRST_BURST 8
#define SECOND_BURST 6
/* A code of the driver's own (not one of Windows'); P1 says which check failed. */
#define SAMPLE_BUG_CHECK 0x5345A001u
#define CHECK_WRONG_LIST 1
#define CHECK_UNKNOWN_BLOCK 2
#define CHECK_FREED_TWICE 3
#define CHECK_NOT_FREED_AT_DELETE 4

#ifdef _WIN64
/* Windows 11 22H2 exports (MSDN ExAllocateFromLookasideListEx: "changed from inline to
 * exported"). MinGW-w64's wdm.h only has the FORCEINLINE forms under these names, so the imports
 * are declared with the WDK's prototypes under other C names bound to the export names. */
NTKERNELAPI PVOID NTAPI exported_allocate_from_lookaside_list_ex(PLOOKASIDE_LIST_EX Lookaside)
    __asm__("ExAllocateFromLookasideListEx");
NTKERNELAPI VOID NTAPI exported_free_to_lookaside_list_ex(PLOOKASIDE_LIST_EX Lookaside, PVOID Entry)
    __asm__("ExFreeToLookasideListEx");
#endif

typedef struct _REQUEST
{
    SLIST_ENTRY Link; /* must be first: a cached block is an SList entry */
    ULONG Sequence;
} REQUEST;

/* Every block AllocateEx gave out and how often FreeEx received it (a static, so zeroed at load). */
typedef struct _BLOCK_RECORD
{
    PVOID Block;
    ULONG Frees;
} BLOCK_RECORD;

static LOOKASIDE_LIST_EX request_list;
static BLOCK_RECORD blocks[MAX_BLOCKS];
static ULONG blocks_allocated;
static ULONG callback_frees;
static ULONG bad_parameters; /* AllocateEx saw a type, size or tag the list was not given */

static VOID fail(ULONG check, PVOID what)
{
    KeBugCheckEx(SAMPLE_BUG_CHECK, check, (ULONG_PTR)what, (ULONG_PTR)&request_list, blocks_allocated);
}

static PVOID NTAPI request_allocate(POOL_TYPE pool_type, SIZE_T size, ULONG tag, PLOOKASIDE_LIST_EX list)
{
    PVOID block;
    if (list != &request_list) fail(CHECK_WRONG_LIST, list);
    if (pool_type != NonPagedPool || size != REQUEST_SIZE || tag != TAG_REQUEST) bad_parameters++;
    if (blocks_allocated == MAX_BLOCKS) return NULL;
    block = ExAllocatePoolWithTag(pool_type, size, tag);
    if (block)
    {
        blocks[blocks_allocated].Block = block;
        blocks[blocks_allocated].Frees = 0;
        blocks_allocated++;
    }
    return block;
}

static VOID NTAPI request_free(PVOID block, PLOOKASIDE_LIST_EX list)
{
    ULONG i = blocks_allocated;
    if (list != &request_list) fail(CHECK_WRONG_LIST, list);
    /* The pool hands a freed address out again, so the block is the latest record of it. */
    while (i > 0 && blocks[i - 1].Block != block) i--;
    if (i == 0)
    {
        fail(CHECK_UNKNOWN_BLOCK, block);
        return;
    }
    /* Stopped before the second free reaches the pool, so the report names this driver's check. */
    if (blocks[i - 1].Frees++) fail(CHECK_FREED_TWICE, block);
    callback_frees++;
    ExFreePoolWithTag(block, TAG_REQUEST);
}

/* Whether every block AllocateEx gave out so far is either cached in the list or has reached
 * FreeEx exactly once (which ones are cached depends on Depth and the list's LIFO order, so only
 * the counts are compared). */
static BOOLEAN each_block_cached_or_freed_once(void)
{
    ULONG i, once = 0;
    for (i = 0; i < blocks_allocated; i++)
        if (blocks[i].Frees == 1) once++;
    return once == callback_frees && once + ExQueryDepthSList(&request_list.L.ListHead) == blocks_allocated;
}

/* One burst of requests: allocate `count` blocks, then give back all that were allocated. */
static NTSTATUS run_requests(ULONG count, BOOLEAN through_exports)
{
    REQUEST *held[16];
    ULONG i, n;
    NTSTATUS status = STATUS_SUCCESS;
    if (count > 16) count = 16;
    for (n = 0; n < count; n++)
    {
#ifdef _WIN64
        held[n] = through_exports ? exported_allocate_from_lookaside_list_ex(&request_list)
                                  : ExAllocateFromLookasideListEx(&request_list);
#else
        held[n] = ExAllocateFromLookasideListEx(&request_list);
#endif
        if (!held[n])
        {
            status = STATUS_INSUFFICIENT_RESOURCES;
            break;
        }
        held[n]->Sequence = n;
    }
    for (i = 0; i < n; i++)
    {
#ifdef _WIN64
        if (through_exports)
            exported_free_to_lookaside_list_ex(&request_list, held[i]);
        else
#endif
            ExFreeToLookasideListEx(&request_list, held[i]);
    }
#ifndef _WIN64
    UNREFERENCED_PARAMETER(through_exports); /* i386 has no such exports: always the inlines */
#endif
    return status;
}

static VOID NTAPI SampleUnload(PDRIVER_OBJECT driver)
{
    ULONG i;
    UNREFERENCED_PARAMETER(driver);
    /* The delete hands the blocks still cached to FreeEx; after it every block ever allocated
     * must have reached FreeEx exactly once. */
    ExDeleteLookasideListEx(&request_list);
    for (i = 0; i < blocks_allocated; i++)
        if (blocks[i].Frees != 1) fail(CHECK_NOT_FREED_AT_DELETE, blocks[i].Block);
}

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT driver, PUNICODE_STRING registry_path)
{
    NTSTATUS status;
    UNREFERENCED_PARAMETER(registry_path);
    status = ExInitializeLookasideListEx(&request_list, request_allocate, request_free, NonPagedPool, 0, REQUEST_SIZE,
                                         TAG_REQUEST, 0);
    if (!NT_SUCCESS(status)) return status;

    /* The list starts empty, so every allocation misses; of the frees, those below Depth (4 on
     * Windows) are cached and the rest go to FreeEx. The flush hands the cached ones to FreeEx. */
    status = run_requests(FIRST_BURST, FALSE);
    if (NT_SUCCESS(status) && (blocks_allocated != FIRST_BURST || !each_block_cached_or_freed_once()))
        status = STATUS_UNSUCCESSFUL;
    if (NT_SUCCESS(status))
    {
        ExFlushLookasideListEx(&request_list);
        if (callback_frees != FIRST_BURST || !each_block_cached_or_freed_once()) status = STATUS_UNSUCCESSFUL;
    }
    /* The flushed list is still usable; the blocks this burst leaves cached are the delete's. */
    if (NT_SUCCESS(status)) status = run_requests(SECOND_BURST, TRUE);
    if (NT_SUCCESS(status) &&
        (blocks_allocated != FIRST_BURST + SECOND_BURST || !each_block_cached_or_freed_once()))
        status = STATUS_UNSUCCESSFUL;
    if (NT_SUCCESS(status) && bad_parameters) status = STATUS_INVALID_PARAMETER;
    if (!NT_SUCCESS(status))
    {
        ExDeleteLookasideListEx(&request_list);
        return status;
    }
    driver->DriverUnload = SampleUnload;
    return STATUS_SUCCESS;
}
