// RtlFreeUnicodeString, RtlFreeAnsiString (wdm.h). In Windows' kernel the Rtl string routines
// allocate their buffers from the pool and these free them there, so a driver that builds a
// UNICODE_STRING on an ExAllocatePool buffer may free it with RtlFreeUnicodeString. Under Wine the
// string routines are ntdll's and allocate from the process heap: a buffer of the project's pool
// goes back to the pool, any other to ntdll's routine. Both leave the string empty (Length,
// MaximumLength 0, Buffer NULL), as Windows does.
#include <windows.h>

#include "ex/pool.h"
#include "exports/abi.h"

namespace {

// UNICODE_STRING and ANSI_STRING share the layout {USHORT Length, USHORT MaximumLength, Buffer}.
struct CountedString {
    USHORT Length;
    USHORT MaximumLength;
    void* Buffer;
};

using FreeStringFn = void(WINAPI*)(CountedString*);

void free_string(CountedString* s, const char* ntdll_routine) {
    if (!s) return;
    if (s->Buffer && ex::pool::contains(s->Buffer)) {
        ex::pool::free(s->Buffer, 0);
        s->Buffer = nullptr;
        s->Length = s->MaximumLength = 0;
        return;
    }
    // Resolved by name: the module's own exports carry the same names as ntdll's.
    auto ntdll = reinterpret_cast<FreeStringFn>(reinterpret_cast<void*>(GetProcAddress(GetModuleHandleW(L"ntdll.dll"), ntdll_routine)));
    if (ntdll) ntdll(s);
}

}  // namespace

NT_EXPORT void NT_API RtlFreeUnicodeString(CountedString* s) { free_string(s, "RtlFreeUnicodeString"); }

NT_EXPORT void NT_API RtlFreeAnsiString(CountedString* s) { free_string(s, "RtlFreeAnsiString"); }
