/* The runner's side of the framework (conformance.c): not for the test groups. */
#ifndef NTOSKRNL_KMODE_RUN_H
#define NTOSKRNL_KMODE_RUN_H

#include "kmode_test.h"

/* Reads the service's Parameters (ResultsFile, Place, Groups, Case, BugCheckGroups, FaultsEmulated) and opens the results file. */
NTSTATUS kmtest_begin(PUNICODE_STRING registry_path);
void kmtest_run_group(const struct kmtest_group *group);
/* The summary of all groups, "conformance: end", and the file closed. */
void kmtest_end(void);
void kmtest_printf(const char *fmt, ...);
int kmtest_kernel_is_wine_builtin(void);

#endif
