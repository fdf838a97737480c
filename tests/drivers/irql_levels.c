/* The project's IRQL whatever else is loaded (issue 10 point 8): run with --wine-fallback, Wine's
 * builtin (wine_ntoskrnl.dll) is engaged (PsGetCurrentProcessId is Wine's routine) and installs
 * its own vectored handler for privileged instructions; on x86_64 the DDK's KeRaiseIrql,
 * KeLowerIrql and KeGetCurrentIrql are inline CR8 accesses that the module's handler emulates, so
 * the IRQL read back must be the IRQL set (Wine's emulation would read 0). Every level from
 * PASSIVE_LEVEL to HIGH_LEVEL, up and down, and the exported KeRaiseIrqlToDpcLevel; each wrong
 * read stops the system with the step and the IRQL read. On i386 the IRQL is hal.dll's. */
#include "sample_driver.h"

#define IRQL_WRONG 0xE0D1E008u /* a bug check code no Windows component uses */

static void expect(ULONG step, KIRQL want)
{
    KIRQL now = KeGetCurrentIrql();
    if (now != want) KeBugCheckEx(IRQL_WRONG, step, now, want, 0);
}

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT driver, PUNICODE_STRING registry_path)
{
    KIRQL level, old, previous[HIGH_LEVEL + 1];
    UNREFERENCED_PARAMETER(driver);
    UNREFERENCED_PARAMETER(registry_path);
    if (!PsGetCurrentProcessId()) KeBugCheckEx(IRQL_WRONG, 0x100, 0, 0, 0);
    expect(0, PASSIVE_LEVEL);
    for (level = APC_LEVEL; level <= HIGH_LEVEL; level++) {
        KeRaiseIrql(level, &previous[level]);
        expect(level, level);
        if (previous[level] != level - 1) KeBugCheckEx(IRQL_WRONG, 0x200 + level, previous[level], 0, 0);
    }
    for (level = HIGH_LEVEL; level >= APC_LEVEL; level--) {
        KeLowerIrql(previous[level]);
        expect(0x300 + level, (KIRQL)(level - 1));
    }
    old = KeRaiseIrqlToDpcLevel();
    expect(0x400, DISPATCH_LEVEL);
    if (old != PASSIVE_LEVEL) KeBugCheckEx(IRQL_WRONG, 0x401, old, 0, 0);
    KeLowerIrql(old);
    expect(0x402, PASSIVE_LEVEL);
    return STATUS_SUCCESS;
}
