// Win32/ntdll implementation of the platform services for the PE module. The registry is read
// through ntdll's native API, as the kernel reads it, so the module needs no advapi32.
#include <windows.h>
#include <winternl.h>

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
    if (h == nullptr || h == INVALID_HANDLE_VALUE) return;
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

void* reserve_address_space(std::size_t bytes) {
    return VirtualAlloc(nullptr, bytes, MEM_RESERVE, PAGE_NOACCESS);
}

bool commit(void* address, std::size_t bytes, Protection protection) {
    DWORD prot = protection == Protection::read_write_execute ? PAGE_EXECUTE_READWRITE : PAGE_READWRITE;
    return VirtualAlloc(address, bytes, MEM_COMMIT, prot) != nullptr;
}

void decommit(void* address, std::size_t bytes) { VirtualFree(address, bytes, MEM_DECOMMIT); }

void yield_thread() { SwitchToThread(); }

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

int read_product_type(char16_t* buf, std::size_t capacity) {
    UNICODE_STRING key_name = make_unicode(L"\\Registry\\Machine\\System\\CurrentControlSet\\Control\\ProductOptions");
    UNICODE_STRING value_name = make_unicode(L"ProductType");
    OBJECT_ATTRIBUTES attr;
    InitializeObjectAttributes(&attr, &key_name, OBJ_CASE_INSENSITIVE, nullptr, nullptr);
    HANDLE key = nullptr;
    if (NtOpenKey(&key, KEY_QUERY_VALUE, &attr) < 0) return -1;

    alignas(8) unsigned char raw[sizeof(KeyValuePartialInformation) + 64 * sizeof(wchar_t)];
    ULONG got = 0;
    NTSTATUS st = NtQueryValueKey(key, &value_name, KeyValuePartialInformationClass, raw, sizeof(raw), &got);
    CloseHandle(key);
    if (st < 0) return -1;
    auto* info = reinterpret_cast<KeyValuePartialInformation*>(raw);
    if (info->Type != REG_SZ && info->Type != REG_EXPAND_SZ) return -1;

    std::size_t chars = info->DataLength / sizeof(char16_t);
    const auto* data = reinterpret_cast<const char16_t*>(info->Data);
    while (chars > 0 && data[chars - 1] == u'\0') --chars;   // drop the terminator(s)
    if (chars > capacity) chars = capacity;
    for (std::size_t i = 0; i < chars; ++i) buf[i] = data[i];
    return static_cast<int>(chars);
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

bool read_environment(const char* name, char* buf, std::size_t capacity) {
    if (capacity == 0) return false;
    DWORD n = GetEnvironmentVariableA(name, buf, static_cast<DWORD>(capacity));
    if (n == 0 && GetLastError() == ERROR_ENVVAR_NOT_FOUND) return false;
    if (n >= capacity) buf[capacity - 1] = '\0';   // too long: keep what fits
    return true;
}

}  // namespace platform

// ---- Fault-tolerant pointer read (the SList pop hazard, ex/slist.h) ----
// platform_guarded_read(address, out) loads one word at a known instruction. If that load faults,
// the vectored handler below (installed by DllMain) moves the instruction pointer to
// platform_guarded_read_fault, which returns 0; otherwise the function stores the word and
// returns 1. Windows resumes a faulting SList pop the same way (from the start of the pop).
extern "C" char platform_guarded_read_load[], platform_guarded_read_fault[];
#if defined(__x86_64__)
__asm__(".text\n"
        ".globl platform_guarded_read\n"
        ".globl platform_guarded_read_load\n"
        ".globl platform_guarded_read_fault\n"
        "platform_guarded_read:\n"
        "platform_guarded_read_load:\n"
        "    movq (%rcx), %rax\n"
        "    movq %rax, (%rdx)\n"
        "    movl $1, %eax\n"
        "    ret\n"
        "platform_guarded_read_fault:\n"
        "    xorl %eax, %eax\n"
        "    ret\n");
#else
__asm__(".text\n"
        ".globl _platform_guarded_read\n"
        ".globl _platform_guarded_read_load\n"
        ".globl _platform_guarded_read_fault\n"
        "_platform_guarded_read:\n"
        "    movl 4(%esp), %ecx\n"
        "    movl 8(%esp), %edx\n"
        "_platform_guarded_read_load:\n"
        "    movl (%ecx), %eax\n"
        "    movl %eax, (%edx)\n"
        "    movl $1, %eax\n"
        "    ret\n"
        "_platform_guarded_read_fault:\n"
        "    xorl %eax, %eax\n"
        "    ret\n");
#endif

namespace platform {
namespace {

LONG CALLBACK slist_fault_handler(EXCEPTION_POINTERS* info) {
    // A fault of that one load, whatever it is reported as: 32-bit Wine under qemu-user reports a
    // read of released memory as an illegal instruction (measured), Windows as an access
    // violation or an in-page error.
    const DWORD code = info->ExceptionRecord->ExceptionCode;
    if (code != EXCEPTION_ACCESS_VIOLATION && code != EXCEPTION_IN_PAGE_ERROR && code != EXCEPTION_ILLEGAL_INSTRUCTION)
        return EXCEPTION_CONTINUE_SEARCH;
#if defined(__x86_64__)
    DWORD64& ip = info->ContextRecord->Rip;
    using Ip = DWORD64;
#else
    DWORD& ip = info->ContextRecord->Eip;
    using Ip = DWORD;
#endif
    if (ip != reinterpret_cast<Ip>(platform_guarded_read_load)) return EXCEPTION_CONTINUE_SEARCH;
    ip = reinterpret_cast<Ip>(platform_guarded_read_fault);
    return EXCEPTION_CONTINUE_EXECUTION;
}

}  // namespace

void install_fault_handlers() { AddVectoredExceptionHandler(1, slist_fault_handler); }

}  // namespace platform
