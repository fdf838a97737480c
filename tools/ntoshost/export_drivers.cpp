// Export drivers the driver imports (export_drivers.h). Windows' loader resolves an import of a
// module that is not loaded yet by loading it as a kernel-mode DLL: from the directory of the
// image that imports it, else from %SystemRoot%\System32\Drivers, where export drivers are
// installed ("Export drivers must be installed in the %Windir%\System32\Drivers directory",
// Microsoft, "Creating Export Drivers"); it resolves the module's own imports the same way, calls
// its DllInitialize(RegistryPath) with HKLM\...\Services\<DllName> right after loading it, never
// its DriverEntry, and calls DllUnload when the last importer is gone (a module without DllUnload
// stays loaded). Wine keeps its own export drivers (usbd.sys, ndis.sys, ksecdd.sys...) in the
// prefix's system32\drivers too.
#include <windows.h>

#include <cstdio>
#include <cstring>
#include <list>

#include "child.h"
#include "crash.h"
#include "driver_object.h"
#include "export_drivers.h"
#include "image_setup.h"

namespace ntoshost {
namespace {

struct ExportDriver {
    std::string name;   // lower case, as imports name it: "usbd.sys"
    std::string path;
    std::string dir;
    pe::Image image;
    std::uint8_t* base = nullptr;
    std::uint32_t size = 0;
    bool failed = false;
    std::string error;
};

ImportResolver resolver;
std::list<ExportDriver> loaded;            // stable addresses; in the order loading started
std::vector<ExportDriver*> ready;          // in the order their imports were bound: dependencies first
std::vector<PendingImport> pending;

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    return s;
}

std::wstring widen(const std::string& s) {
    std::wstring w(s.size() + 1, L'\0');
    int n = MultiByteToWideChar(CP_UTF8, 0, s.c_str(), -1, w.data(), static_cast<int>(w.size()));
    w.resize(n > 0 ? n - 1 : 0);
    return w;
}

std::string narrow(const std::wstring& w) {
    std::string s(w.size() * 3 + 1, '\0');
    int n = WideCharToMultiByte(CP_UTF8, 0, w.c_str(), -1, s.data(), static_cast<int>(s.size()), nullptr, nullptr);
    s.resize(n > 0 ? n - 1 : 0);
    return s;
}

bool file_exists(const std::string& path) {
    DWORD a = GetFileAttributesW(widen(path).c_str());
    return a != INVALID_FILE_ATTRIBUTES && !(a & FILE_ATTRIBUTE_DIRECTORY);
}

// Where Windows' loader looks for an imported kernel module: the importing image's directory,
// then system32\drivers of the system (here: the Wine prefix's).
std::optional<std::string> find_module(const std::string& name, const std::string& importer_dir) {
    if (!importer_dir.empty() && file_exists(importer_dir + name)) return importer_dir + name;
    wchar_t sys[MAX_PATH];
    UINT n = GetSystemDirectoryW(sys, MAX_PATH);
    if (n && n < MAX_PATH) {
        const std::string drivers = narrow(std::wstring(sys, n)) + "\\drivers\\" + name;
        if (file_exists(drivers)) return drivers;
    }
    return std::nullopt;
}

std::string directory_of(const std::string& path) {
    const auto slash = path.find_last_of("\\/");
    return slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
}

// A forwarder's module as an import would name it: "ntoskrnl" is ntoskrnl.exe, "hal" hal.dll,
// any other kernel module a .sys.
std::string forwarder_module(const std::string& m) {
    const std::string l = lower(m);
    if (l.find('.') != std::string::npos) return l;
    if (l == "ntoskrnl") return "ntoskrnl.exe";
    if (l == "hal") return "hal.dll";
    return l + ".sys";
}

pe::Resolution lookup(const ExportDriver& m, const pe::ImportSlot& s) {
    for (const auto& e : m.image.exports) {
        if (s.by_ordinal ? e.ordinal != s.ordinal : e.name != s.name) continue;
        if (!e.forwarder.empty()) {
            const auto dot = e.forwarder.find('.');
            if (dot == std::string::npos || e.forwarder[dot + 1] == '#' || !resolver)
                return {0, m.name + " forwards it to " + e.forwarder + ", which the host cannot follow"};
            pe::ImportSlot f;
            f.module = forwarder_module(e.forwarder.substr(0, dot));
            f.name = e.forwarder.substr(dot + 1);
            return resolver(f, m.name, m.dir);
        }
        if (e.rva >= m.size) return {0, "export outside " + m.name};
        return {static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(m.base + e.rva)), {}};
    }
    return {0, "no such export in " + m.name};
}

bool load(ExportDriver& m, std::string* error) {
    std::string err;
    auto img = pe::load(m.path, &err);
    if (!img) return *error = m.path + ": " + err, false;
    if (auto v = pe::validate(*img)) return *error = m.path + ": " + *v, false;
    const std::uint16_t mine = sizeof(void*) == 8 ? pe::machine_amd64 : pe::machine_i386;
    if (img->machine != mine) return *error = m.path + ": not an image for this architecture", false;
    m.image = std::move(*img);
    m.size = m.image.size_of_image;
    void* want = (m.image.characteristics & 1) ? reinterpret_cast<void*>(static_cast<std::uintptr_t>(m.image.image_base)) : nullptr;
    m.base = static_cast<std::uint8_t*>(VirtualAlloc(want, m.size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE));
    if (!m.base) return *error = m.path + ": cannot allocate " + std::to_string(m.size) + " bytes", false;
    const auto actual = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(m.base));
    if (!pe::map_image(m.image, m.base, m.size, &err) || !pe::relocate(m.image, m.base, m.size, actual, &err))
        return *error = m.path + ": " + err, false;
    emit(events::Module{m.name, actual, m.size, m.path});
    register_image(m.name, m.base, m.size);
    // Windows' loader sets every image's /GS cookie; the seed only has to differ from the driver's.
    init_security_cookie(m.image, m.base, actual);
    register_function_table(m.image, m.base);
    std::vector<pe::Unresolved> unresolved;
    if (!pe::bind_imports(m.image, m.base, m.size, [&m](const pe::ImportSlot& s) { return resolver(s, m.name, m.dir); }, &unresolved, &err))
        return *error = m.path + ": " + err, false;
    for (auto& u : unresolved) pending.push_back({m.base, m.name, std::move(u)});
    return true;
}

void* module_export(const ExportDriver& m, const char* name) {
    for (const auto& e : m.image.exports)
        if (e.name == name && e.forwarder.empty() && e.rva < m.size) return m.base + e.rva;
    return nullptr;
}

}  // namespace

void set_import_resolver(ImportResolver r) { resolver = std::move(r); }

std::optional<pe::Resolution> export_driver_import(const pe::ImportSlot& slot, const std::string& importer_dir) {
    const std::string name = lower(slot.module);
    for (auto& m : loaded)
        if (m.name == name) {
            if (m.failed) return pe::Resolution{0, "module " + slot.module + " cannot be loaded: " + m.error};
            return lookup(m, slot);   // also while its own imports are being bound (an import cycle)
        }
    // A module the process already has (kernel32.dll, ntdll.dll: what Wine's own drivers import
    // besides the kernel) is the system loader's.
    if (GetModuleHandleA(slot.module.c_str())) return std::nullopt;
    auto path = find_module(name, importer_dir);
    if (!path) return std::nullopt;
    // Only kernel-mode images (IMAGE_SUBSYSTEM_NATIVE) are export drivers; a user-mode DLL next to
    // the driver (Wine's own directory of PE builtins holds both) goes to the system's loader.
    {
        std::string err;
        auto img = pe::load(*path, &err);
        if (img && img->subsystem != 1) return std::nullopt;
    }
    ExportDriver& m = loaded.emplace_back();
    m.name = name, m.path = *path, m.dir = directory_of(*path);
    if (!load(m, &m.error)) {
        m.failed = true;
        return pe::Resolution{0, "module " + slot.module + " cannot be loaded: " + m.error};
    }
    ready.push_back(&m);
    return lookup(m, slot);
}

const std::vector<PendingImport>& export_driver_unresolved() { return pending; }

void protect_export_drivers() {
    for (auto* m : ready) {
        for (const auto& r : pe::page_protections(m->image)) {
            DWORD prot = r.execute ? (r.write ? PAGE_EXECUTE_READWRITE : PAGE_EXECUTE_READ) : (r.write ? PAGE_READWRITE : PAGE_READONLY);
            DWORD old = 0;
            VirtualProtect(m->base + r.rva, r.size, prot, &old);
        }
        FlushInstructionCache(GetCurrentProcess(), m->base, m->size);
    }
}

bool initialize_export_drivers(std::string* error) {
    for (auto* m : ready) {
        void* init = module_export(*m, "DllInitialize");
        std::int32_t status = 0;
        if (init) {
            // DllInitialize gets HKLM\System\CurrentControlSet\Services\<DllName> (Microsoft,
            // "Creating Export Drivers"): the file name without its extension.
            std::string stem = m->name.substr(0, m->name.rfind('.'));
            std::u16string key = u"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\";
            for (char c : stem) key += static_cast<char16_t>(static_cast<unsigned char>(c));
            status = call_dll_initialize_with(init, key);
        }
        emit(events::ModuleInit{m->name, init ? 1u : 0u, static_cast<std::uint32_t>(status)});
        if (status < 0) {
            char buf[16];
            std::snprintf(buf, sizeof(buf), "0x%08X", static_cast<unsigned>(status));
            *error = m->name + ": DllInitialize returned " + buf + " (Windows then fails the load of the image importing it)";
            return false;
        }
    }
    return true;
}

void unload_export_drivers() {
    for (auto it = ready.rbegin(); it != ready.rend(); ++it) {
        void* unload = module_export(**it, "DllUnload");
        if (unload) call_dll_unload(unload);
        emit(events::ModuleUnload{(*it)->name, unload ? 1u : 0u});
    }
}

namespace {

// i386 argument bytes of the tracked routines (spec/ntoskrnl.exe.spec, stdcall): the trampoline
// copies them for the call and pops them on return.
struct TrackedRoutine {
    const char* name;
    unsigned arg_bytes;
};
constexpr TrackedRoutine tracked[] = {
    {"ExAllocatePool", 8},     {"ExAllocatePoolWithTag", 12}, {"ExAllocatePoolWithQuota", 8}, {"ExAllocatePoolWithQuotaTag", 12},
    {"ExAllocatePoolWithTagPriority", 16}, {"ExAllocatePool2", 16}, {"ExAllocatePool3", 24}, {"ExFreePool", 4},
    {"ExFreePoolWithTag", 8},  {"ExFreePool2", 16},           {"RtlFreeUnicodeString", 4},  {"RtlFreeAnsiString", 4},
};

struct Trampolines {
    std::string module;
    std::uint8_t* code = nullptr;
    std::size_t used = 0;
};
constexpr std::size_t trampoline_page = 0x1000;
constexpr std::size_t trampoline_size = 64;
std::list<Trampolines> trampolines;

void put(std::vector<std::uint8_t>& c, std::initializer_list<std::uint8_t> bytes) { c.insert(c.end(), bytes); }
template <class T> void put_value(std::vector<std::uint8_t>& c, T v) {
    const auto* b = reinterpret_cast<const std::uint8_t*>(&v);
    c.insert(c.end(), b, b + sizeof(T));
}

// A call to `thunk` with the caller's arguments, from code of its own:
//   x64:  sub rsp,38h; mov rax,[rsp+60h]; mov [rsp+20h],rax; mov rax,[rsp+68h]; mov [rsp+28h],rax
//         mov rax,thunk; call rax; add rsp,38h; ret           (arguments 5 and 6 copied)
//   i386: push dword [esp+N] (N/4 times); mov eax,thunk; call eax; ret N
std::vector<std::uint8_t> trampoline_code(void* thunk, unsigned arg_bytes) {
    std::vector<std::uint8_t> c;
#if defined(__x86_64__)
    (void)arg_bytes;
    put(c, {0x48, 0x83, 0xEC, 0x38});
    put(c, {0x48, 0x8B, 0x44, 0x24, 0x60, 0x48, 0x89, 0x44, 0x24, 0x20});
    put(c, {0x48, 0x8B, 0x44, 0x24, 0x68, 0x48, 0x89, 0x44, 0x24, 0x28});
    put(c, {0x48, 0xB8});
    put_value(c, reinterpret_cast<std::uint64_t>(thunk));
    put(c, {0xFF, 0xD0, 0x48, 0x83, 0xC4, 0x38, 0xC3});
#else
    for (unsigned i = 0; i < arg_bytes / 4; ++i) put(c, {0xFF, 0x74, 0x24, static_cast<std::uint8_t>(arg_bytes)});
    put(c, {0xB8});
    put_value(c, reinterpret_cast<std::uint32_t>(thunk));
    put(c, {0xFF, 0xD0, 0xC2});
    put_value(c, static_cast<std::uint16_t>(arg_bytes));
#endif
    return c;
}

#if defined(__x86_64__)
// Unwind data for the trampolines (one RUNTIME_FUNCTION each): a 4-byte prologue that allocates
// 38h bytes (UWOP_ALLOC_SMALL, OpInfo (38h-8)/8 = 6), so exceptions and stack walks pass through.
struct TrampolineUnwind {
    std::uint8_t version_flags = 1, prolog = 4, codes = 1, frame = 0;
    std::uint8_t code_offset = 4, op = 0x62;   // UnwindOp 2 (ALLOC_SMALL), OpInfo 6
    std::uint16_t pad = 0;
};
#endif

}  // namespace

void* export_driver_pool_trampoline(const std::string& module, const char* name, void* thunk) {
    unsigned arg_bytes = 0;
    bool known = false;
    for (const auto& t : tracked)
        if (!std::strcmp(t.name, name)) known = true, arg_bytes = t.arg_bytes;
    if (!known || !thunk) return nullptr;
    Trampolines* t = nullptr;
    for (auto& x : trampolines)
        if (x.module == module) t = &x;
    if (!t) {
        t = &trampolines.emplace_back();
        t->module = module;
        t->code = static_cast<std::uint8_t*>(VirtualAlloc(nullptr, trampoline_page, MEM_RESERVE | MEM_COMMIT, PAGE_EXECUTE_READWRITE));
        if (!t->code) return nullptr;
#if defined(__x86_64__)
        // The second half of the page holds the unwind data and the function table.
        auto* unwind = reinterpret_cast<TrampolineUnwind*>(t->code + trampoline_page / 2);
        *unwind = TrampolineUnwind{};
        auto* table = reinterpret_cast<RUNTIME_FUNCTION*>(t->code + trampoline_page / 2 + 16);
        const std::size_t count = (trampoline_page / 2) / trampoline_size;
        for (std::size_t i = 0; i < count; ++i)
            table[i] = RUNTIME_FUNCTION{static_cast<DWORD>(i * trampoline_size), static_cast<DWORD>(i * trampoline_size + trampoline_size),
                                        static_cast<DWORD>(trampoline_page / 2)};
        RtlAddFunctionTable(table, static_cast<DWORD>(count), reinterpret_cast<DWORD64>(t->code));
#endif
    }
    if ((t->used + 1) * trampoline_size > trampoline_page / 2) return nullptr;
    const auto code = trampoline_code(thunk, arg_bytes);
    std::uint8_t* at = t->code + t->used++ * trampoline_size;
    std::memcpy(at, code.data(), code.size());
    FlushInstructionCache(GetCurrentProcess(), at, code.size());
    return at;
}

std::string export_driver_at(const void* return_address) {
    const auto* p = static_cast<const std::uint8_t*>(return_address);
    for (const auto& t : trampolines)
        if (t.code && p >= t.code && p < t.code + trampoline_page / 2) return t.module;
    return {};
}

}  // namespace ntoshost
