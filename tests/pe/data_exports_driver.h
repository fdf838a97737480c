/* Interface between data_exports.c (user mode) and its driver half, data_exports_driver.c, which
 * imports the module's data exports through the DDK's declarations as a driver does. */
#ifndef NTOSKRNL_TESTS_DATA_EXPORTS_DRIVER_H
#define NTOSKRNL_TESTS_DATA_EXPORTS_DRIVER_H

#include <stdint.h>

/* One data export as the driver sees it: the name, the address its import resolved to, and its
 * size in bytes on this architecture (the Windows type's). */
struct data_export_ref
{
    const char *name;
    const void *address;
    unsigned size;
};

/* Fills refs (at most max) and returns how many data exports there are. */
unsigned driver_data_exports(struct data_export_ref *refs, unsigned max);

/* KiBugCheckData (five ULONG_PTRs) through the driver's import. */
const volatile uintptr_t *driver_bug_check_data(void);

/* Calls HalDispatchTable->HalQuerySystemInformation (a stub in the module: does not return). */
void driver_call_hal_query(void);

#endif
