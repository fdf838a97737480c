/*
 * A Wine-style conformance test framework for the project's PE test programs: the same
 * vocabulary and output as Wine's tests, so results read the same and the same binaries run on
 * Windows (where todo_wine is inert and broken() may excuse a Windows quirk).
 *
 *   START_TEST(name) { ... }           the test body; main() runs it and prints the summary
 *   ok(cond, fmt, ...)                 one check
 *   todo_wine { ... } / todo_wine_if(c) { ... }
 *                                      checks known to fail under Wine: a failure counts as todo,
 *                                      a success inside the block as a failure
 *   skip(fmt, ...)                     a check that cannot run here
 *   win_skip(fmt, ...)                 a skip on Windows, a failure under Wine
 *   broken(cond)                       cond on Windows, always false under Wine
 *   trace(fmt, ...)                    information
 *   winetest_push_context(fmt, ...) / winetest_pop_context()
 *
 * Summary line (stdout): "NNNN:name: N tests executed (M marked as todo, K failures), S skipped."
 * Exit status: failures (todo successes included), capped at 255.
 * Set WINETEST_REPORT_SUCCESS=1 to print passing checks too.
 */
#ifndef NTOSKRNL_WINE_TEST_H
#define NTOSKRNL_WINE_TEST_H

#include <windows.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

static const char *winetest_name = "";
static const char *winetest_file = "";
static int winetest_line;
static LONG winetest_successes, winetest_failures, winetest_todo_count, winetest_skipped;
static int winetest_todo_level;
static int winetest_report_success;
static int winetest_under_wine = -1;
static int winetest_argc;
static char **winetest_argv;
static char winetest_context[8][128];
static int winetest_context_depth;
static CRITICAL_SECTION winetest_cs;

static inline int winetest_running_under_wine(void)
{
    if (winetest_under_wine < 0)
        winetest_under_wine = GetProcAddress(GetModuleHandleA("ntdll.dll"), "wine_get_version") != NULL;
    return winetest_under_wine;
}

static const char *winetest_basename(const char *path)
{
    const char *p = path, *s;
    for (s = path; *s; s++) if (*s == '/' || *s == '\\') p = s + 1;
    return p;
}

static inline void winetest_vprint(const char *kind, const char *fmt, va_list args)
{
    int i;
    EnterCriticalSection(&winetest_cs);
    printf("%s:%d: ", winetest_basename(winetest_file), winetest_line);
    for (i = 0; i < winetest_context_depth; i++) printf("%s: ", winetest_context[i]);
    if (kind) printf("%s", kind);
    vprintf(fmt, args);
    fflush(stdout);
    LeaveCriticalSection(&winetest_cs);
}


static inline int winetest_vok(int condition, const char *fmt, va_list args)
{
    if (winetest_todo_level && winetest_running_under_wine())
    {
        if (condition)
        {
            winetest_vprint("Test succeeded inside todo block: ", fmt, args);
            InterlockedIncrement(&winetest_failures);
            return 0;
        }
        winetest_vprint("Test marked todo: ", fmt, args);
        InterlockedIncrement(&winetest_todo_count);
        return 1;
    }
    if (!condition)
    {
        winetest_vprint("Test failed: ", fmt, args);
        InterlockedIncrement(&winetest_failures);
        return 0;
    }
    if (winetest_report_success) winetest_vprint("Test succeeded: ", fmt, args);
    InterlockedIncrement(&winetest_successes);
    return 1;
}

static inline int winetest_ok(int condition, const char *fmt, ...)
{
    int ret;
    va_list args;
    va_start(args, fmt);
    ret = winetest_vok(condition, fmt, args);
    va_end(args);
    return ret;
}

static inline void winetest_skip(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    winetest_vprint("Tests skipped: ", fmt, args);
    va_end(args);
    InterlockedIncrement(&winetest_skipped);
}

static inline void winetest_win_skip(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    if (winetest_running_under_wine())
    {
        winetest_vprint("Test failed: ", fmt, args);
        InterlockedIncrement(&winetest_failures);
    }
    else
    {
        winetest_vprint("Tests skipped: ", fmt, args);
        InterlockedIncrement(&winetest_skipped);
    }
    va_end(args);
}

static inline void winetest_trace(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    winetest_vprint(NULL, fmt, args);
    va_end(args);
}

static inline int winetest_broken(int condition)
{
    return !winetest_running_under_wine() && condition;
}

static inline void winetest_push_context(const char *fmt, ...)
{
    va_list args;
    if (winetest_context_depth >= (int)(sizeof(winetest_context) / sizeof(winetest_context[0]))) return;
    va_start(args, fmt);
    vsnprintf(winetest_context[winetest_context_depth++], sizeof(winetest_context[0]), fmt, args);
    va_end(args);
}

static inline void winetest_pop_context(void)
{
    if (winetest_context_depth > 0) winetest_context_depth--;
}

static inline int winetest_set_location(const char *file, int line)
{
    winetest_file = file;
    winetest_line = line;
    return 1;
}

static inline int winetest_summary(void)
{
    LONG total = winetest_successes + winetest_failures + winetest_todo_count;
    LONG status = winetest_failures;
    printf("%04lx:%s: %ld tests executed (%ld marked as todo, %ld %s), %ld skipped.\n",
           (unsigned long)GetCurrentProcessId(), winetest_name, (long)total, (long)winetest_todo_count,
           (long)winetest_failures, winetest_failures == 1 ? "failure" : "failures", (long)winetest_skipped);
    fflush(stdout);
    return status > 255 ? 255 : (int)status;
}

#define ok (winetest_set_location(__FILE__, __LINE__), winetest_ok)
#define skip (winetest_set_location(__FILE__, __LINE__), winetest_skip)
#define win_skip (winetest_set_location(__FILE__, __LINE__), winetest_win_skip)
#define trace (winetest_set_location(__FILE__, __LINE__), winetest_trace)
#define broken(cond) winetest_broken(!!(cond))
#define todo_wine_if(is_todo) \
    for (int winetest_todo_once = (winetest_todo_level += !!(is_todo), 1); winetest_todo_once; \
         winetest_todo_once = 0, winetest_todo_level -= !!(is_todo))
#define todo_wine todo_wine_if(1)

/* The test's own command-line arguments after the program name (for child processes). */
#define winetest_get_mainargs(pargv) (*(pargv) = winetest_argv, winetest_argc)

#define START_TEST(name) \
    static void func_##name(void); \
    int main(int argc, char **argv) \
    { \
        const char *rs = getenv("WINETEST_REPORT_SUCCESS"); \
        InitializeCriticalSection(&winetest_cs); \
        winetest_name = #name; \
        winetest_argc = argc; \
        winetest_argv = argv; \
        winetest_report_success = rs && atoi(rs); \
        setvbuf(stdout, NULL, _IONBF, 0); \
        func_##name(); \
        return winetest_summary(); \
    } \
    static void func_##name(void)

#ifdef __cplusplus
}
#endif

#endif /* NTOSKRNL_WINE_TEST_H */
