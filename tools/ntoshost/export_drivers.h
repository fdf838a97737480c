// Export drivers (kernel-mode DLLs) the driver imports, loaded as Windows' loader loads them:
// found next to the importing image or in %SystemRoot%\System32\Drivers, mapped, relocated and
// bound by the host itself (so their own ntoskrnl.exe imports reach the project's module and
// their pool use is theirs in the report), started through DllInitialize(RegistryPath) once,
// after the modules they import themselves, and stopped through DllUnload() after the driver.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "pe_loader.h"

namespace ntoshost {

// An import the host could not bind, in the image that has the slot.
struct PendingImport {
    std::uint8_t* base;     // the importing image
    std::string importer;   // its file name ("" for the driver)
    pe::Unresolved unresolved;
};

// How an import of an export driver is bound: the host's resolver (child.cpp), given the
// importing export driver's name and directory.
using ImportResolver =
    std::function<pe::Resolution(const pe::ImportSlot&, const std::string& importer, const std::string& importer_dir)>;
void set_import_resolver(ImportResolver resolver);

// The address `slot` names in the export driver `slot.module`, loading that module first (from
// `importer_dir`, then system32\drivers). nullopt when no such file exists in either place (the
// caller then asks the system's loader); a Resolution without an address when the file exists
// but does not load or lacks the export.
std::optional<pe::Resolution> export_driver_import(const pe::ImportSlot& slot, const std::string& importer_dir);

// Imports of the loaded export drivers that could not be bound (their slots still unset).
const std::vector<PendingImport>& export_driver_unresolved();
// Sets the section protections of every loaded export driver (after stubs were written).
void protect_export_drivers();
// Calls each loaded export driver's DllInitialize once, dependencies first; false (and *error)
// if one failed: Windows then fails the load of the image that imports it.
bool initialize_export_drivers(std::string* error);
// DllUnload of each, last loaded first, after the driver is gone (without DllUnload a module
// stays loaded, as on Windows).
void unload_export_drivers();
// The address an export driver's import of a tracked pool routine is bound to: a trampoline of
// that module's that calls `thunk` (so the thunk's return address names the module: the pool use
// is attributed by import table, as Driver Verifier thunks each image's imports, and a module's
// tail call into the pool still counts for it). Null if `name` is not a pool routine the
// trampolines know the argument bytes of (the module then gets the routine itself, untracked).
void* export_driver_pool_trampoline(const std::string& module, const char* name, void* thunk);
// The export driver that called a pool thunk from `return_address` (inside one of its
// trampolines), or "" (the driver, or the module's own lookaside callbacks).
std::string export_driver_at(const void* return_address);

}  // namespace ntoshost
