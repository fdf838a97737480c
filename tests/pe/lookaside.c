/*
 * Lookaside lists and SLists as drivers reach them (lookaside_driver.c, built against the
 * MinGW-w64 DDK; on i386 this program is built twice, once over an XP+ driver half and once over
 * a _WIN2K_COMPAT_SLIST_USAGE one). Everything else moved to the kernel-mode conformance driver
 * (tests/kmode/lookaside.c, groups lookaside and lookaside_win2k). What stays cannot run in a
 * driver: the binding of a user-mode program's imports to the project's module, and the pop that
 * resumes after a fault (it needs a vectored exception handler ahead of the module's, and
 * VirtualProtect, in the process the module runs in). Expected behaviour: windows-behavior.md 3.9.
 */
#include <windows.h>
#include <stdint.h>

#include "lookaside_driver.h"
#include "pe_imports.h"
#include "wine_test.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The pop hazard made deterministic: the first entry's memory faults on the pop's read of its
 * Next; this test's handler (ahead of the module's) then does what a racing thread would do,
 * pushes another entry and leaves the first one's page inaccessible, and returns. The read faults
 * again, the module's handler resumes the pop, which must start over and return the new entry. */
static BYTE resume_header[16] __attribute__((aligned(16)));
static void *resume_page, *resume_other;
static LONG resume_armed, resume_faults;

static LONG CALLBACK resume_race(EXCEPTION_POINTERS *info)
{
    DWORD old;
    (void)info;
    if (!resume_armed) return EXCEPTION_CONTINUE_SEARCH;
    if (InterlockedIncrement(&resume_faults) > 1) return EXCEPTION_CONTINUE_SEARCH;   /* the module's turn */
    ld_slist_push(resume_header, resume_other);
    VirtualProtect(resume_page, 4096, PAGE_NOACCESS, &old);
    return EXCEPTION_CONTINUE_EXECUTION;
}

static void test_pop_resume(void)
{
    static void *other[2] __attribute__((aligned(16)));
    void *handler, *got;
    DWORD old;

    resume_page = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);
    resume_other = other;
    ld_slist_init(resume_header);
    ld_slist_push(resume_header, resume_page);
    VirtualProtect(resume_page, 4096, PAGE_NOACCESS, &old);
    handler = AddVectoredExceptionHandler(1, resume_race);
    resume_armed = 1;
    got = ld_slist_pop(resume_header);
    resume_armed = 0;
    RemoveVectoredExceptionHandler(handler);
    ok(resume_faults == 2, "%ld faults, expected the first read and the resumed one\n", resume_faults);
    ok(got == resume_other, "pop returned %p, expected the entry pushed meanwhile %p\n", got, resume_other);
    ok(ld_slist_depth(resume_header) == 1 && ld_slist_first(resume_header) == resume_page,
       "depth %u first %p\n", ld_slist_depth(resume_header), ld_slist_first(resume_header));
    VirtualFree(resume_page, 0, MEM_RELEASE);
}

static void test_imports_bound(void)
{
    static const char *names_i386[] = {"InterlockedPopEntrySList", "InterlockedPushEntrySList",
                                       "ExInitializeNPagedLookasideList", "ExInitializeLookasideListEx",
                                       "FirstEntrySList"};
    static const char *names_x64[] = {"ExpInterlockedPopEntrySList", "ExpInterlockedPushEntrySList",
                                      "ExQueryDepthSList", "InitializeSListHead",
                                      "ExAllocateFromNPagedLookasideList", "ExFreeToLookasideListEx"};
    HMODULE nt = GetModuleHandleA("ntoskrnl.exe");
    const char **names = sizeof(void *) == 8 ? names_x64 : names_i386;
    unsigned i, n = sizeof(void *) == 8 ? ARRAY_SIZE(names_x64) : ARRAY_SIZE(names_i386);

    ok(nt != NULL && !pe_is_wine_builtin(nt), "not bound to the project's ntoskrnl.exe\n");
    for (i = 0; i < n; i++)
    {
        void *bound = pe_bound_import(GetModuleHandleA(NULL), "ntoskrnl.exe", names[i]);
        ok(bound && nt && pe_contains(nt, bound), "%s bound to %p\n", names[i], bound);
    }
    if (ld_win2k_compat())
    {
        void *bound = pe_bound_import(GetModuleHandleA(NULL), "ntoskrnl.exe", "ExInterlockedPopEntrySList");
        ok(bound && pe_contains(nt, bound), "ExInterlockedPopEntrySList bound to %p\n", bound);
        bound = pe_bound_import(GetModuleHandleA(NULL), "ntoskrnl.exe", "ExAllocateFromPagedLookasideList");
        ok(bound && pe_contains(nt, bound), "ExAllocateFromPagedLookasideList bound to %p\n", bound);
    }
}

START_TEST(lookaside)
{
    trace("driver half built %s _WIN2K_COMPAT_SLIST_USAGE\n", ld_win2k_compat() ? "with" : "without");
    test_imports_bound();
    test_pop_resume();
}
