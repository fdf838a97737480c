// Win32/ntdll implementation of the platform services for the PE module. The registry is read
// through ntdll's native API, as the kernel reads it, so the module needs no advapi32.
#include <windows.h>

#include <cstring>
#include <winternl.h>

#include <atomic>

#include "platform/platform.h"

extern "C" {
NTSYSAPI NTSTATUS NTAPI NtOpenKey(PHANDLE, ACCESS_MASK, POBJECT_ATTRIBUTES);
NTSYSAPI NTSTATUS NTAPI NtQueryValueKey(HANDLE, PUNICODE_STRING, ULONG /*KEY_VALUE_INFORMATION_CLASS*/, PVOID,
                                        ULONG, PULONG);
}

namespace platform {
namespace {

// KEY_VALUE_PARTIAL_INFORMATION (ntddk.h), declared here because winternl.h lacks it.
struct KeyValuePartialInformation {
    ULONG TitleIndex;
    ULONG Type;
    ULONG DataLength;
    UCHAR Data[1];
};
constexpr ULONG KeyValuePartialInformationClass = 2;

UNICODE_STRING make_unicode(const wchar_t* s) {
    UNICODE_STRING u;
    u.Buffer = const_cast<PWSTR>(s);
    u.Length = static_cast<USHORT>(lstrlenW(s) * sizeof(wchar_t));
    u.MaximumLength = static_cast<USHORT>(u.Length + sizeof(wchar_t));
    return u;
}

}  // namespace

void write_stderr(std::string_view text) {
    HANDLE h = GetStdHandle(STD_ERROR_HANDLE);
    if (h == nullptr || h == INVALID_HANDLE_VALUE) {
        // A service process (winedevice.exe) has no standard handles; Wine's own messages go to
        // the Unix stderr it inherited, through ntdll's __wine_dbg_output (Wine only), and so do
        // the module's (a STOP line in the drop-in lands beside Wine's errors).
        using DbgOutputFn = int(__cdecl*)(const char*);
        static const auto wine_output = reinterpret_cast<DbgOutputFn>(
            reinterpret_cast<void*>(GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "__wine_dbg_output")));
        if (!wine_output) return;
        char chunk[512];
        while (!text.empty()) {
            const std::size_t n = text.size() < sizeof(chunk) - 1 ? text.size() : sizeof(chunk) - 1;
            // A loop, not memcpy: hal.dll links this file and imports no C runtime.
            for (std::size_t i = 0; i < n; ++i) chunk[i] = text[i];
            chunk[n] = 0;
            wine_output(chunk);
            text.remove_prefix(n);
        }
        return;
    }
    while (!text.empty()) {
        DWORD written = 0;
        if (!WriteFile(h, text.data(), static_cast<DWORD>(text.size()), &written, nullptr) || written == 0) return;
        text.remove_prefix(written);
    }
}

void terminate_process(std::uint32_t exit_status) {
    // TerminateProcess, not ExitProcess: a stopped system runs no DLL detach code.
    TerminateProcess(GetCurrentProcess(), exit_status);
    for (;;) Sleep(INFINITE);
}

void halt_thread() {
    for (;;) Sleep(INFINITE);
}

std::uint64_t physical_memory_bytes() {
    MEMORYSTATUSEX ms;
    ms.dwLength = sizeof(ms);
    return GlobalMemoryStatusEx(&ms) ? ms.ullTotalPhys : 0;
}

std::int32_t query_system_information(std::uint32_t info_class, void* buffer, std::uint32_t length,
                                      std::uint32_t* return_length) {
    ULONG got = 0;
    NTSTATUS st = NtQuerySystemInformation(static_cast<SYSTEM_INFORMATION_CLASS>(info_class), buffer, length, &got);
    if (return_length) *return_length = got;
    return st;
}

void debug_output(const char* text, std::size_t length) {
    OutputDebugStringA(text);
    static const bool quiet = environment_flag("NTOSKRNL_DBGPRINT_QUIET");
    if (!quiet) write_stderr(std::string_view(text, length));
}

bool environment_flag(const char* name) {
    char value[8];
    const DWORD n = GetEnvironmentVariableA(name, value, sizeof(value));
    if (n == 0) return false;
    return !(n == 1 && value[0] == '0');
}

namespace {
// Called by the module's vectored handler (below), installed at load by install_fault_handlers.
std::atomic<AccessFaultHandler> fault_handler{nullptr};
}  // namespace

void install_access_fault_handler(AccessFaultHandler handler) {
    AccessFaultHandler expected = nullptr;
    if (fault_handler.compare_exchange_strong(expected, handler)) install_fault_handlers();
}

extern "C" IMAGE_DOS_HEADER __ImageBase;

bool address_in_this_module(std::uintptr_t address) {
    const auto base = reinterpret_cast<std::uintptr_t>(&__ImageBase);
    const auto* nt = reinterpret_cast<const IMAGE_NT_HEADERS*>(base + __ImageBase.e_lfanew);
    return address - base < nt->OptionalHeader.SizeOfImage;
}

void* reserve_address_space(std::size_t bytes) {
    return VirtualAlloc(nullptr, bytes, MEM_RESERVE, PAGE_NOACCESS);
}

bool commit(void* address, std::size_t bytes, Protection protection) {
    DWORD prot = protection == Protection::read_write_execute ? PAGE_EXECUTE_READWRITE : PAGE_READWRITE;
    return VirtualAlloc(address, bytes, MEM_COMMIT, prot) != nullptr;
}

void decommit(void* address, std::size_t bytes) { VirtualFree(address, bytes, MEM_DECOMMIT); }

void yield_thread() { SwitchToThread(); }

std::uint64_t performance_counter(std::uint64_t* frequency) {
    LARGE_INTEGER counter, ticks_per_second;
    QueryPerformanceCounter(&counter);
    if (frequency) {
        QueryPerformanceFrequency(&ticks_per_second);
        *frequency = static_cast<std::uint64_t>(ticks_per_second.QuadPart);
    }
    return static_cast<std::uint64_t>(counter.QuadPart);
}

int tls_slot_allocate(void (*)()) {   // DllMain runs the exit hook (DLL_THREAD_DETACH)
    DWORD slot = TlsAlloc();
    return slot == TLS_OUT_OF_INDEXES ? -1 : static_cast<int>(slot);
}

void* tls_get_slow(int slot) { return TlsGetValue(static_cast<DWORD>(slot)); }

void tls_set(int slot, void* value) { TlsSetValue(static_cast<DWORD>(slot), value); }

void raise_status(std::int32_t status) {
    RaiseException(static_cast<DWORD>(status), EXCEPTION_NONCONTINUABLE, 0, nullptr);
    for (;;) Sleep(INFINITE);   // a handler may not continue a noncontinuable exception
}

namespace {

// Reads one registry value through ntdll into buf; returns the value's KEY_VALUE_PARTIAL_INFORMATION
// or nullptr if the key or value cannot be read (or does not fit).
const KeyValuePartialInformation* query_value(const char16_t* key_path, const char16_t* value, void* buf, ULONG size) {
    UNICODE_STRING key_name = make_unicode(reinterpret_cast<const wchar_t*>(key_path));
    UNICODE_STRING value_name = make_unicode(reinterpret_cast<const wchar_t*>(value));
    OBJECT_ATTRIBUTES attr;
    InitializeObjectAttributes(&attr, &key_name, OBJ_CASE_INSENSITIVE, nullptr, nullptr);
    HANDLE key = nullptr;
    if (NtOpenKey(&key, KEY_QUERY_VALUE, &attr) < 0) return nullptr;
    ULONG got = 0;
    NTSTATUS st = NtQueryValueKey(key, &value_name, KeyValuePartialInformationClass, buf, size, &got);
    CloseHandle(key);
    return st < 0 ? nullptr : static_cast<const KeyValuePartialInformation*>(buf);
}

}  // namespace

int read_product_type(char16_t* buf, std::size_t capacity) {
    alignas(8) unsigned char raw[sizeof(KeyValuePartialInformation) + 64 * sizeof(wchar_t)];
    const KeyValuePartialInformation* info =
        query_value(u"\\Registry\\Machine\\System\\CurrentControlSet\\Control\\ProductOptions", u"ProductType", raw,
                    sizeof(raw));
    if (!info || (info->Type != REG_SZ && info->Type != REG_EXPAND_SZ)) return -1;

    std::size_t chars = info->DataLength / sizeof(char16_t);
    const auto* data = reinterpret_cast<const char16_t*>(info->Data);
    while (chars > 0 && data[chars - 1] == u'\0') --chars;   // drop the terminator(s)
    if (chars > capacity) chars = capacity;
    for (std::size_t i = 0; i < chars; ++i) buf[i] = data[i];
    return static_cast<int>(chars);
}

bool read_registry_dword(const char16_t* key_path, const char16_t* value, std::uint32_t* out) {
    alignas(8) unsigned char raw[sizeof(KeyValuePartialInformation) + 16];
    const KeyValuePartialInformation* info = query_value(key_path, value, raw, sizeof(raw));
    if (!info || info->Type != REG_DWORD || info->DataLength != sizeof(DWORD)) return false;
    DWORD v;
    memcpy(&v, info->Data, sizeof(v));
    *out = v;
    return true;
}

std::size_t read_registry_string(const char16_t* key_path, const char16_t* value, char16_t* out, std::size_t capacity) {
    if (!capacity) return 0;
    alignas(8) unsigned char raw[sizeof(KeyValuePartialInformation) + 2048];
    const KeyValuePartialInformation* info = query_value(key_path, value, raw, sizeof(raw));
    out[0] = 0;
    if (!info || (info->Type != REG_SZ && info->Type != REG_EXPAND_SZ)) return 0;
    std::size_t n = info->DataLength / sizeof(char16_t);
    if (n > capacity - 1) n = capacity - 1;
    const auto* data = reinterpret_cast<const unsigned char*>(info->Data);
    for (std::size_t i = 0; i < n; ++i)   // unaligned little-endian UTF-16; no memcpy (hal.dll links this file)
        out[i] = static_cast<char16_t>(data[2 * i] | data[2 * i + 1] << 8);
    while (n && out[n - 1] == 0) --n;   // the stored terminator
    out[n] = 0;
    return n;
}

bool start_thread(void (*entry)(void*), void* arg) {
    struct Start {
        void (*entry)(void*);
        void* arg;
    };
    // The process heap, not the pool: starting a thread must not depend on the pool's state.
    auto* start = static_cast<Start*>(HeapAlloc(GetProcessHeap(), 0, sizeof(Start)));
    if (!start) return false;
    *start = Start{entry, arg};
    struct Trampoline {
        static DWORD WINAPI run(LPVOID p) {
            Start s = *static_cast<Start*>(p);
            HeapFree(GetProcessHeap(), 0, p);
            s.entry(s.arg);
            return 0;
        }
    };
    HANDLE h = CreateThread(nullptr, 64 * 1024, &Trampoline::run, start, STACK_SIZE_PARAM_IS_A_RESERVATION, nullptr);
    if (!h) {
        HeapFree(GetProcessHeap(), 0, start);
        return false;
    }
    CloseHandle(h);
    return true;
}

WakeEvent* wake_event_create() { return reinterpret_cast<WakeEvent*>(CreateEventW(nullptr, FALSE, FALSE, nullptr)); }

void wake_event_wait(WakeEvent* e, int timeout_ms) {
    WaitForSingleObject(reinterpret_cast<HANDLE>(e), timeout_ms < 0 ? INFINITE : static_cast<DWORD>(timeout_ms));
}

void wake_event_signal(WakeEvent* e) { SetEvent(reinterpret_cast<HANDLE>(e)); }

}  // namespace platform

// ---- The module's vectored exception handler ----
// One handler, registered once at module load, tries in turn:
//  1. the SList pop's fault-tolerant read (the module's own code: resume it);
//  2. on x86_64, a driver's move to or from CR8 (emulate it on the emulated IRQL);
//  3. the special pool's access faults (bug check).
// A vectored handler runs before any frame-based one, so a driver's __try cannot swallow a
// special-pool fault (Windows does not let it either: bug check 0xCC's remarks), nor see the
// exception of an emulated CR8 access (on Windows there is none).
namespace {

// Fault-tolerant pointer read (the SList pop hazard, ex/slist.h): read_pointer_guarded
// (platform.h) marks its load with a NOP carrying "SLGT" right before it and its resume point
// with one carrying "SLGR". A thread that faulted on a marked load moves to the resume point,
// where the read reports false. Windows resumes a faulting SList pop the same way (from the start
// of the pop).
constexpr unsigned char guard_marker[] = {0x0f, 0x1f, 0x80, 'S', 'L', 'G', 'T'};
constexpr unsigned char resume_marker[] = {0x0f, 0x1f, 0x80, 'S', 'L', 'G', 'R'};
constexpr std::size_t marker_size = sizeof(guard_marker);
constexpr std::size_t resume_search_bytes = 32;   // load + mov + jmp fit well inside
// The module's image: only faults of its own code are looked at there, so the markers are never
// searched for around an instruction pointer that is not mapped code.
std::uintptr_t image_begin, image_end;

#if defined(__x86_64__)
DWORD64& instruction_pointer(CONTEXT* c) { return c->Rip; }
#else
DWORD& instruction_pointer(CONTEXT* c) { return c->Eip; }
#endif

bool resume_guarded_read(EXCEPTION_POINTERS* info) {
    // A fault of that one load, whatever it is reported as: 32-bit Wine under qemu-user reports a
    // read of released memory as an illegal instruction (measured), Windows as an access
    // violation or an in-page error.
    const DWORD code = info->ExceptionRecord->ExceptionCode;
    if (code != EXCEPTION_ACCESS_VIOLATION && code != EXCEPTION_IN_PAGE_ERROR && code != EXCEPTION_ILLEGAL_INSTRUCTION)
        return false;
    auto& ip = instruction_pointer(info->ContextRecord);
    // The code bytes around ip are our own, mapped (the fault is the load's data access).
    const auto at = static_cast<std::uintptr_t>(ip);
    if (at < image_begin + marker_size || at + resume_search_bytes + marker_size > image_end) return false;
    const auto* code_at = reinterpret_cast<const unsigned char*>(at);
    if (std::memcmp(code_at - marker_size, guard_marker, marker_size) != 0) return false;
    for (std::size_t i = 0; i < resume_search_bytes; ++i) {
        if (std::memcmp(code_at + i, resume_marker, marker_size) == 0) {
            ip = at + i + marker_size;
            return true;
        }
    }
    return false;
}

#if defined(__x86_64__)
// Copies up to `size` bytes at `address` into out, stopping at the first byte that is not in
// committed, readable memory (an instruction pointer that faulted may point anywhere, e.g. after
// a jump to an unmapped page). Returns the number of bytes copied.
std::size_t read_code_bytes(std::uintptr_t address, std::uint8_t* out, std::size_t size) {
    constexpr DWORD readable = PAGE_READONLY | PAGE_READWRITE | PAGE_WRITECOPY | PAGE_EXECUTE_READ |
                               PAGE_EXECUTE_READWRITE | PAGE_EXECUTE_WRITECOPY;
    std::size_t got = 0;
    while (got < size) {
        MEMORY_BASIC_INFORMATION mbi;
        const auto at = address + got;
        if (at < address || VirtualQuery(reinterpret_cast<LPCVOID>(at), &mbi, sizeof(mbi)) == 0) break;
        if (mbi.State != MEM_COMMIT || (mbi.Protect & (PAGE_GUARD | PAGE_NOACCESS)) || !(mbi.Protect & readable)) break;
        const auto region_end = reinterpret_cast<std::uintptr_t>(mbi.BaseAddress) + mbi.RegionSize;
        const std::size_t n = region_end - at < size - got ? static_cast<std::size_t>(region_end - at) : size - got;
        std::memcpy(out + got, reinterpret_cast<const void*>(at), n);
        got += n;
    }
    return got;
}

// A faulting instruction the kernel may emulate (install_instruction_fault_handler): x86_64
// Wine reports a driver's privileged `mov %cr8, reg` as EXCEPTION_PRIV_INSTRUCTION (measured); an
// access violation or an illegal instruction is offered too (Wine's own ntoskrnl.exe emulates on
// privileged instructions and access violations alike): the bytes at the instruction pointer decide.
std::atomic<platform::InstructionFaultHandler> instruction_handler{nullptr};

bool emulate_instruction(EXCEPTION_POINTERS* info) {
    const DWORD code = info->ExceptionRecord->ExceptionCode;
    if (code != EXCEPTION_PRIV_INSTRUCTION && code != EXCEPTION_ACCESS_VIOLATION && code != EXCEPTION_ILLEGAL_INSTRUCTION)
        return false;
    const platform::InstructionFaultHandler handler = instruction_handler.load(std::memory_order_acquire);
    if (!handler) return false;
    CONTEXT* c = info->ContextRecord;
    std::uint8_t bytes[platform::instruction_bytes];
    const std::size_t got = read_code_bytes(static_cast<std::uintptr_t>(c->Rip), bytes, sizeof(bytes));
    // CONTEXT's general registers by encoded register number.
    std::uint64_t* const regs[16] = {&c->Rax, &c->Rcx, &c->Rdx, &c->Rbx, &c->Rsp, &c->Rbp, &c->Rsi, &c->Rdi,
                                     &c->R8,  &c->R9,  &c->R10, &c->R11, &c->R12, &c->R13, &c->R14, &c->R15};
    const std::size_t length = handler(bytes, got, regs);
    if (!length) return false;
    c->Rip += length;
    return true;
}
#endif

// Access faults the special pool owns (install_access_fault_handler); the handler does not
// return for those (it bug checks).
bool special_pool_fault(EXCEPTION_POINTERS* info) {
    const EXCEPTION_RECORD* r = info->ExceptionRecord;
    if (r->ExceptionCode != EXCEPTION_ACCESS_VIOLATION || r->NumberParameters < 2) return false;
    const platform::AccessFaultHandler handler = platform::fault_handler.load(std::memory_order_acquire);
    // ExceptionInformation[0]: 0 read, 1 write, 8 execute; [1] the address.
    return handler && handler(static_cast<std::uintptr_t>(r->ExceptionInformation[1]), r->ExceptionInformation[0] == 1,
                              reinterpret_cast<std::uintptr_t>(r->ExceptionAddress));
}

LONG CALLBACK dispatch_exception(EXCEPTION_POINTERS* info) {
    if (resume_guarded_read(info)) return EXCEPTION_CONTINUE_EXECUTION;
#if defined(__x86_64__)
    if (emulate_instruction(info)) return EXCEPTION_CONTINUE_EXECUTION;
#endif
    if (special_pool_fault(info)) return EXCEPTION_CONTINUE_EXECUTION;   // not reached: it bug checks
    return EXCEPTION_CONTINUE_SEARCH;
}

std::atomic<bool> dispatcher_installed{false};
void* dispatcher_handle;

}  // namespace

namespace platform {

void install_fault_handlers() {
    if (dispatcher_installed.exchange(true, std::memory_order_acq_rel)) return;
    HMODULE self = nullptr;
    if (GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                           reinterpret_cast<LPCWSTR>(&install_fault_handlers), &self)) {
        const auto* base = reinterpret_cast<const unsigned char*>(self);
        const auto* nt =
            reinterpret_cast<const IMAGE_NT_HEADERS*>(base + reinterpret_cast<const IMAGE_DOS_HEADER*>(base)->e_lfanew);
        image_begin = reinterpret_cast<std::uintptr_t>(base);
        image_end = image_begin + nt->OptionalHeader.SizeOfImage;
    }
    // First among vectored handlers: a driver's CR8 access must not reach anyone else's.
    dispatcher_handle = AddVectoredExceptionHandler(1, dispatch_exception);
}

void install_instruction_fault_handler(InstructionFaultHandler handler) {
#if defined(__x86_64__)
    instruction_handler.store(handler, std::memory_order_release);
#else
    (void)handler;   // i386 drivers raise the IRQL through hal.dll: no instruction to emulate
#endif
}

void keep_fault_handlers_first() {
    if (!dispatcher_installed.load(std::memory_order_acquire) || !dispatcher_handle) return;
    // Wine's builtin adds its own first-place handler in its DllMain, which may run after the
    // module's (its CR8 emulation would then answer IRQL 0): take first place again.
    if (RemoveVectoredExceptionHandler(dispatcher_handle)) dispatcher_handle = AddVectoredExceptionHandler(1, dispatch_exception);
}

void raise_unimplemented(const char* module, const char* function) {
    // Wine's stub record (its __wine_spec_unimplemented_stub): code EXCEPTION_WINE_STUB,
    // noncontinuable, two parameters, the module name then the function name, both char*.
    const ULONG_PTR names[2] = {reinterpret_cast<ULONG_PTR>(module), reinterpret_cast<ULONG_PTR>(function)};
    RaiseException(0x80000100, EXCEPTION_NONCONTINUABLE, 2, names);
    for (;;) Sleep(INFINITE);
}

unsigned active_processor_count() {
    DWORD n = GetActiveProcessorCount(ALL_PROCESSOR_GROUPS);
    if (n == 0) {
        SYSTEM_INFO si;
        GetSystemInfo(&si);
        n = si.dwNumberOfProcessors;
    }
    return n;
}

std::uintptr_t highest_user_address() {
    SYSTEM_INFO si;
    GetSystemInfo(&si);
    return reinterpret_cast<std::uintptr_t>(si.lpMaximumApplicationAddress);
}

std::uint32_t oem_code_page() { return GetOEMCP(); }
std::uint32_t ansi_code_page() { return GetACP(); }

bool code_page_lead_bytes(std::uint32_t code_page, std::uint8_t (&ranges)[12]) {
    CPINFO info;
    if (!GetCPInfo(code_page, &info)) return false;
    static_assert(sizeof(info.LeadByte) == sizeof(ranges));
    std::memcpy(ranges, info.LeadByte, sizeof(ranges));
    return true;
}

}  // namespace platform
