// How the pool routines' arguments become a pool request: the legacy POOL_TYPE routines and the
// POOL_FLAGS routines (ExAllocatePool2/3). Kept apart from the export shell so the rules are
// unit-tested on the host. Reference: windows-behavior.md 3.1, 3.2.
#pragma once

#include "ex/pool.h"

namespace ex::pool {

// ExAllocatePool{,WithTag,WithQuota,WithQuotaTag,WithTagPriority}.
Request legacy_request(nt::ULONG pool_type, std::size_t bytes, nt::ULONG tag, bool quota);
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

}  // namespace ex::pool
