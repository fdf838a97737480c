/* A driver that faults in DriverEntry, two calls deep: the report names the faulting instruction
 * and its callers as crash.sys+offset, as a debugger's bug check analysis does. */
#include "sample_driver.h"

static volatile ULONG *target = (ULONG *)0x10; /* unmapped: the first page is never mapped */

static __attribute__((noinline)) void crash_write(ULONG value) { *target = value; }

static __attribute__((noinline)) void crash_caller(ULONG value) { crash_write(value + 1); __asm__ __volatile__("" ::: "memory"); }

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT driver, PUNICODE_STRING registry_path)
{
    UNREFERENCED_PARAMETER(driver);
    UNREFERENCED_PARAMETER(registry_path);
    crash_caller(41);
    return STATUS_SUCCESS;
}
