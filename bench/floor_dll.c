/*
 * bench_floor.dll: the floor of a pool pair. A separate PE module whose two exports are what an
 * allocator that does nothing costs a driver: FloorAllocate returns one static block and
 * FloorFree only reads it. pool_driver.c imports them as it imports the pool (declared
 * dllimport, stdcall on i386, so the calls go through the import table as ExAllocatePoolWithTag's
 * do), and times them in the same loop shape: the floor_static_pair row.
 */
#include <stddef.h>

#include "pool_bench.h"

static union {
    char bytes[64];
    void *align;
} floor_block;

FLOOR_EXPORT void *FLOOR_CALL FloorAllocate(int pool_type, size_t size, unsigned long tag)
{
    (void)pool_type;
    (void)size;
    (void)tag;
    return floor_block.bytes;
}

FLOOR_EXPORT void FLOOR_CALL FloorFree(void *block, unsigned long tag)
{
    (void)tag;
    (void)*(volatile char *)block;
}
