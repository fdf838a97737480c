/*
 * The kernel-mode twin of tests/framework/wine_test.h: the same vocabulary (ok, todo_wine,
 * todo_wine_if, skip, win_skip, broken, trace, winetest_push_context / winetest_pop_context),
 * usable inside a driver (no C runtime: kmode_test.c formats with a small formatter of its own,
 * so every place formats alike and nothing beyond the kernel's routines is imported).
 *
 * A test source is one group: it defines `void kmtest_group_NAME(void)` and conformance.c lists
 * it (with the IRQL it runs at and its flags). The driver writes Wine-format lines, every check
 * included ("Test succeeded: " too, so that the launcher can list each check), per group
 *   ntoskrnl:NAME start tests/kmode/NAME.c
 *   NAME.c:LINE: [context: ...] Test succeeded|Test failed|Test marked todo|
 *                Test succeeded inside todo block|Tests skipped: message
 *   PPPP:NAME: N tests executed (M marked as todo, K failures), S skipped.
 *   ntoskrnl:NAME:PPPP done (K)
 * and at the end the summary of all groups ("PPPP:conformance: ...") and "conformance: end".
 * Where the results go and why: kmode_test.c.
 *
 * Semantics as in Wine's tests: todo_wine (todo_wine_if(c)) applies under Wine only; on Windows
 * it is inert. broken(c) is c on Windows, false under Wine. win_skip is a skip on Windows, a
 * failure under Wine. kmtest_wine_builtin() is true when the launcher ran the driver with Wine's
 * builtin ntoskrnl.exe (place "builtin"): what the builtin lacks is todo_wine_if(kmtest_wine_builtin()).
 * The checks may run above PASSIVE_LEVEL (lines are buffered in nonpaged memory and written out
 * once the IRQL is back at PASSIVE_LEVEL). One thread at a time (kmtest_run_threads: the workers
 * count, the caller checks).
 */
#ifndef NTOSKRNL_KMODE_TEST_H
#define NTOSKRNL_KMODE_TEST_H

#include <ntddk.h>
#include <stdarg.h>

/* Group flags. */
/* A failure of this group's checks (or Windows itself, for the edge it probes) may stop the system
 * with a bug check: it runs where that cannot take a machine down (the driver host, a Wine
 * prefix), and on Windows only when the launcher asks for it (Parameters\BugCheckGroups = 1). */
#define KMTEST_BUGCHECK_ON_FAILURE 0x1u
/* A bug-check case: the group's expected end is a bug check (kmtest_expect_bugcheck before the
 * call that must stop the system). Never part of a run of groups: the run lists it ("conformance:
 * bug check case NAME") and the launcher starts the driver once more for each case, alone
 * (Parameters\Case = NAME), then appends the bug check the place recorded ("conformance: actual
 * bug check ..."), which tools/conformance_results.py compares with the expectation. On Windows
 * the launcher runs no case (a bug check stops the machine). */
#define KMTEST_BUGCHECK_CASE 0x2u
/* With KMTEST_BUGCHECK_CASE: the case runs with Driver Verifier on for this driver, special pool
 * option (0x1) included; the run lists it as "conformance: bug check case NAME FILE verifier",
 * and the launcher turns the verifier on for that run (VerifyDrivers = conformance.sys and
 * VerifyDriverLevel = 1 in a prefix, as verifier.exe writes them; the host's --verifier). A case
 * without a kmtest_expect_bugcheck must not end in one. */
#define KMTEST_VERIFIER_CASE 0x4u

struct kmtest_group
{
    const char *name;
    const char *file;    /* its source, tests/kmode/FILE */
    void (*run)(void);
    KIRQL irql;          /* the runner raises to it before the group and lowers after */
    unsigned flags;
};

int winetest_set_location(const char *file, int line);
int winetest_ok(int condition, const char *fmt, ...);
void winetest_skip(const char *fmt, ...);
void winetest_win_skip(const char *fmt, ...);
void winetest_trace(const char *fmt, ...);
int winetest_broken(int condition);
void winetest_push_context(const char *fmt, ...);
void winetest_pop_context(void);
extern int winetest_todo_level;

int winetest_platform_is_wine(void);
int kmtest_wine_builtin(void);
/* The place the launcher named (Parameters\Place): "dropin", "builtin", "host", "windows"... */
const char *kmtest_place(void);
/* A routine the kernel may lack (newer than Windows XP), resolved by name at run time so that the
 * driver still loads where it is missing (MmGetSystemRoutineAddress). */
void *kmtest_routine(const WCHAR *name);

/* Under Wine's builtin (place "builtin"): whether Wine 8.0's builtin only stubs the routine the
 * DDK sends `name` to (a call raises EXCEPTION_WINE_STUB and ends winedevice.exe, i.e. the run).
 * When it does, a todo check says so and the caller leaves the calls out. The list is read from
 * Debian's Wine 8.0 ntoskrnl.exe / hal.dll (their __wine_stub_* symbols), per architecture. */
#define kmtest_builtin_stub(name) (winetest_set_location(__FILE__, __LINE__), kmtest_builtin_stub_(name))
int kmtest_builtin_stub_(const char *name);

/* Whether a fault on a no-access page reaches the kernel as something other than an access
 * violation, so that page-fault detection (special pool's guard pages) cannot be observed:
 * 32-bit Wine under qemu-user reports an illegal instruction. The launcher says so
 * (Parameters\FaultsEmulated = 1); Windows and Wine on an x86 CPU never do. */
int kmtest_faults_emulated(void);

/* In a bug-check case: the bug check the next call must end in, written to the results before the
 * call. `checked` has bit i set when parameter i + 1 must be `p[i]`; the others are any value.
 * Inside todo_wine the expectation is marked todo (Wine's builtin makes no such checks). */
#define kmtest_expect_bugcheck (winetest_set_location(__FILE__, __LINE__), kmtest_expect_bugcheck_)
void kmtest_expect_bugcheck_(ULONG code, unsigned checked, ULONG64 p1, ULONG64 p2, ULONG64 p3, ULONG64 p4);
#define KMTEST_P1 0x1u
#define KMTEST_P2 0x2u
#define KMTEST_P3 0x4u
#define KMTEST_P4 0x8u

/* Runs fn(ctx, 0) .. fn(ctx, count - 1) on `count` system threads at once (at most
 * KMTEST_MAX_THREADS) and waits for them all; returns how many were started (a test checks that
 * it is `count`). The checks are not thread-safe: a thread body counts what it sees wrong and the
 * caller asserts the totals (kmode_threads.c). */
#define KMTEST_MAX_THREADS 16
unsigned kmtest_run_threads(unsigned count, void (*fn)(void *ctx, unsigned index), void *ctx);

/* The formatter (%[-+ #0][width][.prec][hh|h|l|ll|I|I32|I64|z]{d i u x X o p s S c %}). */
int kmtest_vsnprintf(char *buffer, unsigned size, const char *fmt, va_list args);
int kmtest_snprintf(char *buffer, unsigned size, const char *fmt, ...);

/* A pool tag from its four characters, first character in the low byte (as the DDK writes them). */
#define MEMTAG(a, b, c, d) ((ULONG)(UCHAR)(a) | (ULONG)(UCHAR)(b) << 8 | (ULONG)(UCHAR)(c) << 16 | (ULONG)(UCHAR)(d) << 24)

/* Memory helpers (the driver has no C runtime of its own). */
void kmtest_fill(void *p, SIZE_T n, UCHAR value);
int kmtest_check_fill(const void *p, SIZE_T n, UCHAR value);
/* A pattern that tells each byte's place from its neighbours' (byte i is seed + 7 * i), for
 * contents that must survive: kmtest_check_pattern says whether p still holds it. */
void kmtest_fill_pattern(void *p, SIZE_T n, UCHAR seed);
int kmtest_check_pattern(const void *p, SIZE_T n, UCHAR seed);

#define ok (winetest_set_location(__FILE__, __LINE__), winetest_ok)
#define skip (winetest_set_location(__FILE__, __LINE__), winetest_skip)
#define win_skip (winetest_set_location(__FILE__, __LINE__), winetest_win_skip)
#define trace (winetest_set_location(__FILE__, __LINE__), winetest_trace)
#define broken(cond) winetest_broken(!!(cond))
#define todo_wine_if(is_todo) \
    for (int winetest_todo_once = (winetest_todo_level += !!(is_todo), 1); winetest_todo_once; \
         winetest_todo_once = 0, winetest_todo_level -= !!(is_todo))
#define todo_wine todo_wine_if(1)

#define KMTEST_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif /* NTOSKRNL_KMODE_TEST_H */
