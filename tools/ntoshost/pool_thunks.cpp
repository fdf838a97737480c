// Thunks between the driver and the module's pool routines: each has the routine's exact
// prototype and convention (NT_API: stdcall on i386, so the callee pops the same argument bytes
// as spec/ntoskrnl.exe.spec declares), forwards to the module and records what happened, like
// Driver Verifier's pool tracking. A free is recorded before it is forwarded, because the module
// may stop the system on it (double free) and the parent must already know.
#include <cstring>
#include <string>

#include "child.h"
#include "nt/driver.h"
#include "nt/pool.h"

namespace ntoshost {
namespace {

using nt::SIZE_T;
using nt::ULONG;
using nt::ULONG64;

// ExAllocatePool and ExAllocatePoolWithQuota count under 'None' (ex::pool::tag_none).
constexpr ULONG tag_none = 0x656E6F4E;


void* real_ExAllocatePool;
void* real_ExAllocatePoolWithTag;
void* real_ExAllocatePoolWithQuota;
void* real_ExAllocatePoolWithQuotaTag;
void* real_ExAllocatePoolWithTagPriority;
void* real_ExAllocatePool2;
void* real_ExAllocatePool3;
void* real_ExFreePool;
void* real_ExFreePoolWithTag;
void* real_ExFreePool2;

template <typename F>
F* fn(void* p) {
    return reinterpret_cast<F*>(p);
}

// `caller` (the thunk's return address) says whose pool use it is: the driver's or one of its
// export drivers'.
void* legacy(void* p, ULONG type, SIZE_T bytes, ULONG tag, const char* routine, const void* caller) {
    if (p) record_alloc(p, tag, nt::pool_type_is_paged(type), type, bytes, routine, caller);
    return p;
}

void* flags_alloc(void* p, ULONG64 flags, SIZE_T bytes, ULONG tag, const char* routine, const void* caller) {
    if (p) record_alloc(p, tag, (flags & nt::POOL_FLAG_PAGED) != 0, static_cast<ULONG>(flags), bytes, routine, caller);
    return p;
}

// A block another allocator made (Wine's builtin pool, an ntdll Rtl allocation) is the module's
// to hand over (platform/wine_builtin.h); it is recorded as such here, before the module sees it,
// since the module may stop the system on it.
void record_pool_free(void* block, ULONG tag, const char* routine, const void* caller) {
    if (wine_fallback_active && block && !from_project_pool(block))
        record_free(block, tag, (std::string(routine) + " (not the project's block: the module hands it to its allocator)").c_str(), caller);
    else
        record_free(block, tag, routine, caller);
}

}  // namespace

extern "C" {
void* NT_API thunk_ExAllocatePool(ULONG type, SIZE_T bytes) {
    return legacy(fn<void* NT_API(ULONG, SIZE_T)>(real_ExAllocatePool)(type, bytes), type, bytes, tag_none, "ExAllocatePool",
                  __builtin_return_address(0));
}
void* NT_API thunk_ExAllocatePoolWithTag(ULONG type, SIZE_T bytes, ULONG tag) {
    return legacy(fn<void* NT_API(ULONG, SIZE_T, ULONG)>(real_ExAllocatePoolWithTag)(type, bytes, tag), type, bytes, tag,
                  "ExAllocatePoolWithTag", __builtin_return_address(0));
}
void* NT_API thunk_ExAllocatePoolWithQuota(ULONG type, SIZE_T bytes) {
    return legacy(fn<void* NT_API(ULONG, SIZE_T)>(real_ExAllocatePoolWithQuota)(type, bytes), type, bytes, tag_none,
                  "ExAllocatePoolWithQuota", __builtin_return_address(0));
}
void* NT_API thunk_ExAllocatePoolWithQuotaTag(ULONG type, SIZE_T bytes, ULONG tag) {
    return legacy(fn<void* NT_API(ULONG, SIZE_T, ULONG)>(real_ExAllocatePoolWithQuotaTag)(type, bytes, tag), type, bytes,
                  tag, "ExAllocatePoolWithQuotaTag", __builtin_return_address(0));
}
void* NT_API thunk_ExAllocatePoolWithTagPriority(ULONG type, SIZE_T bytes, ULONG tag, ULONG priority) {
    return legacy(fn<void* NT_API(ULONG, SIZE_T, ULONG, ULONG)>(real_ExAllocatePoolWithTagPriority)(type, bytes, tag, priority),
                  type, bytes, tag, "ExAllocatePoolWithTagPriority", __builtin_return_address(0));
}
void* NT_API thunk_ExAllocatePool2(ULONG64 flags, SIZE_T bytes, ULONG tag) {
    return flags_alloc(fn<void* NT_API(ULONG64, SIZE_T, ULONG)>(real_ExAllocatePool2)(flags, bytes, tag), flags, bytes, tag,
                       "ExAllocatePool2", __builtin_return_address(0));
}
void* NT_API thunk_ExAllocatePool3(ULONG64 flags, SIZE_T bytes, ULONG tag, const void* params, ULONG count) {
    return flags_alloc(fn<void* NT_API(ULONG64, SIZE_T, ULONG, const void*, ULONG)>(real_ExAllocatePool3)(flags, bytes, tag, params, count),
                       flags, bytes, tag, "ExAllocatePool3", __builtin_return_address(0));
}
void NT_API thunk_ExFreePool(void* block) {
    record_pool_free(block, 0, "ExFreePool", __builtin_return_address(0));
    fn<void NT_API(void*)>(real_ExFreePool)(block);
}
void NT_API thunk_ExFreePoolWithTag(void* block, ULONG tag) {
    record_pool_free(block, tag, "ExFreePoolWithTag", __builtin_return_address(0));
    fn<void NT_API(void*, ULONG)>(real_ExFreePoolWithTag)(block, tag);
}
void NT_API thunk_ExFreePool2(void* block, ULONG tag, const void* params, ULONG count) {
    record_pool_free(block, tag, "ExFreePool2", __builtin_return_address(0));
    fn<void NT_API(void*, ULONG, const void*, ULONG)>(real_ExFreePool2)(block, tag, params, count);
}
}

namespace {
#define NTOSHOST_THUNK(name) {#name, reinterpret_cast<void*>(&thunk_##name), &real_##name}
const Interposed table[] = {
    NTOSHOST_THUNK(ExAllocatePool),
    NTOSHOST_THUNK(ExAllocatePoolWithTag),
    NTOSHOST_THUNK(ExAllocatePoolWithQuota),
    NTOSHOST_THUNK(ExAllocatePoolWithQuotaTag),
    NTOSHOST_THUNK(ExAllocatePoolWithTagPriority),
    NTOSHOST_THUNK(ExAllocatePool2),
    NTOSHOST_THUNK(ExAllocatePool3),
    NTOSHOST_THUNK(ExFreePool),
    NTOSHOST_THUNK(ExFreePoolWithTag),
    NTOSHOST_THUNK(ExFreePool2),
};
#undef NTOSHOST_THUNK
}  // namespace

// MmGetSystemRoutineAddress: a driver that looks a tracked routine up at run time (ExAllocatePool2
// and ExFreePool2 are found this way by drivers that also load on Windows before 10 2004) gets the
// same tracking thunk as one that imports it; Driver Verifier likewise hands out its thunks from
// this lookup (MSDN: "Driver Verifier" / MmGetSystemRoutineAddress is verified). Without it a block
// allocated through an import and freed through a looked-up routine would be reported as a leak.
namespace {
void* real_MmGetSystemRoutineAddress;

// The routine name as ASCII (kernel export names are ASCII), or false if it is not.
bool ascii_name(const nt::UNICODE_STRING* name, char (&out)[128]) {
    if (!name || !name->Buffer) return false;
    const std::size_t n = name->Length / sizeof(nt::WCHAR);
    if (n == 0 || n >= sizeof(out)) return false;
    for (std::size_t i = 0; i < n; ++i) {
        if (name->Buffer[i] == 0 || name->Buffer[i] > 0x7F) return false;
        out[i] = static_cast<char>(name->Buffer[i]);
    }
    out[n] = 0;
    return true;
}
}  // namespace

extern "C" void* NT_API thunk_MmGetSystemRoutineAddress(nt::UNICODE_STRING* name) {
    void* p = fn<void* NT_API(nt::UNICODE_STRING*)>(real_MmGetSystemRoutineAddress)(name);
    char narrow[128];
    if (!p || !ascii_name(name, narrow)) return p;
    const Interposed* t = find_interposed(narrow);
    if (!t) return p;
    if (!*t->real) *t->real = p;
    // Only the module's own routine is tracked; anything else the lookup found is returned as is.
    return *t->real == p ? t->thunk : p;
}

const Interposed* find_lookup_interposed(const char* name) {
    static const Interposed lookup = {"MmGetSystemRoutineAddress", reinterpret_cast<void*>(&thunk_MmGetSystemRoutineAddress),
                                      &real_MmGetSystemRoutineAddress};
    return std::strcmp(name, lookup.name) ? nullptr : &lookup;
}

const Interposed* find_interposed(const char* name) {
    for (const auto& t : table)
        if (!std::strcmp(t.name, name)) return &t;
    return find_object_interposed(name);
}

void* tracked_pool_routine(const char* name) {
    const Interposed* t = find_interposed(name);
    if (!t) return nullptr;
    if (!*t->real && project_ntoskrnl) *t->real = reinterpret_cast<void*>(GetProcAddress(project_ntoskrnl, name));
    return *t->real ? t->thunk : nullptr;
}

}  // namespace ntoshost
