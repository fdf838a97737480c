/*
 * KeBugCheckEx / KeBugCheck: a bug check prints one STOP line with the code, the four
 * pointer-sized parameters and the symbolic name, then ends the process with the code as its
 * exit status. Each case runs in a child process (this program with "child CASE").
 */
#include <windows.h>
#include <stdint.h>

#include "driver_side.h"
#include "wine_test.h"
#include "wine_test_child.h"

#ifdef _WIN64
#define P(x32, x64) x64
#else
#define P(x32, x64) x32
#endif

struct bugcheck_case
{
    const char *name;
    DWORD exit_code;
    const char *line;
};

static const struct bugcheck_case cases[] =
{
    {"ex", 0xC2, P("*** STOP: 0x000000C2 (0x00000007,0x00001234,0xDEADBEEF,0xFFFFFFFF) BAD_POOL_CALLER\n",
                   "*** STOP: 0x000000C2 (0x0000000000000007,0x0000000000001234,0x00000000DEADBEEF,"
                   "0xFFFFFFFFFFFFFFFF) BAD_POOL_CALLER\n")},
    {"plain", 0x19, P("*** STOP: 0x00000019 (0x00000000,0x00000000,0x00000000,0x00000000) BAD_POOL_HEADER\n",
                      "*** STOP: 0x00000019 (0x0000000000000000,0x0000000000000000,0x0000000000000000,"
                      "0x0000000000000000) BAD_POOL_HEADER\n")},
    {"verifier", 0xC4, P("*** STOP: 0x000000C4 (0x00000062,0x00000001,0x00000002,0x00000003) "
                         "DRIVER_VERIFIER_DETECTED_VIOLATION\n",
                         "*** STOP: 0x000000C4 (0x0000000000000062,0x0000000000000001,0x0000000000000002,"
                         "0x0000000000000003) DRIVER_VERIFIER_DETECTED_VIOLATION\n")},
    {"unknown", 0x1234ABCD, P("*** STOP: 0x1234ABCD (0x00000001,0x00000000,0x00000000,0x00000000) "
                              "UNKNOWN_BUGCHECK_CODE\n",
                              "*** STOP: 0x1234ABCD (0x0000000000000001,0x0000000000000000,0x0000000000000000,"
                              "0x0000000000000000) UNKNOWN_BUGCHECK_CODE\n")},
};

static DWORD WINAPI racing_bug_check(void *arg)
{
    driver_bug_check_ex((unsigned long)(uintptr_t)arg, 0, 0, 0, 0);
    return 0;
}

static void run_child_case(const char *name)
{
    if (!strcmp(name, "ex")) driver_bug_check_ex(0xC2, 7, 0x1234, 0xDEADBEEF, (uintptr_t)-1);
    if (!strcmp(name, "plain")) driver_bug_check(0x19);
    if (!strcmp(name, "verifier")) driver_bug_check_ex(0xC4, 0x62, 1, 2, 3);
    if (!strcmp(name, "unknown")) driver_bug_check_ex(0x1234ABCD, 1, 0, 0, 0);
    if (!strcmp(name, "race"))
    {
        /* Two threads stop the system at once: one STOP line, one of the two codes. */
        HANDLE t[2];
        t[0] = CreateThread(NULL, 0, racing_bug_check, (void *)(uintptr_t)0xC2, 0, NULL);
        t[1] = CreateThread(NULL, 0, racing_bug_check, (void *)(uintptr_t)0x19, 0, NULL);
        WaitForMultipleObjects(2, t, TRUE, INFINITE);
    }
    /* Reaching this is itself the failure the parent detects (exit status 0x7F). */
    ExitProcess(0x7F);
}

static void test_cases(void)
{
    char err[1024];
    unsigned i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    {
        char args[64];
        DWORD code;
        snprintf(args, sizeof(args), "child %s", cases[i].name);
        code = winetest_run_self(args, err, sizeof(err));
        winetest_push_context("%s", cases[i].name);
        ok(code == cases[i].exit_code, "exit code %#lx, expected %#lx\n", code, cases[i].exit_code);
        ok(!strcmp(err, cases[i].line), "stderr was \"%s\", expected \"%s\"\n", err, cases[i].line);
        winetest_pop_context();
    }
}

static void test_race(void)
{
    char err[1024], *second;
    DWORD code = winetest_run_self("child race", err, sizeof(err));

    ok(code == 0xC2 || code == 0x19, "exit code %#lx, expected one of the two racing codes\n", code);
    ok(!strncmp(err, "*** STOP: ", 10), "no STOP line: \"%s\"\n", err);
    second = strstr(err + 1, "*** STOP");
    ok(second == NULL, "more than one STOP line: \"%s\"\n", err);
    ok(strtoul(err + 10, NULL, 16) == code, "STOP line \"%s\" disagrees with exit code %#lx\n", err, code);
}

START_TEST(bugcheck)
{
    char **argv;
    int argc = winetest_get_mainargs(&argv);

    if (argc > 2 && !strcmp(argv[1], "child"))
    {
        run_child_case(argv[2]);
        return;
    }
    test_cases();
    test_race();
}
