/* A driver that takes a spin lock at HIGH_LEVEL (KeRaiseIrql, then KeAcquireSpinLock) and raises
 * below the current IRQL: a free build of Windows checks neither (ReactOS's kmtests KeSpinLock.c
 * and KeIrql.c, validated on Windows: the acquire leaves the caller at DISPATCH_LEVEL, the release
 * goes back to HIGH_LEVEL, KeRaiseIrql(APC_LEVEL) at HIGH_LEVEL sets APC_LEVEL), so DriverEntry
 * succeeds. Under Driver Verifier (the host's --verifier) the acquire stops the system with
 * DRIVER_VERIFIER_DETECTED_VIOLATION (0xC4), P1 = 0x42 "KeAcquireSpinLock with IRQL >
 * DISPATCH_LEVEL", P2 the IRQL, P3 the lock. On i386 the raise and the lock are hal.dll's, on
 * x86_64 the DDK's KeRaiseIrql is the inline CR8 write the module emulates. */
#include "sample_driver.h"

static KSPIN_LOCK lock;

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT driver, PUNICODE_STRING registry_path)
{
    KIRQL old, at_high, below;
    UNREFERENCED_PARAMETER(driver);
    UNREFERENCED_PARAMETER(registry_path);
    KeInitializeSpinLock(&lock);
    KeRaiseIrql(HIGH_LEVEL, &old);
    KeAcquireSpinLock(&lock, &at_high);
    if (KeGetCurrentIrql() != DISPATCH_LEVEL || at_high != HIGH_LEVEL) return STATUS_UNSUCCESSFUL;
    KeReleaseSpinLock(&lock, at_high);
    if (KeGetCurrentIrql() != HIGH_LEVEL) return STATUS_UNSUCCESSFUL;
    KeRaiseIrql(APC_LEVEL, &below);
    if (KeGetCurrentIrql() != APC_LEVEL || below != HIGH_LEVEL) return STATUS_UNSUCCESSFUL;
    KeLowerIrql(old);
    return KeGetCurrentIrql() == PASSIVE_LEVEL ? STATUS_SUCCESS : STATUS_UNSUCCESSFUL;
}
