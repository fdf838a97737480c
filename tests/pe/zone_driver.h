/*
 * Interface between zone.c and its driver half (zone_driver.c, built against <ddk/ntddk.h>):
 * the zone, list and interlocked routines a driver built with those headers imports, with the
 * address its code calls each through. Their behaviour is tests/kmode/zone.c and interlocked.c.
 */
#ifndef NTOSKRNL_TESTS_ZONE_DRIVER_H
#define NTOSKRNL_TESTS_ZONE_DRIVER_H

struct zd_import
{
    const char *name;      /* the name in the program's import table */
    const void *address;   /* what the driver half's code calls (read from its import address table) */
};

/* Fills out (room for max entries) and returns how many there are. */
unsigned zd_imports(struct zd_import *out, unsigned max);

#endif
