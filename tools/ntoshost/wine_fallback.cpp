// The module's delegation seen from the host. The project's ntoskrnl.exe forwards every routine
// it does not implement to its private copy of Wine's builtin (wine_ntoskrnl.dll, README
// "Drop-in"), and it routes blocks between the two pools itself (platform/wine_builtin.h): the
// host and the drop-in share that one mechanism. What is left here is observation, so that the
// driver's pool table stays right when a block crosses over:
//  - Wine's builtin freeing a block of the project's pool (its HeapFree and RtlFreeHeap imports,
//    which the module already points at its router) is recorded as a free of the driver's block;
//  - the module's RtlFreeUnicodeString / RtlFreeAnsiString freeing a pool buffer the driver
//    allocated is recorded the same way.
// With --wine-fallback the host binds the forwarded routines (Wine's); without it, they are
// unresolved imports like any routine the project lacks (child.cpp).
#include <windows.h>

#include <cstring>

#include "child.h"
#include "platform/import_slots.h"
#include "nt/types.h"

namespace ntoshost {

bool wine_fallback_active;

namespace {

using HeapFreeFn = BOOL(WINAPI*)(HANDLE, DWORD, void*);
using RtlFreeHeapFn = BOOLEAN(WINAPI*)(HANDLE, ULONG, void*);

HeapFreeFn module_HeapFree;        // the module's router, as it left Wine's import slot
RtlFreeHeapFn module_RtlFreeHeap;

void note_project_block(void* block, const char* routine) {
    if (block && from_project_pool(block)) record_free(block, 0, routine);
}

BOOL WINAPI observed_HeapFree(HANDLE heap, DWORD flags, void* block) {
    note_project_block(block, "Wine builtin (HeapFree), to the project's pool");
    return module_HeapFree(heap, flags, block);
}

BOOLEAN WINAPI observed_RtlFreeHeap(HANDLE heap, ULONG flags, void* block) {
    note_project_block(block, "Wine builtin (RtlFreeHeap), to the project's pool");
    return module_RtlFreeHeap(heap, flags, block);
}


// UNICODE_STRING and ANSI_STRING share the layout {USHORT Length, USHORT MaximumLength, Buffer}.
struct CountedString {
    std::uint16_t length, maximum_length;
    void* buffer;
};
void* real_RtlFreeUnicodeString;
void* real_RtlFreeAnsiString;

void free_string(CountedString* s, void* real, const char* routine) {
    if (s) note_project_block(s->buffer, routine);
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
const Interposed string_table[] = {
    {"RtlFreeUnicodeString", reinterpret_cast<void*>(&thunk_RtlFreeUnicodeString), &real_RtlFreeUnicodeString},
    {"RtlFreeAnsiString", reinterpret_cast<void*>(&thunk_RtlFreeAnsiString), &real_RtlFreeAnsiString},
};
}  // namespace

bool observe_wine_frees(HMODULE wine_ntoskrnl) {
    if (!wine_ntoskrnl) return false;
    const int heap_free = platform::rebind_import(wine_ntoskrnl, "kernel32.dll", "HeapFree", reinterpret_cast<void*>(&observed_HeapFree),
                                        reinterpret_cast<void**>(&module_HeapFree));
    const int rtl_free = platform::rebind_import(wine_ntoskrnl, "ntdll.dll", "RtlFreeHeap", reinterpret_cast<void*>(&observed_RtlFreeHeap),
                                       reinterpret_cast<void**>(&module_RtlFreeHeap));
    return heap_free + rtl_free > 0;
}

const Interposed* find_string_interposed(const char* name) {
    for (const auto& t : string_table)
        if (!std::strcmp(t.name, name)) return &t;
    return nullptr;
}

}  // namespace ntoshost
