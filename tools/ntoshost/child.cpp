// The child process: the kernel's loader and I/O manager for one driver. Loads the image itself
// (tools/pe/pe_loader.h for the checks and fix-ups, VirtualAlloc/VirtualProtect around them),
// binds its imports, builds its DRIVER_OBJECT and runs DriverEntry and DriverUnload.
#include <windows.h>

#include <cstdio>
#include <cstring>
#include <algorithm>
#include <list>
#include <set>
#include <optional>
#include <string>
#include <vector>

#include "child.h"
#include "crash.h"
#include "delegation.h"
#include "image_setup.h"
#include "driver_object.h"
#include "export_drivers.h"
#include "nt/sysinfo.h"
#include "pe_loader.h"
#include "report.h"

namespace ntoshost {

HMODULE project_ntoskrnl;

namespace {

HMODULE wine_ntoskrnl;
HMODULE project_hal;   // i386 only: the project's hal.dll next to the host
KeBugCheckExFn bug_check;
std::vector<std::string> stub_names;   // "ntoskrnl.exe!Name" of each stub, by index

std::wstring widen(const std::string& s) {
    std::wstring w(s.size() + 1, L'\0');
    int n = MultiByteToWideChar(CP_UTF8, 0, s.c_str(), -1, w.data(), static_cast<int>(w.size()));
    w.resize(n > 0 ? n - 1 : 0);
    return w;
}

std::wstring host_directory() {
    wchar_t path[MAX_PATH];
    DWORD n = GetModuleFileNameW(nullptr, path, MAX_PATH);
    std::wstring dir(path, n);
    return dir.substr(0, dir.find_last_of(L"\\/") + 1);
}

std::string last_error() {
    char buf[256];
    DWORD e = GetLastError();
    if (!FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, nullptr, e, 0, buf, sizeof(buf), nullptr))
        std::snprintf(buf, sizeof(buf), "error %lu", e);
    std::string s = buf;
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == '.')) s.pop_back();
    return s;
}

int load_error(const std::string& message) {
    emit(events::LoadError{message});
    return exit_code::load_failure;
}

// A seeded xorshift: the same seed gives the same load address (and so the same report).
std::uint64_t next_random(std::uint64_t* state) {
    std::uint64_t x = *state ? *state : 0x9E3779B97F4A7C15ull;
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    return *state = x;
}

// Reserves and commits the image's memory: at --base, else at a random 64 KiB-aligned address
// drawn from the seed (drivers load at varying addresses on Windows; relocations get exercised),
// else wherever the system puts it. Images without relocations only load at their preferred base.
std::uint8_t* allocate_image(const pe::Image& img, const Options& o, std::uint64_t seed) {
    auto at = [&](std::uint64_t a) {
        return static_cast<std::uint8_t*>(VirtualAlloc(reinterpret_cast<void*>(static_cast<std::uintptr_t>(a)),
                                                       img.size_of_image, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE));
    };
    if (o.base) return at(*o.base);
    if (img.characteristics & 1) return at(img.image_base);   // IMAGE_FILE_RELOCS_STRIPPED
    std::uint64_t state = seed * 0x9E3779B97F4A7C15ull + 0xBF58476D1CE4E5B9ull;   // spread small seeds
    const std::uint64_t lo = sizeof(void*) == 8 ? 0x100000000ull : 0x10000000ull;
    const std::uint64_t span = sizeof(void*) == 8 ? 0x3F00000000ull : 0x50000000ull;
    for (int i = 0; i < 32; ++i) {
        std::uint64_t a = (lo + next_random(&state) % span) & ~0xFFFFull;
        if (auto* p = at(a)) return p;
    }
    return at(0);
}

extern "C" void __cdecl stub_called(std::uintptr_t index) {
    const std::string& name = index < stub_names.size() ? stub_names[index] : std::string("?");
    std::string dotted = name;
    if (auto bang = dotted.find('!'); bang != std::string::npos) dotted[bang] = '.';
    emit(events::Unimplemented{dotted});
    std::fprintf(stderr, "ntoshost: unimplemented %s called\n", dotted.c_str());
    std::fflush(stderr);
    TerminateProcess(GetCurrentProcess(), exit_code::unimplemented_called);
}

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    return s;
}

FARPROC export_of(HMODULE m, const pe::ImportSlot& s) {
    return GetProcAddress(m, s.by_ordinal ? MAKEINTRESOURCEA(s.ordinal) : s.name.c_str());
}

// The export of the project's module (ntoskrnl.exe, i386 hal.dll) an import names, as the PE
// reader reads the module's file (once per module): its own routine (no forwarder), one it
// forwards to Wine's builtin (README "Drop-in"), or none. An import by ordinal means the
// module's ordinal; its name keys the tracking thunks, so a driver importing a pool routine by
// ordinal gets them too.
const pe::ExportEntry* module_export(HMODULE m, const pe::ImportSlot& s) {
    static std::list<std::pair<HMODULE, std::optional<pe::Image>>> images;   // stable addresses
    const pe::Image* img = nullptr;
    bool read = false;
    for (auto& [module, image] : images)
        if (module == m) {
            read = true;
            img = image ? &*image : nullptr;
        }
    if (read && !img) return nullptr;
    if (!img) {
        char path[MAX_PATH];
        std::string err;
        std::optional<pe::Image> loaded;
        if (GetModuleFileNameA(m, path, sizeof(path))) loaded = pe::load(path, &err);
        images.emplace_back(m, std::move(loaded));
        if (!images.back().second) return nullptr;
        img = &*images.back().second;
    }
    for (const auto& e : img->exports)
        if (s.by_ordinal ? e.ordinal == s.ordinal : e.name == s.name) return &e;
    return nullptr;
}

// The system's lookaside lists as poolmon would show them while the driver is loaded (their Depth
// is what the module's tuner made of the driver's workload so far), through the module's
// ZwQuerySystemInformation(SystemLookasideInformation).
void emit_lookaside_snapshot() {
    using QueryFn = LONG(NT_API*)(ULONG, void*, ULONG, ULONG*);
    auto query = reinterpret_cast<QueryFn>(reinterpret_cast<void*>(GetProcAddress(project_ntoskrnl, "ZwQuerySystemInformation")));
    if (!query) return;
    std::vector<nt::SYSTEM_LOOKASIDE_INFORMATION> rows(16);
    ULONG needed = 0;
    LONG status;
    // Lists may be created between the calls: ask again with what the last answer needed.
    for (int attempt = 0; attempt < 4; ++attempt) {
        status = query(nt::SystemLookasideInformation, rows.data(), static_cast<ULONG>(rows.size() * sizeof(rows[0])), &needed);
        if (status != static_cast<LONG>(nt::STATUS_INFO_LENGTH_MISMATCH)) break;
        rows.resize(needed / sizeof(rows[0]) + 8);
    }
    if (status < 0) return;
    emit(events::LookasideSnapshot{});
    for (std::size_t i = 0; i < needed / sizeof(rows[0]); ++i) {
        const auto& r = rows[i];
        emit(events::LookasideInfo{r.CurrentDepth, r.MaximumDepth, r.TotalAllocates, r.AllocateMisses, r.TotalFrees, r.FreeMisses,
                                   static_cast<std::uint32_t>(r.Type), static_cast<std::uint32_t>(r.Tag), static_cast<std::uint32_t>(r.Size)});
    }
}

// Wine's builtin as the module's forwarders reach it (wine_ntoskrnl.dll), classified once from
// its file as the build's delegation classifies it (tools/specgen/delegation.h): function, data,
// or a stub that only raises EXCEPTION_WINE_STUB.
const specgen::BuiltinExport* wine_export(const std::string& name) {
    static std::optional<std::vector<specgen::BuiltinExport>> exports;
    static bool read = false;
    if (!read) {
        read = true;
        char path[MAX_PATH];
        std::string err;
        if (HMODULE w = GetModuleHandleA("wine_ntoskrnl.dll"); w && GetModuleFileNameA(w, path, sizeof(path)))
            exports = specgen::read_builtin_exports(path, &err);
    }
    if (exports)
        for (const auto& e : *exports)
            if (e.name == name) return &e;
    return nullptr;
}

// Why an ntoskrnl.exe import is not bound, in words that say who has the routine.
std::string unbound_reason(const pe::ExportEntry* e, const pe::ImportSlot& s) {
    if (!e) return "exported neither by the project's ntoskrnl.exe nor by Wine's builtin";
    const specgen::BuiltinExport* w = wine_export(e->name.empty() ? s.name : e->name);
    if (w && w->kind == specgen::BuiltinKind::stub)
        return "implemented neither by the project nor by Wine (Wine's builtin only stubs it)";
    return "implemented by Wine's builtin ntoskrnl.exe, not by the project; bound with --wine-fallback";
}

// The C runtime and the compilers' exception-handling helpers that Windows' ntoskrnl.exe exports
// (strlen, _wcsnicmp, sprintf, __C_specific_handler, _except_handler3, _chkstk...): support code
// with one meaning, not kernel behaviour the project replaces. The module forwards them to Wine's
// builtin (which has them from its C runtime), and the host binds them by default. Their names
// are the C library's: all lower case, or starting with '_' (Wine's private wine_* excluded;
// every kernel routine name has an upper-case prefix, vDbgPrint* included).
bool runtime_support_routine(const std::string& name) {
    if (name.empty() || name.rfind("wine_", 0) == 0 || name.rfind("__wine", 0) == 0) return false;
    if (name[0] == '_') return true;
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
    return true;
}

struct Bound {
    std::uint64_t address;
    std::string target;
};

// Windows' data exports of ntoskrnl.exe (and on i386 hal.dll), from MinGW-w64's import libraries
// (generated at build time: cmake/windows-data-exports.cmake).
bool windows_data_export(const std::string& name) {
    static const char* const names[] = {
#include "windows_data_exports.inc"
    };
    for (const char* n : names)
        if (name == n) return true;
    return false;
}

// Whether `p` lies in a section of its module that is not executable: the exporting module's
// section flags decide, as the build's delegation classifies Wine's builtin (tools/specgen).
bool in_data_section(const void* p) {
    HMODULE m = nullptr;
    if (!GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                            static_cast<const char*>(p), &m) || !m)
        return false;
    const auto* base = reinterpret_cast<const std::uint8_t*>(m);
    const auto* dos = reinterpret_cast<const IMAGE_DOS_HEADER*>(base);
    const auto* nt = reinterpret_cast<const IMAGE_NT_HEADERS*>(base + dos->e_lfanew);
    const IMAGE_SECTION_HEADER* sec = IMAGE_FIRST_SECTION(nt);
    const std::uintptr_t rva = reinterpret_cast<std::uintptr_t>(p) - reinterpret_cast<std::uintptr_t>(base);
    for (unsigned i = 0; i < nt->FileHeader.NumberOfSections; ++i)
        if (rva >= sec[i].VirtualAddress && rva < sec[i].VirtualAddress + std::max(sec[i].Misc.VirtualSize, sec[i].SizeOfRawData))
            return !(sec[i].Characteristics & IMAGE_SCN_MEM_EXECUTE);
    return false;
}

// Data imports that nothing binds to data: listed, never stubbed (also with --stub-missing).
std::set<std::string> unbound_data_imports;

// A data import (issue 10 point 4) must get data: the module's own object, or Wine's through the
// module's forwarder (with --wine-fallback), never code. nullopt when the import is not data.
std::optional<Bound> resolve_data(const pe::ImportSlot& s, HMODULE m, const char* module_name, const pe::ExportEntry* e,
                                  const Options& o, std::string* reason) {
    const std::string name = e && !e->name.empty() ? e->name : s.name;
    FARPROC p = e ? export_of(m, s) : nullptr;
    const bool data = p && in_data_section(reinterpret_cast<const void*>(p));
    if (!data && !windows_data_export(name)) return std::nullopt;
    const std::string mod = module_name;
    if (data && e->forwarder.empty()) return Bound{reinterpret_cast<std::uintptr_t>(p), mod + " (project, data)"};
    if (data && o.wine_fallback) return Bound{reinterpret_cast<std::uintptr_t>(p), mod + " (Wine builtin, data)"};
    unbound_data_imports.insert(s.display());
    if (data)
        *reason = "data: Wine's builtin has the object, not the project; bound with --wine-fallback";
    else if (p)
        *reason = "Windows exports it as data, but " + mod + " has code under that name; a data import is never bound to code or a stub";
    else
        *reason = "Windows exports it as data, and neither the project nor Wine provides it; a data import is never stubbed";
    return Bound{0, {}};
}

// `importer`: the export driver whose import this is, "" for the driver.
Bound resolve(const pe::ImportSlot& s, const Options& o, const std::string& importer, const std::string& importer_dir,
              std::string* reason) {
    const std::string module = lower(s.module);
    auto addr = [](const void* p) { return static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(p)); };
    if (module == "ntoskrnl.exe") {
        const pe::ExportEntry* e = module_export(project_ntoskrnl, s);
        if (auto d = resolve_data(s, project_ntoskrnl, "ntoskrnl.exe", e, o, reason)) return *d;
        if (e && e->forwarder.empty()) {   // the project's own routine
            const Interposed* t = find_interposed(e->name.c_str());
            if (!t) t = find_string_interposed(e->name.c_str());
            if (t) {
                if (!*t->real) *t->real = reinterpret_cast<void*>(export_of(project_ntoskrnl, s));
                if (*t->real && importer.empty()) return {addr(t->thunk), "ntoskrnl.exe (project, tracked)"};
                // An export driver's pool calls go through trampolines of its own, so they count for it.
                if (*t->real)
                    if (void* tr = export_driver_pool_trampoline(importer, e->name.c_str(), t->thunk))
                        return {addr(tr), "ntoskrnl.exe (project, tracked)"};
            }
            if (FARPROC p = export_of(project_ntoskrnl, s)) return {addr(reinterpret_cast<void*>(p)), "ntoskrnl.exe (project)"};
        }
        if (e && runtime_support_routine(e->name))
            if (FARPROC p = export_of(project_ntoskrnl, s))
                return {addr(reinterpret_cast<void*>(p)), "ntoskrnl.exe (Wine builtin, C runtime)"};
        // Forwarded to Wine's builtin: bound, through the module's forwarder, with --wine-fallback.
        if (e && o.wine_fallback)
            if (FARPROC p = export_of(project_ntoskrnl, s)) {
                if (const Interposed* t = find_lookup_interposed(e->name.c_str()); t && importer.empty()) {
                    *t->real = reinterpret_cast<void*>(p);
                    return {addr(t->thunk), "ntoskrnl.exe (Wine builtin, tracked lookups)"};
                }
                return {addr(reinterpret_cast<void*>(p)), "ntoskrnl.exe (Wine builtin)"};
            }
        *reason = unbound_reason(e, s);
        return {0, {}};
    }
    if (module == "hal.dll") {
        // i386: the project's hal.dll (it keeps the IRQL the module checks). A routine it forwards
        // to Wine's builtin hal.dll (port I/O, Hal*: nothing that touches the IRQL, which ours has
        // all of) is unresolved like a missing kernel routine (--stub-missing applies), or bound
        // with --wine-fallback.
        if (project_hal) {
            const pe::ExportEntry* e = module_export(project_hal, s);
            if (auto d = resolve_data(s, project_hal, "hal.dll", e, o, reason)) return *d;
            if (e && (e->forwarder.empty() || o.wine_fallback))
                if (FARPROC p = export_of(project_hal, s))
                    return {addr(reinterpret_cast<void*>(p)), e->forwarder.empty() ? "hal.dll (project)" : "hal.dll (Wine builtin)"};
            *reason = e ? "implemented by Wine's builtin hal.dll, not by the project's; bound with --wine-fallback"
                        : "exported neither by the project's hal.dll nor by Wine's";
            return {0, {}};
        }
        // x86_64: no project hal.dll; the kernel has the IRQL routines, Wine's hal.dll the rest.
        if (FARPROC p = export_of(project_ntoskrnl, s)) return {addr(reinterpret_cast<void*>(p)), "hal.dll (project)"};
    }
    // An export driver (a kernel-mode DLL next to the importer or in system32\drivers): loaded,
    // bound and started by the host as Windows' loader does (export_drivers.h).
    if (module != "hal.dll")
        if (auto r = export_driver_import(s, importer_dir)) {
            if (!r->address) *reason = r->missing_reason;
            return {r->address, r->address ? module + " (export driver)" : std::string()};
        }
    // Everything else (and x86_64 hal.dll routines the project lacks) through the normal loader.
    HMODULE m = LoadLibraryA(s.module.c_str());
    if (!m) {
        *reason = "module " + s.module + " cannot be loaded: " + last_error();
        return {0, {}};
    }
    if (FARPROC p = export_of(m, s)) return {addr(reinterpret_cast<void*>(p)), module};
    *reason = "no such export in " + s.module;
    (void)o;
    return {0, {}};
}

void set_protections(std::uint8_t* base, const pe::Image& img) {
    for (const auto& r : pe::page_protections(img)) {
        DWORD prot = r.execute ? (r.write ? PAGE_EXECUTE_READWRITE : PAGE_EXECUTE_READ) : (r.write ? PAGE_READWRITE : PAGE_READONLY);
        DWORD old = 0;
        VirtualProtect(base + r.rva, r.size, prot, &old);
    }
}

// The address the mapped image exports `name` at, or null (a forwarder is not code of the image),
// from the export table the PE reader read and bounds-checked.
void* image_export(std::uint8_t* base, std::uint32_t size, const pe::Image& img, const char* name) {
    for (const auto& e : img.exports)
        if (e.name == name && e.forwarder.empty() && e.rva < size) return base + e.rva;
    return nullptr;
}

// Driver Verifier's pool tracking: 0xC4 / 0x62 "a driver has forgotten to free its pool
// allocations prior to unloading"; P2 the driver's name, P3 verifier data (the DRIVER_OBJECT
// here), P4 the number of allocations not freed (learn.microsoft.com, Bug Check 0xC4; Pool
// Tracking).
void check_leaks_at_unload(const Options& o) {
    if (o.verifier && bug_check)
        if (const std::uint64_t live = live_allocations())
            bug_check(0xC4, 0x62, reinterpret_cast<ULONG_PTR>(driver_name_address()),
                      reinterpret_cast<ULONG_PTR>(driver_object_address()), static_cast<ULONG_PTR>(live));
}

}  // namespace

int run_child(const Options& o) {
    const std::uint64_t seed = o.seed.value_or(0);
    std::string err;
    auto img = pe::load(o.driver, &err);
    if (!img) return load_error(err);
    if (auto v = pe::validate(*img)) return load_error(o.driver + ": " + *v);
    const std::uint16_t mine = sizeof(void*) == 8 ? pe::machine_amd64 : pe::machine_i386;
    if (img->machine != mine)
        return load_error(o.driver + ": the image is for " + pe::machine_name(img->machine) + "; this host runs " +
                          pe::machine_name(mine) + " drivers");

    // The module reads these when it initializes.
    if (o.verifier) SetEnvironmentVariableA("NTOSKRNL_VERIFIER", "1");
    // The host captures DbgPrint's messages itself (the report's debug output); the module's own
    // copy on stderr is the live echo, only with --debug-echo.
    if (!o.debug_echo) SetEnvironmentVariableA("NTOSKRNL_DBGPRINT_QUIET", "1");
    const std::wstring ours = host_directory() + L"ntoskrnl.exe";
    project_ntoskrnl = LoadLibraryW(ours.c_str());
    if (!project_ntoskrnl) return load_error("cannot load the project's ntoskrnl.exe next to the host: " + last_error());
    // i386: the module imports hal.dll; bind drivers to the same one (next to the host).
    if (sizeof(void*) == 4) {
        const std::wstring hal = host_directory() + L"hal.dll";
        project_hal = LoadLibraryW(hal.c_str());
        if (!project_hal) return load_error("cannot load the project's hal.dll next to the host: " + last_error());
    }
    bug_check = reinterpret_cast<KeBugCheckExFn>(reinterpret_cast<void*>(GetProcAddress(project_ntoskrnl, "KeBugCheckEx")));
    if (o.wine_fallback) {
        // The module loaded its private copy of Wine's builtin (wine_ntoskrnl.dll, next to it).
        wine_ntoskrnl = GetModuleHandleW(L"wine_ntoskrnl.dll");
        if (!wine_ntoskrnl)
            return load_error("--wine-fallback: the project's ntoskrnl.exe has not loaded wine_ntoskrnl.dll (Wine's builtin "
                              "ntoskrnl.exe, copied next to it by the build)");
        wine_fallback_active = true;
        if (!observe_wine_frees(wine_ntoskrnl))
            return load_error("--wine-fallback: wine_ntoskrnl.dll imports neither HeapFree nor RtlFreeHeap to observe");
    }

    std::uint8_t* base = allocate_image(*img, o, seed);
    if (!base) return load_error("cannot allocate " + std::to_string(img->size_of_image) + " bytes for the image: " + last_error());
    const auto actual = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(base));
    if (!pe::map_image(*img, base, img->size_of_image, &err) || !pe::relocate(*img, base, img->size_of_image, actual, &err))
        return load_error(o.driver + ": " + err);
    emit(events::Image{actual, img->size_of_image, actual + img->entry_point_rva});
    const std::string file_name = o.driver.substr(o.driver.find_last_of("\\/:") + 1);
    register_image(file_name, base, img->size_of_image);
    if (auto cookie = init_security_cookie(*img, base, seed)) emit(events::Cookie{cookie->first, cookie->second});
    register_function_table(*img, base);

    const std::string driver_dir = o.driver.substr(0, o.driver.find_last_of("\\/:") + 1);
    // The export drivers' own imports go through the same resolver (and the same pool thunks).
    set_import_resolver([&o](const pe::ImportSlot& s, const std::string& importer, const std::string& dir) {
        std::string reason;
        Bound b = resolve(s, o, importer, dir, &reason);
        return pe::Resolution{b.address, reason};
    });
    std::vector<pe::Unresolved> driver_unresolved;
    if (!pe::bind_imports(*img, base, img->size_of_image,
                          [&](const pe::ImportSlot& s) {
                              std::string reason;
                              Bound b = resolve(s, o, {}, driver_dir, &reason);
                              if (b.address) emit(events::Import{s.display(), b.target});
                              return pe::Resolution{b.address, reason};
                          },
                          &driver_unresolved, &err))
        return load_error(o.driver + ": " + err);
    // The driver's unbound imports, then its export drivers' (whose slots are in their images).
    std::vector<PendingImport> unresolved;
    for (auto& u : driver_unresolved) unresolved.push_back({base, {}, std::move(u)});
    for (const auto& p : export_driver_unresolved()) unresolved.push_back(p);
    for (const auto& u : unresolved)
        emit(events::Unresolved{u.unresolved.slot.display(),
                                u.importer.empty() ? u.unresolved.reason : "imported by " + u.importer + ": " + u.unresolved.reason});
    bool data_unbound = false;
    for (const auto& u : unresolved) data_unbound |= unbound_data_imports.count(u.unresolved.slot.display()) != 0;
    // A data import is never stubbed: the driver would read code as its data.
    if (!unresolved.empty() && (!o.stub_missing || data_unbound) && !o.imports_only) {
        emit(events::Refused{});
        return exit_code::unresolved_imports;
    }
    if (!unresolved.empty()) {
        // One stub per missing import, each calling stub_called(its index).
        const std::size_t stub_size = 32;
        auto* stubs = static_cast<std::uint8_t*>(VirtualAlloc(nullptr, unresolved.size() * stub_size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE));
        if (!stubs) return load_error("cannot allocate import stubs: " + last_error());
        for (std::size_t i = 0; i < unresolved.size(); ++i) {
            const pe::ImportSlot& slot = unresolved[i].unresolved.slot;
            stub_names.push_back(slot.display());
            auto code = pe::stub_code(sizeof(void*) == 8, static_cast<std::uint32_t>(i),
                                      reinterpret_cast<std::uintptr_t>(&stub_called));
            std::memcpy(stubs + i * stub_size, code.data(), code.size());
            const std::uintptr_t at = reinterpret_cast<std::uintptr_t>(stubs + i * stub_size);
            std::memcpy(unresolved[i].base + slot.iat_rva, &at, sizeof(void*));
            if (unresolved[i].importer.empty()) emit(events::Import{slot.display(), "stub"});
        }
        DWORD old = 0;
        VirtualProtect(stubs, unresolved.size() * stub_size, PAGE_EXECUTE_READ, &old);
    }
    set_protections(base, *img);
    FlushInstructionCache(GetCurrentProcess(), base, img->size_of_image);
    protect_export_drivers();
    if (o.imports_only) return exit_code::clean;

    std::wstring wpath = widen(o.driver), wservice = widen(o.service);
    build_driver_object({base, img->size_of_image, base + img->entry_point_rva,
                         std::u16string(wservice.begin(), wservice.end()), std::u16string(wpath.begin(), wpath.end())});
    install_exception_handling(bug_check);
    // The export drivers start before the image that imports them (DllInitialize, dependencies
    // first); one that fails fails the load.
    if (!initialize_export_drivers(&err)) return load_error(err);
    // Windows decides by how the image is loaded, not by IMAGE_FILE_DLL: a driver loaded as a
    // service gets its DriverEntry called, flag or not (Microsoft, "Creating Export Drivers": a
    // standard driver can be "built as an export driver and loaded as a regular driver"); only an
    // image loaded because another driver imports it is a kernel-mode DLL, started through
    // DllInitialize(RegistryPath) if it exports one and stopped through DllUnload() (without one
    // it stays loaded). The command-line image is a service unless --kernel-dll says otherwise.
    const bool kernel_dll = o.kernel_dll;
    void* dll_initialize = kernel_dll ? image_export(base, img->size_of_image, *img, "DllInitialize") : nullptr;
    void* dll_unload = kernel_dll ? image_export(base, img->size_of_image, *img, "DllUnload") : nullptr;
    if (kernel_dll) emit(events::KernelDll{dll_initialize ? 1u : 0u, dll_unload ? 1u : 0u});
    const std::int32_t status = !kernel_dll ? call_driver_entry() : dll_initialize ? call_dll_initialize(dll_initialize) : 0;
    emit(events::Entry{static_cast<std::uint32_t>(status)});
    if (status < 0) {
        // Windows unloads the image without calling DriverUnload; what the driver still holds
        // then is leaked all the same (the verifier checks at every image unload).
        check_leaks_at_unload(o);
        unload_export_drivers();
        return exit_code::entry_failure;
    }
    const bool unload = kernel_dll ? dll_unload != nullptr : has_unload_routine();
    emit(events::Unload{unload ? 1u : 0u});
    if (o.keep_seconds) {
        Sleep(o.keep_seconds * 1000);
        emit(events::Kept{o.keep_seconds});
    }
    emit_lookaside_snapshot();
    if (!unload) return exit_code::clean;
    if (kernel_dll)
        call_dll_unload(dll_unload);
    else
        call_driver_unload();
    emit(events::Unloaded{});
    check_leaks_at_unload(o);
    // The driver was the last importer of its export drivers: Windows unloads them now.
    unload_export_drivers();
    return exit_code::clean;
}

}  // namespace ntoshost
