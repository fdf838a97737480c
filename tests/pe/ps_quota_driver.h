/* Driver half of ps_quota: the Ps quota routines as a driver built with the DDK calls them. */
#ifndef PS_QUOTA_DRIVER_H
#define PS_QUOTA_DRIVER_H

#define PQ_STATUS_QUOTA_EXCEEDED 0xC0000044u
#define PQ_STATUS_ACCESS_VIOLATION 0xC0000005u

void *pq_IoGetCurrentProcess(void);
void *pq_PsGetCurrentProcess(void);
void pq_PsChargePoolQuota(void *process, int pool_type, unsigned long long amount);
void pq_PsReturnPoolQuota(void *process, int pool_type, unsigned long long amount);
long pq_PsChargeProcessPoolQuota(void *process, int pool_type, unsigned long long amount);
long pq_PsChargeProcessNonPagedPoolQuota(void *process, unsigned long long amount);
long pq_PsChargeProcessPagedPoolQuota(void *process, unsigned long long amount);
void pq_PsReturnProcessNonPagedPoolQuota(void *process, unsigned long long amount);
void pq_PsReturnProcessPagedPoolQuota(void *process, unsigned long long amount);

#endif
