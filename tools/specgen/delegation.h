// Delegation: the exports of Wine's builtin ntoskrnl.exe (or hal.dll) that the spec does not
// implement, and how the module forwards each to Wine's code. Read from the installed Wine's PE
// file at build time, so the module's export table names everything Wine's does (winedevice.exe
// and Wine's own drivers import Wine-private names such as wine_ntoskrnl_main_loop).
//
// Why forwarders: the loader resolves a forwarded export to the target module's own export, so a
// data export (KeTickCount, IoFileObjectType) is Wine's object itself, a function is Wine's
// function with its own calling convention, and a call costs nothing extra. The target is a
// private copy of Wine's builtin under another name (wine_ntoskrnl.dll), loaded as a native
// module next to the project's ntoskrnl.exe; see README "Drop-in".
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "spec.h"

namespace specgen {

enum class BuiltinKind {
    code,      // a function of Wine's
    data,      // an object of Wine's (the export lies in a section that is not executable)
    stub,      // Wine only stubs it (__wine_stub_NAME): a call raises EXCEPTION_WINE_STUB
    forward,   // Wine itself forwards it (to ntdll...): `target` is Wine's forwarder string
};

struct BuiltinExport {
    std::string name;
    BuiltinKind kind = BuiltinKind::code;
    std::string target;   // forward: "ntdll.RtlInitUnicodeString"
};

const char* builtin_kind_name(BuiltinKind kind);

// The named exports of a Wine builtin PE module, classified. Stubs are recognised by the COFF
// symbols Wine's build leaves in the file (Debian's builtins keep them); a file without a symbol
// table is refused, since stubs could not be told from functions.
std::optional<std::vector<BuiltinExport>> read_builtin_exports(const std::string& path, std::string* error);

struct Delegation {
    BuiltinExport builtin;
    std::string forwarder;   // what the module's export table says: "wine_ntoskrnl.IoCreateDevice"
};

// Every export of the builtin that the spec does not implement on this architecture, in the
// builtin's order, with the forwarder the module exports it as: Wine's own forwarders are kept
// as Wine wrote them, everything else goes to `private_dll` (without ".dll", as forwarders spell
// module names).
std::vector<Delegation> delegations(const Spec& spec, Arch arch, const std::vector<BuiltinExport>& builtin,
                                    const std::string& private_dll);

// The .def lines for them ("  Name = wine_ntoskrnl.Name [DATA]").
std::string make_delegation_def(const std::vector<Delegation>& list);

}  // namespace specgen
