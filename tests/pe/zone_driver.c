/*
 * Driver half of zone.c: compiled against the MinGW-w64 DDK headers, so the names below are the
 * ones a driver's calls become (wdm.h: ExInterlockedPopEntryList -> ExfInterlockedPopEntryList,
 * ExInterlockedAddUlong -> ExfInterlockedAddUlong, ... on i386; x64 imports the Ex* names), plus
 * on i386 the exports those macros bypass, through their import symbols as binaries built against
 * older headers import them. NO_INTERLOCKED_INTRINSICS makes the i386 InterlockedIncrement & co.
 * imports, as the NT 4 and Windows 2000 DDKs always had them.
 * Referring to a routine is what makes the linker keep its import: the list is the program's
 * imports that zone.c checks.
 */
#define NO_INTERLOCKED_INTRINSICS
#include <ntddk.h>

#include "zone_driver.h"

#define IMPORT(name) {#name, (const void *)&name}

#ifdef _X86_
extern const void *imp_ExInterlockedPopEntryList __asm__("__imp__ExInterlockedPopEntryList@8");
extern const void *imp_ExInterlockedPushEntryList __asm__("__imp__ExInterlockedPushEntryList@12");
extern const void *imp_ExInterlockedInsertHeadList __asm__("__imp__ExInterlockedInsertHeadList@12");
extern const void *imp_ExInterlockedInsertTailList __asm__("__imp__ExInterlockedInsertTailList@12");
extern const void *imp_ExInterlockedRemoveHeadList __asm__("__imp__ExInterlockedRemoveHeadList@8");
extern const void *imp_ExInterlockedAddUlong __asm__("__imp__ExInterlockedAddUlong@12");
extern const void *imp_ExInterlockedAddLargeStatistic __asm__("__imp_@ExInterlockedAddLargeStatistic@8");
extern const void *imp_ExInterlockedCompareExchange64 __asm__("__imp_@ExInterlockedCompareExchange64@16");
#define BY_IMPORT_SYMBOL(name) {#name, imp_##name}
#endif

unsigned zd_imports(struct zd_import *out, unsigned max)
{
    const struct zd_import imports[] = {
        IMPORT(ExInitializeZone), IMPORT(ExExtendZone), IMPORT(ExInterlockedExtendZone),
        IMPORT(ExInterlockedAddLargeInteger),
#ifdef _X86_
        IMPORT(ExfInterlockedPopEntryList), IMPORT(ExfInterlockedPushEntryList),
        IMPORT(ExfInterlockedInsertHeadList), IMPORT(ExfInterlockedInsertTailList),
        IMPORT(ExfInterlockedRemoveHeadList), IMPORT(ExfInterlockedAddUlong),
        IMPORT(ExfInterlockedCompareExchange64),
        BY_IMPORT_SYMBOL(ExInterlockedPopEntryList), BY_IMPORT_SYMBOL(ExInterlockedPushEntryList),
        BY_IMPORT_SYMBOL(ExInterlockedInsertHeadList), BY_IMPORT_SYMBOL(ExInterlockedInsertTailList),
        BY_IMPORT_SYMBOL(ExInterlockedRemoveHeadList), BY_IMPORT_SYMBOL(ExInterlockedAddUlong),
        BY_IMPORT_SYMBOL(ExInterlockedAddLargeStatistic), BY_IMPORT_SYMBOL(ExInterlockedCompareExchange64),
        IMPORT(InterlockedIncrement), IMPORT(InterlockedDecrement), IMPORT(InterlockedExchange),
        IMPORT(InterlockedCompareExchange), IMPORT(InterlockedExchangeAdd),
#else
        IMPORT(ExInterlockedPopEntryList), IMPORT(ExInterlockedPushEntryList), IMPORT(ExInterlockedInsertHeadList),
        IMPORT(ExInterlockedInsertTailList), IMPORT(ExInterlockedRemoveHeadList), IMPORT(ExInterlockedAddUlong),
#endif
    };
    unsigned i, n = sizeof(imports) / sizeof(imports[0]);
    for (i = 0; i < n && i < max; i++) out[i] = imports[i];
    return n;
}
