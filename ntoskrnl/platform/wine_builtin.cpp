#include "platform/wine_builtin.h"

#include "platform/import_slots.h"
#include "platform/wine_io.h"

#include <windows.h>

#include <cstdint>
#include <cstring>

#include "ex/pool.h"
#include "platform/platform.h"
#include "ps/quota.h"

namespace platform {
namespace {

HMODULE wine_module;
void*(WINAPI* wine_IoGetCurrentProcess)();
// Wine's object manager keeps its count in its own header ({LONG ref; POBJECT_TYPE type} before
// the body, dlls/ntoskrnl.exe/ntoskrnl.c), not in Windows' OBJECT_HEADER: a reference on one of
// its objects is taken and dropped through its own routines (fastcall on i386, as the DDK's).
nt::LONG_PTR(NT_FASTCALL* wine_ObfReferenceObject)(void*);
nt::LONG_PTR(NT_FASTCALL* wine_ObfDereferenceObject)(void*);

using HeapFreeFn = BOOL(WINAPI*)(HANDLE, DWORD, void*);
using RtlFreeHeapFn = BOOLEAN(WINAPI*)(HANDLE, ULONG, void*);
HeapFreeFn real_HeapFree;
RtlFreeHeapFn real_RtlFreeHeap;

// Wine's builtin frees through these two; a block of the project's pool goes back to it.
BOOL WINAPI routed_HeapFree(HANDLE heap, DWORD flags, void* block) {
    if (block && ex::pool::contains(block)) {
        ex::pool::free(block, 0);
        return TRUE;
    }
    return real_HeapFree(heap, flags, block);
}

BOOLEAN WINAPI routed_RtlFreeHeap(HANDLE heap, ULONG flags, void* block) {
    if (block && ex::pool::contains(block)) {
        ex::pool::free(block, 0);
        return TRUE;
    }
    return real_RtlFreeHeap(heap, flags, block);
}


// Wine's builtin allocates from a heap of its own and from the process heap: every heap of the
// process is asked (HeapValidate of a block is false for a pointer the heap did not hand out; of
// NULL it validates the whole heap, so NULL is nobody's block).
void* heap_owning(const void* block) {
    if (!block) return nullptr;
    HANDLE heaps[64];
    const DWORD n = GetProcessHeaps(64, heaps);
    for (DWORD i = 0; i < n && i < 64; ++i)
        if (HeapValidate(heaps[i], 0, block)) return heaps[i];
    return nullptr;
}

void heap_free(void* heap, void* block) { real_HeapFree(heap, 0, block); }

std::size_t heap_usable_bytes(void* heap, const void* block) {
    const SIZE_T n = HeapSize(heap, 0, block);
    return n == static_cast<SIZE_T>(-1) ? 0 : n;
}

const ex::pool::ForeignAllocator wine_heaps{heap_owning, heap_free, heap_usable_bytes};

void* wine_process() { return wine_IoGetCurrentProcess(); }
void wine_reference(void* object) { wine_ObfReferenceObject(object); }
void wine_dereference(void* object) { wine_ObfDereferenceObject(object); }
const ps::ProcessObjectSource wine_process_source{wine_process, wine_reference, wine_dereference};

template <typename F>
F wine_export(const char* name) {
    return reinterpret_cast<F>(reinterpret_cast<void*>(GetProcAddress(wine_module, name)));
}

// wine_ntoskrnl.dll from the module's own directory (the drop-in's system32, a build's bin/):
// the forwarders name it without a path, and the loader finds a loaded module by its base name.
HMODULE load_private_builtin() {
    if (HMODULE m = GetModuleHandleW(L"wine_ntoskrnl.dll")) return m;   // a forwarder loaded it
    HMODULE self = nullptr;
    if (!GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                            reinterpret_cast<LPCWSTR>(&load_private_builtin), &self))
        return nullptr;
    wchar_t path[MAX_PATH + 32];
    DWORD n = GetModuleFileNameW(self, path, MAX_PATH);
    if (!n || n >= MAX_PATH) return nullptr;
    while (n && path[n - 1] != L'\\' && path[n - 1] != L'/') --n;
    lstrcpyW(path + n, L"wine_ntoskrnl.dll");
    return LoadLibraryW(path);
}

}  // namespace

bool join_wine_builtin() {
    wine_module = load_private_builtin();
    if (!wine_module) return false;
    wine_IoGetCurrentProcess = wine_export<void*(WINAPI*)()>("IoGetCurrentProcess");
    wine_ObfReferenceObject = wine_export<decltype(wine_ObfReferenceObject)>("ObfReferenceObject");
    wine_ObfDereferenceObject = wine_export<decltype(wine_ObfDereferenceObject)>("ObfDereferenceObject");
    rebind_import(wine_module, "kernel32.dll", "HeapFree", reinterpret_cast<void*>(&routed_HeapFree),
                  reinterpret_cast<void**>(&real_HeapFree));
    rebind_import(wine_module, "ntdll.dll", "RtlFreeHeap", reinterpret_cast<void*>(&routed_RtlFreeHeap),
                  reinterpret_cast<void**>(&real_RtlFreeHeap));
    // Not imported (nothing to rebind): the system's own, for the frees handed over here.
    if (!real_HeapFree)
        real_HeapFree = reinterpret_cast<HeapFreeFn>(reinterpret_cast<void*>(GetProcAddress(GetModuleHandleW(L"kernel32.dll"), "HeapFree")));
    if (!real_RtlFreeHeap)
        real_RtlFreeHeap = reinterpret_cast<RtlFreeHeapFn>(reinterpret_cast<void*>(GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "RtlFreeHeap")));
    ex::pool::set_foreign_allocator(&wine_heaps);
    // Wine's process object only with Wine's routines to reference it (ps/quota.h); without them
    // the emulated process, whose header keeps the count, stays the process object.
    if (wine_IoGetCurrentProcess && wine_ObfReferenceObject && wine_ObfDereferenceObject)
        ps::set_process_object_source(&wine_process_source);
    else
        platform::write_stderr("ntoskrnl.exe: warning: wine_ntoskrnl.dll lacks IoGetCurrentProcess or ObfReferenceObject/"
                               "ObfDereferenceObject; drivers get the module's own process object\n");
    watch_driver_objects(wine_module);
    return true;
}

void* wine_builtin_module() { return wine_module; }

}  // namespace platform
