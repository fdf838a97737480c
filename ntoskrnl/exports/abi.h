// Calling conventions of the module's exports. On i386, Windows' kernel exports are stdcall
// (callee pops, decorated _Name@N in import libraries) or fastcall (ECX, EDX, then stack;
// @Name@N); on x86_64 there is one convention. The export table names come from the spec.
#pragma once

#if defined(__i386__)
#define NT_STDCALL __attribute__((stdcall))
#define NT_FASTCALL __attribute__((fastcall))
#else
#define NT_STDCALL
#define NT_FASTCALL
#endif

// Every export is C-linkage and is listed in spec/ntoskrnl.exe.spec.
#define NT_EXPORT extern "C"
