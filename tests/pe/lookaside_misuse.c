/*
 * Lookaside misuse that Driver Verifier stops (windows-behavior.md 3.1 [BC:0xC4], 3.5): with the
 * module's verifier switch on (NTOSKRNL_VERIFIER=1 in the child's environment), re-initialising a
 * live list (0xCA, P2 list), deleting a list that is not initialised (0xCB, P2 list), freeing
 * pool that holds a live list (0xCC, P2 list, P3 pool block, P4 its size) and a block size below
 * LOOKASIDE_MINIMUM_BLOCK_SIZE (0xCD, P2 list, P3 size, P4 minimum). Without the switch the last
 * one is accepted as passed, as on Windows without Driver Verifier.
 * Each case runs in a child ("child NAME") that prints "ADDR <list>" and must end with one STOP
 * line and the code as exit status.
 */
#include <windows.h>
#include <stdint.h>
#include <stdio.h>

#include "lookaside_driver.h"
#include "wine_test.h"
#include "wine_test_child.h"

#define TAG_LIST 0x73694D4Cu /* "LMis" */
#define MIN_BLOCK (sizeof(void *))

static LONG WINAPI exit_with_code(EXCEPTION_POINTERS *info)
{
    ExitProcess(info->ExceptionRecord->ExceptionCode);
}

static int run_child_case(const char *name)
{
    void *list;
    if (!strcmp(name, "reinit"))
    {
        list = ld_create(LD_NPAGED, 0, 0, 0, 64, TAG_LIST, 0, NULL);
        printf("ADDR %p\n", list);
        fflush(stdout);
        ld_reinitialize(list, LD_NPAGED, 64, TAG_LIST);
    }
    else if (!strcmp(name, "delete_uninit"))
    {
        list = ld_create(LD_PAGED, 0, 0, 0, 64, TAG_LIST, 0, NULL);
        ld_delete(list, LD_PAGED);
        printf("ADDR %p\n", list);
        fflush(stdout);
        ld_delete(list, LD_PAGED);
    }
    else if (!strcmp(name, "free_live_list"))
    {
        list = ld_create(LD_EX, 0, 0, 0, 64, TAG_LIST, 0, NULL);
        printf("ADDR %p\n", list);
        fflush(stdout);
        ld_release_storage(list);
    }
    else if (!strcmp(name, "pop_unmapped_entry"))
    {
        /* An entry whose memory is gone while the header still names it: the pop faults (it must
         * not spin); the filter turns the access violation into the exit status. */
        void *header = ld_create(LD_NPAGED, 0, 0, 0, 64, TAG_LIST, 0, NULL);   /* ListHead at offset 0 */
        void *page = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);
        SetUnhandledExceptionFilter(exit_with_code);
        ld_free(header, LD_NPAGED, page);
        VirtualFree(page, 0, MEM_RELEASE);
        ld_alloc(header, LD_NPAGED);
        return 0x7D;   /* returned instead of faulting */
    }
    else if (!strcmp(name, "size_too_small"))
    {
        /* The list's address is only known once it is initialised: the STOP line has it. */
        list = ld_create(LD_NPAGED, 0, 0, 0, MIN_BLOCK - 1, TAG_LIST, 0, NULL);
        if (list)
        {
            struct ld_fields v;
            ld_fields(list, &v);
            printf("SIZE %u\n", v.size);
            ld_delete(list, LD_NPAGED);
            ld_release_storage(list);
        }
    }
    fflush(stdout);
    return 0;
}

/* "0xCODE (0xP1,0xP2,0xP3,0xP4)" */
static BOOL parse_stop(const char *s, ULONG *code, ULONG64 p[4])
{
    char *end;
    int i;
    *code = strtoul(s, &end, 16);
    if (strncmp(end, " (", 2)) return FALSE;
    s = end + 2;
    for (i = 0; i < 4; i++)
    {
        p[i] = _strtoui64(s, &end, 16);
        if (end == s || *end != (i < 3 ? ',' : ')')) return FALSE;
        s = end + 1;
    }
    return TRUE;
}

static void check_stop(const char *name, const char *out, DWORD code, ULONG64 p1, BOOL p2_is_addr, BOOL check_p3p4,
                       ULONG64 p3, ULONG64 p4)
{
    const char *stop = strstr(out, "*** STOP: ");
    const char *addr = strstr(out, "ADDR ");
    ULONG code_seen = 0;
    ULONG64 p[4] = {0}, a = 0;

    winetest_push_context("%s", name);
    ok(code == 0xC4, "exit status %#lx, output \"%s\"\n", code, out);
    ok(stop != NULL, "no STOP line: \"%s\"\n", out);
    if (stop && parse_stop(stop + 10, &code_seen, p))
    {
        ok(code_seen == 0xC4, "code %#lx\n", code_seen);
        ok(p[0] == p1, "P1 %#I64x\n", p[0]);
        ok(strstr(stop, "DRIVER_VERIFIER_DETECTED_VIOLATION") != NULL, "name missing: %s\n", stop);
        if (p2_is_addr)
        {
            ok(addr != NULL, "no ADDR line\n");
            if (addr) a = _strtoui64(addr + 5, NULL, 16);
            ok(p[1] == a, "P2 %#I64x, list %#I64x\n", p[1], a);
        }
        if (p1 == 0xCC) ok(p[2] == p[1], "P3 %#I64x (the pool block holding the list at its start)\n", p[2]);
        if (check_p3p4) ok(p[2] == p3 && p[3] == p4, "P3 %#I64x P4 %#I64x\n", p[2], p[3]);
    }
    else
        ok(0, "unreadable STOP line: \"%s\"\n", stop ? stop : out);
    winetest_pop_context();
}

START_TEST(lookaside_misuse)
{
    static char out[4096];
    char **argv;
    int argc = winetest_get_mainargs(&argv);
    DWORD code;

    if (argc > 2 && !strcmp(argv[1], "child")) exit(run_child_case(argv[2]));

    SetEnvironmentVariableA("NTOSKRNL_VERIFIER", "1");
    code = winetest_run_self("child reinit", out, sizeof(out));
    check_stop("reinit", out, code, 0xCA, TRUE, FALSE, 0, 0);
    code = winetest_run_self("child delete_uninit", out, sizeof(out));
    check_stop("delete_uninit", out, code, 0xCB, TRUE, FALSE, 0, 0);
    code = winetest_run_self("child free_live_list", out, sizeof(out));
    check_stop("free_live_list", out, code, 0xCC, TRUE, FALSE, 0, 0);
    code = winetest_run_self("child size_too_small", out, sizeof(out));
    check_stop("size_too_small", out, code, 0xCD, FALSE, TRUE, MIN_BLOCK - 1, MIN_BLOCK);

    code = winetest_run_self("child pop_unmapped_entry", out, sizeof(out));
    /* 32-bit Wine under qemu-user (this project's CI) reports the fault as an illegal instruction. */
    ok(code == EXCEPTION_ACCESS_VIOLATION || (sizeof(void *) == 4 && code == EXCEPTION_ILLEGAL_INSTRUCTION),
       "pop of an unmapped entry: status %#lx\n", code);

    /* Without the verifier: taken as passed, no stop. */
    SetEnvironmentVariableA("NTOSKRNL_VERIFIER", "0");
    code = winetest_run_self("child size_too_small", out, sizeof(out));
    ok(code == 0 && !strstr(out, "STOP"), "verifier off: status %#lx output \"%s\"\n", code, out);
    {
        unsigned size = 0;
        const char *s = strstr(out, "SIZE ");
        ok(s && sscanf(s, "SIZE %u", &size) == 1 && size == MIN_BLOCK - 1, "Size %u\n", size);
    }
    SetEnvironmentVariableA("NTOSKRNL_VERIFIER", NULL);
}
