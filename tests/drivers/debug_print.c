/* DbgPrint output (issue 10 point 7), filtered as Windows filters it (Microsoft, "Reading and
 * Filtering Debugging Messages"): with no Debug Print Filter values only error-level messages (the
 * WIN2000 mask, 1) pass; DbgPrint is DEFAULT/INFO and filtered since Vista; a level above 31 is a
 * mask; DbgSetDebugFilterState enables a component's level. The host's report lists what passed,
 * in order. A message is cut at 512 bytes. */
#include "sample_driver.h"
#include <dpfilter.h>

#define DEBUG_PRINT_WRONG 0xE0D1E006u /* a bug check code no Windows component uses */

static void with_prefix(ULONG level, PCCH format, ...)
{
    va_list args;
    va_start(args, format);
    vDbgPrintExWithPrefix("[debug_print] ", DPFLTR_IHVDRIVER_ID, level, format, args);
    va_end(args);
}

static VOID NTAPI unload(PDRIVER_OBJECT driver)
{
    UNREFERENCED_PARAMETER(driver);
    DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_ERROR_LEVEL, "unload: goodbye\n");
}

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT driver, PUNICODE_STRING registry_path)
{
    static char long_text[700];
    int i;

    DbgPrint("DbgPrint is DEFAULT/INFO: filtered out by default\n");
    /* KdPrint((...)) is DbgPrint((...)) in a checked build (DBG=1) and nothing in a free one. */
    DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_ERROR_LEVEL, "error level passes: %d %s 0x%08X\n", -5, "text", 0xBEEFu);
    DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_WARNING_LEVEL, "warning level is filtered out\n");
    DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_MASK | 0x1, "a mask level with bit 0 passes\n");
    DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_MASK | 0x4, "a mask level without bit 0 is filtered out\n");
    DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_ERROR_LEVEL, "registry path %wZ\n", registry_path);
    if (DbgQueryDebugFilterState(DPFLTR_IHVDRIVER_ID, DPFLTR_TRACE_LEVEL) != FALSE) KeBugCheckEx(DEBUG_PRINT_WRONG, 1, 0, 0, 0);
    if (DbgSetDebugFilterState(DPFLTR_IHVDRIVER_ID, DPFLTR_TRACE_LEVEL, TRUE) != STATUS_SUCCESS)
        KeBugCheckEx(DEBUG_PRINT_WRONG, 2, 0, 0, 0);
    if (DbgQueryDebugFilterState(DPFLTR_IHVDRIVER_ID, DPFLTR_TRACE_LEVEL) != TRUE) KeBugCheckEx(DEBUG_PRINT_WRONG, 3, 0, 0, 0);
    with_prefix(DPFLTR_TRACE_LEVEL, "trace enabled by DbgSetDebugFilterState: %ws %I64u\n", L"wide", 12345678901ull);
    if (DbgSetDebugFilterState(DPFLTR_DEFAULT_ID, DPFLTR_INFO_LEVEL, TRUE) != STATUS_SUCCESS) KeBugCheckEx(DEBUG_PRINT_WRONG, 4, 0, 0, 0);
    DbgPrint("DbgPrint passes once DEFAULT has INFO\n");
    if (DbgPrintReturnControlC("DbgPrintReturnControlC: no Ctrl+C\n") != FALSE) KeBugCheckEx(DEBUG_PRINT_WRONG, 5, 0, 0, 0);
    for (i = 0; i < 699; i++) long_text[i] = (char)('a' + i % 26);
    DbgPrint("%s", long_text);
    driver->DriverUnload = unload;
    return STATUS_SUCCESS;
}
