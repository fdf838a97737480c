// How the pool routines' arguments become a pool request: the legacy POOL_TYPE routines and the
// POOL_FLAGS routines (ExAllocatePool2/3). Kept apart from the export shell so the rules are
// unit-tested on the host. Reference: windows-behavior.md 3.1, 3.2.
#pragma once

#include "ex/pool.h"

namespace ex::pool {

// ExAllocatePool{,WithTag,WithQuota,WithQuotaTag,WithTagPriority}.
inline Request legacy_request(nt::ULONG pool_type, std::size_t bytes, nt::ULONG tag, bool quota) {
    return Request{bytes, tag, pool_type, classify(pool_type), quota};
}
// Whether a failed legacy request raises STATUS_INSUFFICIENT_RESOURCES instead of returning
// NULL: non-quota routines raise only with POOL_RAISE_IF_ALLOCATION_FAILURE; the quota routines
// raise unless POOL_QUOTA_FAIL_INSTEAD_OF_RAISE.
bool legacy_raises(nt::ULONG pool_type, bool quota);

struct FlagsRequest {
    bool valid;            // false: the arguments are rejected (the call fails without allocating)
    bool raise_on_failure;
    bool zero;             // ExAllocatePool2/3 zero the block unless POOL_FLAG_UNINITIALIZED
    Request request;
};
// ExAllocatePool2 (params = nullptr, count = 0) and ExAllocatePool3.
FlagsRequest flags_request(nt::POOL_FLAGS flags, std::size_t bytes, nt::ULONG tag,
                           const nt::POOL_EXTENDED_PARAMETER* params, nt::ULONG count);

// The legacy and POOL_FLAGS allocators as the exports run them, over an allocation function: the
// pool's own (the exports) or Driver Verifier's for a verified driver (vf/driver_verifier.h).
// A failed request raises why it failed when the routine raises (STATUS_QUOTA_EXCEEDED for a
// quota charge that did not fit, else STATUS_INSUFFICIENT_RESOURCES); ExAllocatePool2/3 zero
// the block unless asked not to.
using AllocateFn = void* (*)(const Request& request, nt::NTSTATUS* failure, void* context);
void* pool_allocate(const Request& request, nt::NTSTATUS* failure, void* context);   // ex::pool::allocate
void* allocate_legacy(nt::ULONG pool_type, std::size_t bytes, nt::ULONG tag, bool quota, AllocateFn allocate,
                      void* context = nullptr);
// The failure of a legacy request: raises `failure` if the routine raises, else returns nullptr.
void* legacy_failed(nt::ULONG pool_type, bool quota, nt::NTSTATUS failure);
// The exports' own path: the same as allocate_legacy over pool_allocate, without the indirect
// call and with the request built in place (a pair's every call is on the hot path).
inline void* allocate_legacy(nt::ULONG pool_type, std::size_t bytes, nt::ULONG tag, bool quota) {
    if (!quota) {
        void* p = allocate_plain(pool_type, bytes, tag);
        if (!p) [[unlikely]] return legacy_failed(pool_type, false, nt::status::insufficient_resources);
        return p;
    }
    nt::NTSTATUS failure = nt::status::insufficient_resources;
    void* p = allocate(legacy_request(pool_type, bytes, tag, quota), &failure);
    if (!p) [[unlikely]] return legacy_failed(pool_type, quota, failure);
    return p;
}
void* allocate_flags(nt::POOL_FLAGS flags, std::size_t bytes, nt::ULONG tag, const nt::POOL_EXTENDED_PARAMETER* params,
                     nt::ULONG count, AllocateFn allocate = pool_allocate, void* context = nullptr);

}  // namespace ex::pool
