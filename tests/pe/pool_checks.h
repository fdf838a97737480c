/* What the pool tests write into blocks and read back: a pattern that depends on the position and
 * a seed (a block handed out twice, or overlapping another, shows), and the POOL_HEADER words
 * (windows-behavior.md 4.6: the tag at header + 4, i.e. ((ULONG*)p)[-1] on i386, [-3] on x64). */
#ifndef POOL_CHECKS_H
#define POOL_CHECKS_H

#include <windows.h>

#include "pool_driver.h"

static inline void fill(void *p, SIZE_T n, BYTE seed)
{
    SIZE_T i;
    for (i = 0; i < n; i++) ((BYTE *)p)[i] = (BYTE)(seed + i * 7);
}

static inline BOOL check_fill(const void *p, SIZE_T n, BYTE seed)
{
    SIZE_T i;
    for (i = 0; i < n; i++)
        if (((const BYTE *)p)[i] != (BYTE)(seed + i * 7)) return FALSE;
    return TRUE;
}

static inline BOOL all_zero(const void *p, SIZE_T n)
{
    SIZE_T i;
    for (i = 0; i < n; i++)
        if (((const BYTE *)p)[i]) return FALSE;
    return TRUE;
}

static inline BOOL is_small(SIZE_T n) { return n <= PD_SMALL_MAX; }
static inline ULONG header_word(const void *p) { return *(const ULONG *)((const BYTE *)p - PD_HEADER_SIZE); }
static inline ULONG header_tag(const void *p) { return *(const ULONG *)((const BYTE *)p - PD_HEADER_SIZE + 4); }

#endif
