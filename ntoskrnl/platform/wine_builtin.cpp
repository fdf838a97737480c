#include "platform/wine_builtin.h"

#include "platform/import_slots.h"
#include "platform/wine_io.h"

#include <windows.h>

#include <cstdint>
#include <cstring>

#include "ex/pool.h"
#include "ps/quota.h"

namespace platform {
namespace {

HMODULE wine_module;
void*(WINAPI* wine_IoGetCurrentProcess)();

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
    wine_IoGetCurrentProcess = reinterpret_cast<void*(WINAPI*)()>(reinterpret_cast<void*>(GetProcAddress(wine_module, "IoGetCurrentProcess")));
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
    if (wine_IoGetCurrentProcess) ps::set_process_object_source(&wine_process);
    watch_driver_objects(wine_module);
    return true;
}

void* wine_builtin_module() { return wine_module; }

}  // namespace platform
