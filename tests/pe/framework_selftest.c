/*
 * The Wine-style framework checked by itself: each scenario runs in a child process (this
 * program with "child SCENARIO"), and the parent checks the child's output lines, its summary
 * line and its exit status, under Wine and on Windows alike.
 */
#include <windows.h>

#include "wine_test.h"
#include "wine_test_child.h"

static void run_scenario(const char *name)
{
    if (!strcmp(name, "pass"))
    {
        ok(1, "first\n");
        ok(2 + 2 == 4, "second\n");
    }
    else if (!strcmp(name, "fail"))
    {
        ok(1, "passes\n");
/* #line pins the line numbers the parent expects in the messages. */
#line 1001
        ok(0, "fails %d\n", 1);
        ok(0, "fails %d\n", 2);
    }
    else if (!strcmp(name, "todo"))
    {
#line 2001
        todo_wine ok(0, "known to fail under Wine\n");
        todo_wine_if(0) ok(1, "not a todo\n");
    }
    else if (!strcmp(name, "todo_success"))
    {
#line 4001
        todo_wine ok(1, "unexpectedly passes\n");
    }
    else if (!strcmp(name, "skips"))
    {
        skip("not here\n");
        win_skip("old Windows only\n");
        ok(!broken(0), "broken(0) is false\n");
        ok(broken(1) == !winetest_running_under_wine(), "broken(1) is true only on Windows\n");
    }
    else if (!strcmp(name, "context"))
    {
        winetest_push_context("outer %d", 1);
        winetest_push_context("inner");
#line 3001
        ok(0, "with context\n");
        winetest_pop_context();
        winetest_pop_context();
        ok(0, "without context\n");
    }
}

/* True if line (up to its '\n') is "<pid>:framework_selftest: ...", the pid as %04lx prints it:
 * four hex digits or more. */
static int is_summary_line(const char *line)
{
    static const char name[] = ":framework_selftest: ";
    size_t digits = strspn(line, "0123456789abcdef");
    return digits >= 4 && !strncmp(line + digits, name, sizeof(name) - 1);
}

/* The summary line, without its "NNNN:" process id, or "" if the output has none. Only whole
 * lines count, so a line another process (a Wine service started with the child) might write
 * into the same pipe cannot be taken for it or glued to it. */
static const char *summary_of(const char *out)
{
    static char line[256];
    const char *s, *end;
    line[0] = 0;
    for (s = out; *s; s = end + 1)
    {
        end = strchr(s, '\n');
        if (!end) end = s + strlen(s);
        if (is_summary_line(s))
        {
            s = strchr(s, ':') + 1;
            snprintf(line, sizeof(line), "%.*s", (int)(end - s), s);
            break;
        }
        if (!*end) break;
    }
    return line;
}

/* True if out has want as a whole line (want ends with '\n'). */
static int has_line(const char *out, const char *want)
{
    const char *s;
    for (s = strstr(out, want); s; s = strstr(s + 1, want))
        if (s == out || s[-1] == '\n') return 1;
    return 0;
}

static void check(const char *scenario, DWORD want_code, const char *want_summary, const char *want_lines[])
{
    char out[8192], args[64];
    DWORD code;
    int i, good;

    snprintf(args, sizeof(args), "child %s", scenario);
    code = winetest_run_self(args, out, sizeof(out));
    winetest_push_context("%s", scenario);
    good = ok(code == want_code, "exit status %lu, expected %lu\n", code, want_code);
    good &= ok(!strcmp(summary_of(out), want_summary), "summary \"%s\", expected \"%s\"\n", summary_of(out),
               want_summary);
    for (i = 0; want_lines && want_lines[i]; i++)
        good &= ok(has_line(out, want_lines[i]), "no line \"%s\"", want_lines[i]);
    /* What the child printed, whole, whenever something above did not hold. */
    if (!good) trace("child output:\n%s<end of child output>\n", out);
    winetest_pop_context();
}

START_TEST(framework_selftest)
{
    char **argv;
    int argc = winetest_get_mainargs(&argv);
    BOOL wine = winetest_running_under_wine();

    if (argc > 2 && !strcmp(argv[1], "child"))
    {
        run_scenario(argv[2]);
        return;
    }

    check("pass", 0, "framework_selftest: 2 tests executed (0 marked as todo, 0 failures), 0 skipped.", NULL);
    {
        const char *lines[] = {"framework_selftest.c:1001: Test failed: fails 1\n",
                               "framework_selftest.c:1002: Test failed: fails 2\n", NULL};
        check("fail", 2, "framework_selftest: 3 tests executed (0 marked as todo, 2 failures), 0 skipped.", lines);
    }
    if (wine)
    {
        const char *lines[] = {"framework_selftest.c:2001: Test marked todo: known to fail under Wine\n", NULL};
        check("todo", 0, "framework_selftest: 2 tests executed (1 marked as todo, 0 failures), 0 skipped.", lines);
    }
    else
        check("todo", 1, "framework_selftest: 2 tests executed (0 marked as todo, 1 failure), 0 skipped.", NULL);
    {
        const char *lines[] = {"framework_selftest.c:4001: Test succeeded inside todo block: unexpectedly passes\n", NULL};
        if (wine)
            check("todo_success", 1, "framework_selftest: 1 tests executed (0 marked as todo, 1 failure), 0 skipped.",
                  lines);
        else
            check("todo_success", 0, "framework_selftest: 1 tests executed (0 marked as todo, 0 failures), 0 skipped.",
                  NULL);
    }
    if (wine)
        check("skips", 1, "framework_selftest: 3 tests executed (0 marked as todo, 1 failure), 1 skipped.", NULL);
    else
        check("skips", 0, "framework_selftest: 2 tests executed (0 marked as todo, 0 failures), 2 skipped.", NULL);
    {
        const char *lines[] = {"framework_selftest.c:3001: outer 1: inner: Test failed: with context\n",
                               "framework_selftest.c:3004: Test failed: without context\n", NULL};
        check("context", 2, "framework_selftest: 2 tests executed (0 marked as todo, 2 failures), 0 skipped.", lines);
    }
}
