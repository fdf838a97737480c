// Ps exports: the current process and its pool quota. Prototypes: wdm.h (IoGetCurrentProcess),
// ntifs.h (PsChargePoolQuota, PsReturnPoolQuota, PsChargeProcessPoolQuota), ntoskrnl's exports
// (PsChargeProcess{NonPaged,Paged}PoolQuota, PsReturnProcess{NonPaged,Paged}PoolQuota).
// Behaviour from Microsoft's pages: PsChargePoolQuota raises STATUS_QUOTA_EXCEEDED when the
// process lacks quota and charges nothing; the PsChargeProcess* routines return that status.
#include "exports/abi.h"
#include "platform/platform.h"
#include "ps/quota.h"

using nt::NTSTATUS;
using nt::PVOID;
using nt::SIZE_T;
using nt::ULONG;
using nt::ULONG_PTR;

namespace {

// Under emulation there is one process, so every process pointer a driver holds names it (in the
// drop-in it may be Wine's object for a client process whose request the driver serves: its quota
// is still this process's). NULL is the exception: Windows would fault reading it, and a
// driver's __try around the call would see an access violation; so does it here.
ps::EmulatedProcess* process_of(PVOID process) {
    if (!process) platform::raise_status(nt::status::access_violation);
    return ps::current_process();
}

NTSTATUS charge(PVOID process, ps::QuotaKind kind, SIZE_T amount) {
    return ps::charge(process_of(process), kind, amount) ? nt::status::success : nt::status::quota_exceeded;
}

}  // namespace

// The process object (ps/quota.h): in the drop-in, Wine's, which Wine's Ob*/Ps*/Ke* routines take.
NT_EXPORT PVOID NT_API IoGetCurrentProcess() { return ps::process_object(); }

NT_EXPORT PVOID NT_API PsGetCurrentProcess() { return ps::process_object(); }

NT_EXPORT void NT_API PsChargePoolQuota(PVOID process, ULONG pool_type, ULONG_PTR amount) {
    if (charge(process, ps::kind_of_pool_type(pool_type), amount) != nt::status::success)
        platform::raise_status(nt::status::quota_exceeded);
}

NT_EXPORT void NT_API PsReturnPoolQuota(PVOID process, ULONG pool_type, ULONG_PTR amount) {
    ps::give_back(process_of(process), ps::kind_of_pool_type(pool_type), amount, process);
}

NT_EXPORT NTSTATUS NT_API PsChargeProcessPoolQuota(PVOID process, ULONG pool_type, ULONG_PTR amount) {
    return charge(process, ps::kind_of_pool_type(pool_type), amount);
}

NT_EXPORT NTSTATUS NT_API PsChargeProcessNonPagedPoolQuota(PVOID process, ULONG_PTR amount) {
    return charge(process, ps::QuotaKind::nonpaged, amount);
}

NT_EXPORT NTSTATUS NT_API PsChargeProcessPagedPoolQuota(PVOID process, ULONG_PTR amount) {
    return charge(process, ps::QuotaKind::paged, amount);
}

NT_EXPORT void NT_API PsReturnProcessNonPagedPoolQuota(PVOID process, ULONG_PTR amount) {
    ps::give_back(process_of(process), ps::QuotaKind::nonpaged, amount, process);
}

NT_EXPORT void NT_API PsReturnProcessPagedPoolQuota(PVOID process, ULONG_PTR amount) {
    ps::give_back(process_of(process), ps::QuotaKind::paged, amount, process);
}
