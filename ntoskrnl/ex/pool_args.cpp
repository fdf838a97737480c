#include "ex/pool_args.h"

#include <cstring>

#include "platform/platform.h"

namespace ex::pool {

bool legacy_raises(nt::ULONG pool_type, bool quota) {
    return quota ? !(pool_type & nt::POOL_QUOTA_FAIL_INSTEAD_OF_RAISE) : (pool_type & nt::POOL_RAISE_IF_ALLOCATION_FAILURE);
}

FlagsRequest flags_request(nt::POOL_FLAGS flags, std::size_t bytes, nt::ULONG tag,
                           const nt::POOL_EXTENDED_PARAMETER* params, nt::ULONG count) {
    FlagsRequest out{};
    out.raise_on_failure = (flags & nt::POOL_FLAG_RAISE_ON_FAILURE) != 0;
    out.zero = !(flags & nt::POOL_FLAG_UNINITIALIZED);

    // Required flags (low 32 bits) must all be known and usable: the reserved ones are not.
    // Optional flags (high 32 bits) are hints; unknown ones are ignored (MSDN POOL_FLAGS).
    const nt::POOL_FLAGS required = flags & 0xFFFFFFFFull;
    const nt::POOL_FLAGS usable = nt::POOL_FLAG_USE_QUOTA | nt::POOL_FLAG_UNINITIALIZED | nt::POOL_FLAG_SESSION |
                                  nt::POOL_FLAG_CACHE_ALIGNED | nt::POOL_FLAG_RAISE_ON_FAILURE |
                                  nt::POOL_FLAG_NON_PAGED | nt::POOL_FLAG_NON_PAGED_EXECUTE | nt::POOL_FLAG_PAGED;
    if (required & ~usable) return out;
    // Exactly one kind of memory (which combinations Windows rejects is UNCONFIRMED; this is
    // the safe reading of windows-behavior.md 3.2).
    const nt::POOL_FLAGS kinds = required & (nt::POOL_FLAG_NON_PAGED | nt::POOL_FLAG_NON_PAGED_EXECUTE | nt::POOL_FLAG_PAGED);
    if (kinds != nt::POOL_FLAG_NON_PAGED && kinds != nt::POOL_FLAG_NON_PAGED_EXECUTE && kinds != nt::POOL_FLAG_PAGED)
        return out;
    if (tag == 0) return out;   // ExAllocatePool2 documents a non-zero tag

    if (count && !params) return out;
    for (nt::ULONG i = 0; i < count; ++i) {
        const nt::POOL_EXTENDED_PARAMETER& p = params[i];
        switch (p.Type) {
        case nt::PoolExtendedParameterPriority:
            // A hint to a pool that never runs short early. The special-pool priorities ask
            // for special pool when Driver Verifier enables it: with NTOSKRNL_VERIFIER every
            // eligible request gets it anyway (Verify End placement, also for the Underrun
            // priorities, whose start-of-page placement is not emulated).
            break;
        case nt::PoolExtendedParameterNumaNode:
            break;   // one node
        default:
            // Unknown types, and secure pools (which need ExCreatePool), fail unless optional.
            if (!p.Optional) return out;
        }
    }

    nt::ULONG pool_type = kinds == nt::POOL_FLAG_PAGED ? 1u                      // PagedPool
                          : kinds == nt::POOL_FLAG_NON_PAGED_EXECUTE ? 0u        // NonPagedPool(Execute)
                                                                      : 0x200u;  // NonPagedPoolNx
    if (flags & nt::POOL_FLAG_CACHE_ALIGNED) pool_type |= 4;
    if (flags & nt::POOL_FLAG_SESSION) pool_type |= nt::POOL_TYPE_SESSION_BIT;
    out.request = Request{bytes, tag, pool_type, classify(pool_type), (flags & nt::POOL_FLAG_USE_QUOTA) != 0};
    out.valid = true;
    return out;
}

void* pool_allocate(const Request& request, nt::NTSTATUS* failure, void*) { return allocate(request, failure); }

void* allocate_legacy(nt::ULONG pool_type, std::size_t bytes, nt::ULONG tag, bool quota, AllocateFn allocate_fn,
                      void* context) {
    nt::NTSTATUS failure = nt::status::insufficient_resources;
    void* p = allocate_fn(legacy_request(pool_type, bytes, tag, quota), &failure, context);
    if (!p && legacy_raises(pool_type, quota)) platform::raise_status(failure);
    return p;
}

void* legacy_failed(nt::ULONG pool_type, bool quota, nt::NTSTATUS failure) {
    if (legacy_raises(pool_type, quota)) platform::raise_status(failure);
    return nullptr;
}

void* allocate_flags(nt::POOL_FLAGS flags, std::size_t bytes, nt::ULONG tag, const nt::POOL_EXTENDED_PARAMETER* params,
                     nt::ULONG count, AllocateFn allocate_fn, void* context) {
    FlagsRequest r = flags_request(flags, bytes, tag, params, count);
    nt::NTSTATUS failure = nt::status::insufficient_resources;
    void* p = r.valid ? allocate_fn(r.request, &failure, context) : nullptr;
    if (!p) {
        if (r.raise_on_failure) platform::raise_status(failure);
        return nullptr;
    }
    if (r.zero) std::memset(p, 0, bytes ? bytes : 1);
    return p;
}

}  // namespace ex::pool
