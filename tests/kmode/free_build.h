/* The free_build group's i386 part (free_build_nt3.c): the NT 3.x interlocked routines. */
#ifndef NTOSKRNL_KMODE_FREE_BUILD_H
#define NTOSKRNL_KMODE_FREE_BUILD_H

void kmtest_free_build_nt3(int builtin);

#endif
