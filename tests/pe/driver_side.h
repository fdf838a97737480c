/* Interface between the user-mode half of a PE test and its driver half (driver_side.c). */
#ifndef NTOSKRNL_TESTS_DRIVER_SIDE_H
#define NTOSKRNL_TESTS_DRIVER_SIDE_H

#include <stdint.h>

int driver_query_system_size(void);
int driver_is_nt_as_system(void);
void driver_bug_check_ex(unsigned long code, uintptr_t p1, uintptr_t p2, uintptr_t p3, uintptr_t p4);
void driver_bug_check(unsigned long code);

#endif
