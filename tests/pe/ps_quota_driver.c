/* Driver half of ps_quota, compiled against the MinGW-w64 DDK like a driver. ntifs.h declares
 * PsChargePoolQuota, PsReturnPoolQuota and PsChargeProcessPoolQuota; the per-kind routines are
 * ntoskrnl exports the DDK does not declare, so their prototypes are given here. wdm.h makes
 * PsGetCurrentProcess a macro for IoGetCurrentProcess; older drivers import it by name. */
#include <ddk/ntifs.h>

#include "ps_quota_driver.h"

#undef PsGetCurrentProcess
NTKERNELAPI PEPROCESS NTAPI PsGetCurrentProcess(VOID);
NTKERNELAPI NTSTATUS NTAPI PsChargeProcessNonPagedPoolQuota(PEPROCESS Process, SIZE_T Amount);
NTKERNELAPI NTSTATUS NTAPI PsChargeProcessPagedPoolQuota(PEPROCESS Process, SIZE_T Amount);
NTKERNELAPI VOID NTAPI PsReturnProcessNonPagedPoolQuota(PEPROCESS Process, SIZE_T Amount);
NTKERNELAPI VOID NTAPI PsReturnProcessPagedPoolQuota(PEPROCESS Process, SIZE_T Amount);

void *pq_IoGetCurrentProcess(void) { return IoGetCurrentProcess(); }
void *pq_PsGetCurrentProcess(void) { return PsGetCurrentProcess(); }

void pq_PsChargePoolQuota(void *process, int pool_type, unsigned long long amount)
{
    PsChargePoolQuota(process, (POOL_TYPE)pool_type, (ULONG_PTR)amount);
}

void pq_PsReturnPoolQuota(void *process, int pool_type, unsigned long long amount)
{
    PsReturnPoolQuota(process, (POOL_TYPE)pool_type, (ULONG_PTR)amount);
}

long pq_PsChargeProcessPoolQuota(void *process, int pool_type, unsigned long long amount)
{
    return PsChargeProcessPoolQuota(process, (POOL_TYPE)pool_type, (ULONG_PTR)amount);
}

long pq_PsChargeProcessNonPagedPoolQuota(void *process, unsigned long long amount)
{
    return PsChargeProcessNonPagedPoolQuota(process, (SIZE_T)amount);
}

long pq_PsChargeProcessPagedPoolQuota(void *process, unsigned long long amount)
{
    return PsChargeProcessPagedPoolQuota(process, (SIZE_T)amount);
}

void pq_PsReturnProcessNonPagedPoolQuota(void *process, unsigned long long amount)
{
    PsReturnProcessNonPagedPoolQuota(process, (SIZE_T)amount);
}

void pq_PsReturnProcessPagedPoolQuota(void *process, unsigned long long amount)
{
    PsReturnProcessPagedPoolQuota(process, (SIZE_T)amount);
}
