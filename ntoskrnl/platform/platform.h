// The few services the portable core needs from the system it runs on. The PE module implements
// them over Win32/ntdll (platform/win32.cpp); the Linux build used by unit tests, sanitizers and
// fuzzers implements them over POSIX (platform/posix.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace platform {

// Writes diagnostic text to the process's standard error, unbuffered.
void write_stderr(std::string_view text);

// A DbgPrint message that passed the filter, as the kernel debugger would receive it: to
// OutputDebugStringA (a debugger, or the driver host, sees it) and to stderr, unless the
// environment variable NTOSKRNL_DBGPRINT_QUIET is set (the driver host captures the messages
// itself and echoes them only when asked). The Linux build writes stderr only.
void debug_output(const char* text, std::size_t length);

// Ends the whole process at once (no DLL detach, no atexit) with the given exit status.
[[noreturn]] void terminate_process(std::uint32_t exit_status);

// Parks the calling thread forever (used by a second bug check racing the first).
[[noreturn]] void halt_thread();

// Bytes of physical memory the system reports.
std::uint64_t physical_memory_bytes();

// ---- Virtual memory (the pool's address space) ----
enum class Protection { read_write, read_write_execute };

// Reserves address space (no memory behind it yet); nullptr on failure.
void* reserve_address_space(std::size_t bytes);
// Commits [address, address + bytes) inside a reservation with the given protection.
bool commit(void* address, std::size_t bytes, Protection protection);
// Returns the memory behind [address, address + bytes) to the system; the range stays reserved
// and any access to it faults.
void decommit(void* address, std::size_t bytes);

// The system's performance counter (QueryPerformanceCounter's in the module, CLOCK_MONOTONIC in
// nanoseconds on the host) and, if frequency is not null, its ticks per second.
std::uint64_t performance_counter(std::uint64_t* frequency);

// ---- Threads ----
void yield_thread();
// One pointer of per-thread storage for the pool's thread heaps. tls_slot_allocate() returns a
// slot id (or -1); get/set are the allocator's hot path. `at_thread_exit` runs on a thread that
// ends with a value in the slot (POSIX: a key destructor; the PE module calls it from DllMain's
// DLL_THREAD_DETACH instead, since Windows TLS slots have no destructors).
int tls_slot_allocate(void (*at_thread_exit)());
void* tls_get_slow(int slot);
void tls_set(int slot, void* value);
inline void* tls_get(int slot);
// A nonzero, even value unique to the calling thread while it runs: the address of its TEB in
// the module (the emulated thread object), of a thread_local on POSIX. Spin locks store it.
inline std::uintptr_t thread_tag();

// Starts a detached background thread running entry(arg); false if it could not be created.
bool start_thread(void (*entry)(void*), void* arg);

// An auto-reset event for parking a background thread: wait() returns when signalled (consuming
// the signal) or after timeout_ms (no timeout if negative).
struct WakeEvent;
WakeEvent* wake_event_create();
void wake_event_wait(WakeEvent* event, int timeout_ms);
void wake_event_signal(WakeEvent* event);

// Reads the pointer-sized word at `address` into *value. Returns false instead of faulting when
// the address is not readable (the SList pop hazard, ex/slist.h). The host build reads plainly:
// its tests never unmap list entries. In the PE module each use is one inline load marked by a
// 7-byte NOP before it ("SLGT" as its displacement) and followed by a resume point marked the
// same way ("SLGR"); a vectored exception handler, installed at module load, moves a thread that
// faults on a marked load to the resume point, where the read reports false.
#if defined(_WIN32) && (defined(__x86_64__) || defined(__i386__))
inline bool read_pointer_guarded(const void* address, std::uintptr_t* value) {
    std::uintptr_t v;
    int ok;
    __asm__ volatile(
        ".byte 0x0f, 0x1f, 0x80, 0x53, 0x4c, 0x47, 0x54\n\t"   // nopl "SLGT"(%eax): a guarded load follows
        "mov (%2), %0\n\t"
        "mov $1, %1\n\t"
        "jmp 1f\n\t"
        ".byte 0x0f, 0x1f, 0x80, 0x53, 0x4c, 0x47, 0x52\n\t"   // nopl "SLGR"(%eax): the resume point follows
        "xor %1, %1\n"
        "1:"
        : "=&r"(v), "=&r"(ok)
        : "r"(address)
        : "memory");
    *value = v;
    return ok != 0;
}
void install_fault_handlers();
// Puts the module's vectored handler first again (after another module added one first). Win32.
void keep_fault_handlers_first();
// Faulting instructions the kernel emulates (x86_64: a driver's `mov` to or from CR8, which ke
// carries out on its IRQL, ke/cr8_emulation.h). The handler the vectored handler calls gets the
// bytes at the instruction pointer (as many as are readable, up to instruction_bytes) and the
// thread's general registers by encoded register number; it returns the length of the
// instruction it carried out, or 0 for one it does not emulate. One handler, installed at load.
inline constexpr std::size_t instruction_bytes = 16;
using InstructionFaultHandler = std::size_t (*)(const std::uint8_t* code, std::size_t available,
                                                std::uint64_t* const (&registers)[16]);
void install_instruction_fault_handler(InstructionFaultHandler handler);
#else
bool read_pointer_guarded(const void* address, std::uintptr_t* value);
#endif


// Raises a structured exception with this NTSTATUS (noncontinuable), as the kernel's
// ExRaiseStatus does. Never returns.
[[noreturn]] void raise_status(std::int32_t status);

// Raises EXCEPTION_WINE_STUB (0x80000100, noncontinuable) with ExceptionInformation[0] = module
// and [1] = function, the record Wine's own stubs raise for a routine they do not implement, so
// winedevice and the driver host report "unimplemented function module.function". Never returns.
// (POSIX: prints the names and aborts.)
[[noreturn]] void raise_unimplemented(const char* module, const char* function);

// What the data exports are set from at module load (exports/data_exports.cpp):
// processors in the active group's mask (GetActiveProcessorCount; POSIX: online CPUs);
unsigned active_processor_count();
// the highest user-mode address (GetSystemInfo's lpMaximumApplicationAddress; POSIX: 0 = unknown);
std::uintptr_t highest_user_address();
// the OEM and ANSI code pages (GetOEMCP / GetACP; POSIX: 437 / 1252, the en-US defaults);
std::uint32_t oem_code_page();
std::uint32_t ansi_code_page();
// the DBCS lead-byte ranges of a code page (GetCPInfo's LeadByte: pairs, ended by a 0,0 pair;
// all zero for a single-byte code page). False if the code page is unknown.
bool code_page_lead_bytes(std::uint32_t code_page, std::uint8_t (&ranges)[12]);

// True if the environment variable is set to something other than "" or "0".
bool environment_flag(const char* name);

// Access faults (page faults the system cannot satisfy): `handler` is called with the address
// accessed, whether it was a write, and the faulting instruction's address; it returns false for
// faults it does not own (they then take their normal course) and does not return for the
// others. One handler, installed once.
using AccessFaultHandler = bool (*)(std::uintptr_t address, bool write, std::uintptr_t instruction);
void install_access_fault_handler(AccessFaultHandler handler);
// Whether an instruction address lies in this module's own code (the PE module; the host build
// has no image of its own and says false).
bool address_in_this_module(std::uintptr_t address);

// NtQuerySystemInformation of the system underneath (Wine's ntdll).
std::int32_t query_system_information(std::uint32_t info_class, void* buffer, std::uint32_t length,
                                      std::uint32_t* return_length);

// Reads REG_SZ HKLM\System\CurrentControlSet\Control\ProductOptions\ProductType into buf
// (UTF-16, not terminated). Returns the number of characters, or -1 if it could not be read.
int read_product_type(char16_t* buf, std::size_t capacity);

// Reads a REG_DWORD value of an NT registry key path (\Registry\Machine\...); false if the
// key or value is missing or is not a DWORD. (The Linux build has no registry: always false.)
bool read_registry_dword(const char16_t* key_path, const char16_t* value, std::uint32_t* out);
// Reads a REG_SZ (or REG_EXPAND_SZ, unexpanded) value into out (NUL-terminated, truncated to
// capacity - 1 characters); returns its length, 0 if missing or of another type (Linux: 0).
std::size_t read_registry_string(const char16_t* key_path, const char16_t* value, char16_t* out, std::size_t capacity);

#if defined(_WIN32) && (defined(__x86_64__) || defined(__i386__))
// TlsGetValue minus the call: the first 64 slots live in the TEB (TlsSlots at 0x1480 on x86_64,
// 0xE10 on i386), where Windows and Wine keep them.
inline void* tls_get(int slot) {
    if (slot >= 64) return tls_get_slow(slot);
    void* value;
#if defined(__x86_64__)
    __asm__("movq %%gs:0x1480(,%1,8), %0" : "=r"(value) : "r"(static_cast<long long>(slot)));
#else
    __asm__("movl %%fs:0xE10(,%1,4), %0" : "=r"(value) : "r"(slot));
#endif
    return value;
}
inline std::uintptr_t thread_tag() {
    std::uintptr_t teb;
#if defined(__x86_64__)
    __asm__("movq %%gs:0x30, %0" : "=r"(teb));   // NT_TIB.Self
#else
    __asm__("movl %%fs:0x18, %0" : "=r"(teb));
#endif
    return teb;
}
#else
inline void* tls_get(int slot) { return tls_get_slow(slot); }
inline std::uintptr_t thread_tag() {
    alignas(8) static thread_local char self;
    return reinterpret_cast<std::uintptr_t>(&self);
}
#endif

}  // namespace platform
