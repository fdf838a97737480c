// Ex pool exports: the legacy POOL_TYPE allocators (each its own entry point: old headers macro
// one into another, so none may be built on another's export), the POOL_FLAGS allocators, the
// frees and ExQueryPoolBlockSize. Prototypes: wdm.h / ntifs.h; behaviour: windows-behavior.md 3.1-3.4.
#include "ex/pool_args.h"
#include "exports/abi.h"

using nt::BOOLEAN;
using nt::PVOID;
using nt::SIZE_T;
using nt::ULONG;

NT_EXPORT PVOID NT_API ExAllocatePool(ULONG pool_type, SIZE_T bytes) {
    return ex::pool::allocate_legacy(pool_type, bytes, ex::pool::tag_none, false);
}

NT_EXPORT PVOID NT_API ExAllocatePoolWithTag(ULONG pool_type, SIZE_T bytes, ULONG tag) {
    return ex::pool::allocate_legacy(pool_type, bytes, tag, false);
}

NT_EXPORT PVOID NT_API ExAllocatePoolWithQuota(ULONG pool_type, SIZE_T bytes) {
    return ex::pool::allocate_legacy(pool_type, bytes, ex::pool::tag_none, true);
}

NT_EXPORT PVOID NT_API ExAllocatePoolWithQuotaTag(ULONG pool_type, SIZE_T bytes, ULONG tag) {
    return ex::pool::allocate_legacy(pool_type, bytes, tag, true);
}

// Priority only says how hard to try when memory is short. The special-pool priorities ask for
// special pool when Driver Verifier has it on [MSDN:ExAllocatePoolWithTagPriority]: with
// NTOSKRNL_VERIFIER every eligible request gets it anyway, in Verify End placement (the Underrun
// priorities' start-of-page placement is not emulated); without it they are plain priorities.
NT_EXPORT PVOID NT_API ExAllocatePoolWithTagPriority(ULONG pool_type, SIZE_T bytes, ULONG tag, ULONG /*priority*/) {
    return ex::pool::allocate_legacy(pool_type, bytes, tag, false);
}

NT_EXPORT PVOID NT_API ExAllocatePool2(nt::POOL_FLAGS flags, SIZE_T bytes, ULONG tag) {
    return ex::pool::allocate_flags(flags, bytes, tag, nullptr, 0);
}

NT_EXPORT PVOID NT_API ExAllocatePool3(nt::POOL_FLAGS flags, SIZE_T bytes, ULONG tag,
                                       const nt::POOL_EXTENDED_PARAMETER* params, ULONG count) {
    return ex::pool::allocate_flags(flags, bytes, tag, params, count);
}

NT_EXPORT void NT_API ExFreePool(PVOID block) { ex::pool::free(block, 0); }

NT_EXPORT void NT_API ExFreePoolWithTag(PVOID block, ULONG tag) { ex::pool::free(block, tag); }

// Extended parameters only matter for secure pools (ExCreatePool), which are not emulated:
// ordinary blocks are freed with none.
NT_EXPORT void NT_API ExFreePool2(PVOID block, ULONG tag, const nt::POOL_EXTENDED_PARAMETER*, ULONG) {
    ex::pool::free(block, tag);
}

NT_EXPORT SIZE_T NT_API ExQueryPoolBlockSize(PVOID block, BOOLEAN* quota_charged) {
    ex::pool::BlockInfo info = ex::pool::query(block);
    if (quota_charged) *quota_charged = info.quota_charged;
    return info.usable_bytes;
}
