/*
 * The interlocked integer routines (moved from tests/pe/zone.c, which keeps only the program's
 * import bindings; windows-behavior.md 1.5), built as an NT 4-era i386 driver was:
 * NO_INTERLOCKED_INTRINSICS makes wdm.h declare the kernel's fastcall InterlockedIncrement & co.
 * as imports (@InterlockedIncrement@4, ...), which is what the NT 4 and Windows 2000 DDKs always
 * did. On x64 the headers keep those as intrinsics whatever the macro says, and the checks just
 * check the compiler's code. Checked: the value before (Add*, Exchange, CompareExchange,
 * ExchangeAdd) or after (Increment, Decrement), carries, the full 64-bit compare; exact totals
 * from several threads.
 *
 * What the headers make of the rest, i386 / x64:
 * - ExInterlockedAddUlong -> fastcall ExfInterlockedAddUlong / ExInterlockedAddUlong;
 * - ExInterlockedAddLargeInteger -> stdcall _ExInterlockedAddLargeInteger@16 / the export;
 * - ExInterlockedCompareExchange64 -> fastcall ExfInterlockedCompareExchange64 / an intrinsic;
 * - ExInterlockedAddLargeStatistic -> the intrinsic _InterlockedAddLargeStatistic, which
 *   MinGW-w64 declares but does not define on i386 (a driver using the macro does not link), and
 *   InterlockedAdd64 on x64. The i386 export is what older headers imported; it is called here
 *   through its import symbol, like the stdcall ExInterlockedAddUlong and the fastcall
 *   ExInterlockedCompareExchange64 that the i386 macros bypass.
 * Wine's builtin only stubs the Ex* ones (kmtest_builtin_stub); its Interlocked* work.
 */
#define NO_INTERLOCKED_INTRINSICS
#include "kmode_test.h"

static LONGLONG add_large_integer(LONGLONG *addend, LONGLONG increment, PKSPIN_LOCK lock)
{
    LARGE_INTEGER by_value;
    by_value.QuadPart = increment;
    return ExInterlockedAddLargeInteger((PLARGE_INTEGER)addend, by_value, lock).QuadPart;
}

static LONGLONG compare_exchange64_header(LONGLONG *destination, LONGLONG *exchange, LONGLONG *comparand,
                                          PKSPIN_LOCK lock)
{
    (void)lock;   /* both architectures' macros drop it */
    return ExInterlockedCompareExchange64((LONGLONG volatile *)destination, exchange, comparand, lock);
}

#ifdef _X86_
extern ULONG (NTAPI *imp_ExInterlockedAddUlong)(PULONG, ULONG, PKSPIN_LOCK) __asm__("__imp__ExInterlockedAddUlong@12");
extern VOID (FASTCALL *imp_ExInterlockedAddLargeStatistic)(PLARGE_INTEGER, ULONG)
    __asm__("__imp_@ExInterlockedAddLargeStatistic@8");
extern LONGLONG (FASTCALL *imp_ExInterlockedCompareExchange64)(LONGLONG volatile *, PLONGLONG, PLONGLONG, PKSPIN_LOCK)
    __asm__("__imp_@ExInterlockedCompareExchange64@16");
#define add_ulong_export(a, i, l) imp_ExInterlockedAddUlong(a, i, l)
#define add_large_statistic(a, i) imp_ExInterlockedAddLargeStatistic((PLARGE_INTEGER)(a), i)
#define compare_exchange64_export(d, e, c, l) imp_ExInterlockedCompareExchange64(d, e, c, l)
#define HEADER_ADD_ULONG "ExfInterlockedAddUlong"
#else
#define add_ulong_export(a, i, l) ExInterlockedAddUlong(a, i, l)
#define add_large_statistic(a, i) ExInterlockedAddLargeStatistic((PLARGE_INTEGER)(a), i)
#define compare_exchange64_export compare_exchange64_header
#define HEADER_ADD_ULONG "ExInterlockedAddUlong"
#endif

static ULONG add_ulong(int exports, PULONG addend, ULONG increment, PKSPIN_LOCK lock)
{
    return exports ? add_ulong_export(addend, increment, lock) : ExInterlockedAddUlong(addend, increment, lock);
}

static LONGLONG compare_exchange64(int exports, LONGLONG *destination, LONGLONG *exchange, LONGLONG *comparand)
{
    return exports ? compare_exchange64_export(destination, exchange, comparand, NULL)
                   : compare_exchange64_header(destination, exchange, comparand, NULL);
}

/* Whether Wine's builtin only stubs what this form calls (then its checks are left out). */
static int stubbed(int exports)
{
    if (kmtest_builtin_stub(exports ? "ExInterlockedAddUlong" : HEADER_ADD_ULONG)) return 1;
    if (kmtest_builtin_stub("ExInterlockedAddLargeInteger")) return 1;
#ifdef _X86_
    if (kmtest_builtin_stub("ExInterlockedAddLargeStatistic")) return 1;
    if (kmtest_builtin_stub(exports ? "ExInterlockedCompareExchange64" : "ExfInterlockedCompareExchange64")) return 1;
#endif
    return 0;
}

static void test_ex_interlocked(int exports)
{
    KSPIN_LOCK lock = 0;
    ULONG small = 239;
    LONGLONG large = 23, exchange = 20, comparand = 4;

    winetest_push_context(exports ? "exports the i386 macros bypass" : "header names");
    if (stubbed(exports)) goto done;
    ok(add_ulong(exports, &small, 44, &lock) == 239 && small == 283, "ExInterlockedAddUlong: %u\n", small);
    small = 0xFFFFFFF0u;
    ok(add_ulong(exports, &small, 0x20, &lock) == 0xFFFFFFF0u && small == 0x10, "ExInterlockedAddUlong wrap: %#x\n", small);
    ok(add_large_integer(&large, 7, &lock) == 23 && large == 30, "AddLargeInteger: %I64d\n", large);
    large = 0xFFFFFFFFLL;
    ok(add_large_integer(&large, 1, &lock) == 0xFFFFFFFFLL && large == 0x100000000LL,
       "AddLargeInteger carry: %#I64x\n", large);
    ok(add_large_integer(&large, -0x100000001LL, &lock) == 0x100000000LL && large == -1,
       "AddLargeInteger negative: %I64d\n", large);
    ok(lock == 0, "lock word %#Ix after the locked adds\n", lock);

    large = 15;
    add_large_statistic(&large, 17);
    ok(large == 32, "AddLargeStatistic: %I64d\n", large);
    large = 0xFFFFFFFFLL;
    add_large_statistic(&large, 0xFFFFFFFFu);   /* unsigned, carried into HighPart */
    ok(large == 0x1FFFFFFFELL, "AddLargeStatistic carry: %#I64x\n", large);

    large = 17;
    ok(compare_exchange64(exports, &large, &exchange, &comparand) == 17 && large == 17, "CompareExchange64 unequal\n");
    exchange = 21;
    comparand = 17;
    ok(compare_exchange64(exports, &large, &exchange, &comparand) == 17 && large == 21, "CompareExchange64 equal\n");
    large = 0x100000005LL;
    comparand = 5;
    ok(compare_exchange64(exports, &large, &exchange, &comparand) == 0x100000005LL && large == 0x100000005LL,
       "CompareExchange64 compared only the low half\n");
    ok(exchange == 21 && comparand == 5, "CompareExchange64 changed its operands\n");
done:
    winetest_pop_context();
}

/* The Interlocked* have one form. */
static void test_interlocked_long(void)
{
    LONG value = 2341;
    ok(InterlockedIncrement(&value) == 2342 && value == 2342, "InterlockedIncrement: %d\n", value);
    value = 0x7FFFFFFF;
    ok(InterlockedIncrement(&value) == (LONG)0x80000000, "InterlockedIncrement wrap: %d\n", value);
    ok(InterlockedDecrement(&value) == 0x7FFFFFFF, "InterlockedDecrement wrap: %d\n", value);
    value = 0;
    ok(InterlockedDecrement(&value) == -1, "InterlockedDecrement: %d\n", value);
    value = 5;
    ok(InterlockedExchange(&value, 8) == 5 && value == 8, "InterlockedExchange: %d\n", value);
    ok(InterlockedCompareExchange(&value, 9, 6) == 8 && value == 8, "InterlockedCompareExchange unequal\n");
    ok(InterlockedCompareExchange(&value, 9, 8) == 8 && value == 9, "InterlockedCompareExchange equal\n");
    value = 312;
    ok(InterlockedExchangeAdd(&value, 7) == 312 && value == 319, "InterlockedExchangeAdd: %d\n", value);
    ok(InterlockedExchangeAdd(&value, -320) == 319 && value == -1, "InterlockedExchangeAdd negative\n");
}

/* Every routine from several threads on shared counters: the totals must come out exact. */
#define COUNTER_THREADS 4
#define COUNTER_ROUNDS 5000
static KSPIN_LOCK counter_lock;
static ULONG counter_small;
static LONGLONG counter_large, counter_statistic, counter_swapped;
static LONG counter_incremented, counter_added;

static void counter_thread(void *ctx, unsigned index)
{
    int r;
    (void)ctx, (void)index;
    for (r = 0; r < COUNTER_ROUNDS; r++)
    {
        LONGLONG seen = counter_swapped, next, original;
        ExInterlockedAddUlong(&counter_small, 1, &counter_lock);
        add_large_integer(&counter_large, 0x100000000LL, &counter_lock);
        add_large_statistic(&counter_statistic, 0x80000000u);
        InterlockedIncrement(&counter_incremented);
        InterlockedExchangeAdd(&counter_added, 3);
        for (;; seen = original)   /* an increment through compare-exchange */
        {
            next = seen + 1;
            original = compare_exchange64_header(&counter_swapped, &next, &seen, NULL);
            if (original == seen) break;
        }
    }
}

static void test_interlocked_stress(void)
{
    const LONGLONG total = (LONGLONG)COUNTER_THREADS * COUNTER_ROUNDS;
    if (stubbed(0)) return;
    ok(kmtest_run_threads(COUNTER_THREADS, counter_thread, NULL) == COUNTER_THREADS, "not every thread started\n");
    ok(counter_small == total, "ExInterlockedAddUlong total %u\n", counter_small);
    ok(counter_large == total << 32, "ExInterlockedAddLargeInteger total %#I64x\n", counter_large);
    ok(counter_statistic == total * 0x80000000LL, "AddLargeStatistic total %#I64x\n", counter_statistic);
    ok(counter_incremented == total && counter_added == 3 * total, "Interlocked totals %d, %d\n", counter_incremented,
       counter_added);
    ok(counter_swapped == total, "CompareExchange64 total %I64d\n", counter_swapped);
    ok(counter_lock == 0, "lock word %#Ix afterwards\n", counter_lock);
}

void kmtest_group_interlocked(void)
{
    test_ex_interlocked(0);
    test_ex_interlocked(1);
    test_interlocked_long();
    test_interlocked_stress();
}
