// --wine-fallback: the project's pool and Wine's builtin ntoskrnl.exe live side by side, and a
// block may reach the other side's free routine. Wine's builtin pool is a Win32 heap (its
// ExFreePoolWithTag, its IRP completion and its own helpers end in HeapFree / RtlFreeHeap), and
// ntdll-forwarded Rtl routines allocate from the process heap. So:
//  - the driver's ExFreePool of a block some Wine heap owns goes to HeapFree on that heap; a
//    pointer no heap owns still goes to the project's pool, which stops with BAD_POOL_CALLER
//    (pool_thunks.cpp);
//  - Wine's builtin freeing a block of the project's pool (its imports of HeapFree and
//    RtlFreeHeap are rebound here) gives it back to the project's pool;
//  - the Rtl string routines that free (RtlFreeUnicodeString, RtlFreeAnsiString) are
//    interposed for the driver, since a kernel driver may free a pool buffer with them.
#include <windows.h>

#include <cstring>

#include "child.h"
#include "nt/types.h"

namespace ntoshost {

bool wine_fallback_active;

namespace {

using HeapFreeFn = BOOL(WINAPI*)(HANDLE, DWORD, void*);
using RtlFreeHeapFn = BOOLEAN(WINAPI*)(HANDLE, ULONG, void*);
using FreePoolFn = void(NT_API*)(void*);

HeapFreeFn real_HeapFree;
RtlFreeHeapFn real_RtlFreeHeap;
FreePoolFn project_free_pool;

bool give_back_to_project(void* block, const char* routine) {
    if (!block || !project_free_pool || !from_project_pool(block)) return false;
    record_free(block, 0, routine);
    project_free_pool(block);
    return true;
}

BOOL WINAPI routed_HeapFree(HANDLE heap, DWORD flags, void* block) {
    if (give_back_to_project(block, "Wine builtin (HeapFree), to the project's pool")) return TRUE;
    return real_HeapFree(heap, flags, block);
}

BOOLEAN WINAPI routed_RtlFreeHeap(HANDLE heap, ULONG flags, void* block) {
    if (give_back_to_project(block, "Wine builtin (RtlFreeHeap), to the project's pool")) return TRUE;
    return real_RtlFreeHeap(heap, flags, block);
}

// Rebinds the named imports of a loaded module; returns how many slots changed.
int rebind_import(HMODULE module, const char* dll, const char* name, void* to, void** original) {
    auto* base = reinterpret_cast<std::uint8_t*>(module);
    auto* dos = reinterpret_cast<IMAGE_DOS_HEADER*>(base);
    auto* nt = reinterpret_cast<IMAGE_NT_HEADERS*>(base + dos->e_lfanew);
    const auto& dir = nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_IMPORT];
    if (!dir.VirtualAddress) return 0;
    int changed = 0;
    for (auto* d = reinterpret_cast<IMAGE_IMPORT_DESCRIPTOR*>(base + dir.VirtualAddress); d->Name; ++d) {
        if (lstrcmpiA(reinterpret_cast<const char*>(base + d->Name), dll)) continue;
        auto* names = reinterpret_cast<IMAGE_THUNK_DATA*>(base + (d->OriginalFirstThunk ? d->OriginalFirstThunk : d->FirstThunk));
        auto* slots = reinterpret_cast<IMAGE_THUNK_DATA*>(base + d->FirstThunk);
        for (; names->u1.AddressOfData; ++names, ++slots) {
            if (IMAGE_SNAP_BY_ORDINAL(names->u1.Ordinal)) continue;
            auto* by_name = reinterpret_cast<IMAGE_IMPORT_BY_NAME*>(base + names->u1.AddressOfData);
            if (std::strcmp(reinterpret_cast<const char*>(by_name->Name), name)) continue;
            DWORD old = 0;
            if (!VirtualProtect(&slots->u1.Function, sizeof(void*), PAGE_READWRITE, &old)) continue;
            if (!*original) *original = reinterpret_cast<void*>(slots->u1.Function);
            slots->u1.Function = reinterpret_cast<ULONG_PTR>(to);
            VirtualProtect(&slots->u1.Function, sizeof(void*), old, &old);
            ++changed;
        }
    }
    return changed;
}

// UNICODE_STRING and ANSI_STRING share the layout {USHORT Length, USHORT MaximumLength, Buffer}.
struct CountedString {
    std::uint16_t length, maximum_length;
    void* buffer;
};
void* real_RtlFreeUnicodeString;
void* real_RtlFreeAnsiString;

void free_string(CountedString* s, void* real, const char* routine) {
    if (s && give_back_to_project(s->buffer, routine)) {
        s->buffer = nullptr;
        s->length = s->maximum_length = 0;
        return;
    }
    reinterpret_cast<void(NT_API*)(CountedString*)>(real)(s);
}

}  // namespace

extern "C" {
void NT_API thunk_RtlFreeUnicodeString(CountedString* s) {
    free_string(s, real_RtlFreeUnicodeString, "RtlFreeUnicodeString");
}
void NT_API thunk_RtlFreeAnsiString(CountedString* s) {
    free_string(s, real_RtlFreeAnsiString, "RtlFreeAnsiString");
}
}

namespace {
const Interposed fallback_table[] = {
    {"RtlFreeUnicodeString", reinterpret_cast<void*>(&thunk_RtlFreeUnicodeString), &real_RtlFreeUnicodeString},
    {"RtlFreeAnsiString", reinterpret_cast<void*>(&thunk_RtlFreeAnsiString), &real_RtlFreeAnsiString},
};
}  // namespace

// Wine's builtin allocates from the process heap or from a heap of its own, so every heap of
// the process is asked.
HANDLE heap_owning(void* block) {
    if (!block) return nullptr;
    HANDLE heaps[64];
    const DWORD n = GetProcessHeaps(64, heaps);
    for (DWORD i = 0; i < n && i < 64; ++i)
        if (HeapValidate(heaps[i], 0, block)) return heaps[i];
    return nullptr;
}

bool route_wine_frees(HMODULE wine_ntoskrnl, HMODULE project_ntoskrnl) {
    project_free_pool = reinterpret_cast<FreePoolFn>(reinterpret_cast<void*>(GetProcAddress(project_ntoskrnl, "ExFreePool")));
    if (!project_free_pool) return false;
    const int heap_free = rebind_import(wine_ntoskrnl, "kernel32.dll", "HeapFree", reinterpret_cast<void*>(&routed_HeapFree),
                                        reinterpret_cast<void**>(&real_HeapFree));
    const int rtl_free = rebind_import(wine_ntoskrnl, "ntdll.dll", "RtlFreeHeap", reinterpret_cast<void*>(&routed_RtlFreeHeap),
                                       reinterpret_cast<void**>(&real_RtlFreeHeap));
    return heap_free + rtl_free > 0;
}

// The Rtl routines come from Wine's builtin (the project does not implement them); the thunks
// are bound only when the fallback has found them there.
const Interposed* find_fallback_interposed(const char* name, HMODULE wine_ntoskrnl) {
    if (!wine_ntoskrnl) return nullptr;
    for (const auto& t : fallback_table)
        if (!std::strcmp(t.name, name)) {
            if (!*t.real) *t.real = reinterpret_cast<void*>(GetProcAddress(wine_ntoskrnl, name));
            return *t.real ? &t : nullptr;
        }
    return nullptr;
}

}  // namespace ntoshost
