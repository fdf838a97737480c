/*
 * A sample driver built as a real kernel-mode image (native subsystem, entry DriverEntry, no C
 * runtime) against the MinGW-w64 DDK headers and the project's libntoskrnl.a. It keeps request
 * contexts in a nonpaged lookaside list and buffers in a paged one, the way NT 4 / Windows 2000
 * era drivers do: on i386 it is built with _WIN2K_COMPAT_SLIST_USAGE, so the NPaged inlines call
 * ExInterlockedPop/PushEntrySList with the list's own lock and the paged ones are the
 * ExAllocateFromPagedLookasideList / ExFreeToPagedLookasideList imports (windows-behavior.md 5.1,
 * 7). The driver host runs it (expected/lookaside_sample.txt: the lists, their counters and the
 * system's lookaside view); the ABI tests check its imports.
 */
#include <ddk/ntddk.h>

#define TAG_CONTEXT 0x78436D53u /* "SmCx" in memory */
#define TAG_BUFFER 0x66426D53u  /* "SmBf" */

typedef struct _SAMPLE_CONTEXT
{
    SLIST_ENTRY Link; /* must be first: a cached block is an SList entry */
    ULONG Sequence;
    PVOID Buffer;
} SAMPLE_CONTEXT;

static NPAGED_LOOKASIDE_LIST context_list;
static PAGED_LOOKASIDE_LIST buffer_list;

static VOID NTAPI SampleUnload(PDRIVER_OBJECT driver)
{
    (void)driver;
    ExDeletePagedLookasideList(&buffer_list);
    ExDeleteNPagedLookasideList(&context_list);
}

/* One burst of requests: allocate contexts and buffers, then give them all back. */
static NTSTATUS run_requests(ULONG count)
{
    SAMPLE_CONTEXT *held[16];
    ULONG i, n = count > 16 ? 16 : count;
    for (i = 0; i < n; i++)
    {
        held[i] = ExAllocateFromNPagedLookasideList(&context_list);
        if (!held[i]) return STATUS_INSUFFICIENT_RESOURCES;
        held[i]->Sequence = i;
        held[i]->Buffer = ExAllocateFromPagedLookasideList(&buffer_list);
        if (!held[i]->Buffer) return STATUS_INSUFFICIENT_RESOURCES;
    }
    for (i = 0; i < n; i++)
    {
        ExFreeToPagedLookasideList(&buffer_list, held[i]->Buffer);
        ExFreeToNPagedLookasideList(&context_list, held[i]);
    }
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT driver, PUNICODE_STRING registry_path)
{
    (void)registry_path;
    ExInitializeNPagedLookasideList(&context_list, NULL, NULL, 0, sizeof(SAMPLE_CONTEXT), TAG_CONTEXT, 0);
    ExInitializePagedLookasideList(&buffer_list, NULL, NULL, 0, 512, TAG_BUFFER, 0);
    if (driver) driver->DriverUnload = SampleUnload;
    return run_requests(8);
}
