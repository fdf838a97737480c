#include "crash.h"

#include <cstdio>
#include <mutex>
#include <vector>

#include "child.h"
#include "report.h"

namespace ntoshost {
namespace {

struct MappedImage {
    std::string name;
    std::uintptr_t base;
    std::uint32_t size;
};
std::vector<MappedImage> images;
KeBugCheckExFn bug_check;

// EXCEPTION_WINE_STUB: what a call to one of Wine's stubs raises, with the module and routine
// names as its first two parameters.
constexpr DWORD exception_wine_stub = 0x80000100;
// STATUS_STACK_BUFFER_OVERRUN: what `int 0x29` (__fastfail) raises; ExceptionInformation[0] is the
// fast-fail code (winnt.h FAST_FAIL_*).
constexpr DWORD status_stack_buffer_overrun = 0xC0000409;

bool readable(std::uintptr_t address, std::size_t bytes) {
    MEMORY_BASIC_INFORMATION mbi;
    if (!VirtualQuery(reinterpret_cast<const void*>(address), &mbi, sizeof(mbi)) || mbi.State != MEM_COMMIT) return false;
    if (mbi.Protect & (PAGE_NOACCESS | PAGE_GUARD)) return false;
    return address + bytes <= reinterpret_cast<std::uintptr_t>(mbi.BaseAddress) + mbi.RegionSize;
}

void report_wine_stub(const EXCEPTION_RECORD* e) {
    const auto* dll = reinterpret_cast<const char*>(e->ExceptionInformation[0]);
    const ULONG_PTR routine = e->ExceptionInformation[1];
    char name[32];
    if (routine < 0x10000) std::snprintf(name, sizeof(name), "#%u", static_cast<unsigned>(routine));   // an ordinal
    std::string called = std::string(dll) + "." + (routine < 0x10000 ? name : reinterpret_cast<const char*>(routine));
    emit(events::Unimplemented{called});
    std::fprintf(stderr, "ntoshost: unimplemented %s called (a stub of Wine's)\n", called.c_str());
    std::fflush(stderr);
    TerminateProcess(GetCurrentProcess(), exit_code::unimplemented_called);
}

// The faulting instruction and the callers a stack walk finds, innermost first: on x64 through
// the unwind data (the host registers each image's .pdata, so driver frames unwind as on
// Windows), on i386 along the EBP chain (frame-pointer code; a frame without one ends the walk).
void report_location(const EXCEPTION_POINTERS* info) {
    const auto address = reinterpret_cast<std::uintptr_t>(info->ExceptionRecord->ExceptionAddress);
    emit(events::Exception{static_cast<std::uint32_t>(info->ExceptionRecord->ExceptionCode), address, describe_address(address)});
    CONTEXT c = *info->ContextRecord;
    for (int depth = 0; depth < 16; ++depth) {
        std::uintptr_t ret = 0;
#if defined(__x86_64__)
        DWORD64 image_base = 0;
        PRUNTIME_FUNCTION f = RtlLookupFunctionEntry(c.Rip, &image_base, nullptr);
        if (!f) {   // a leaf function: the return address is at the stack pointer
            if (!readable(c.Rsp, 8)) break;
            c.Rip = *reinterpret_cast<DWORD64*>(c.Rsp);
            c.Rsp += 8;
        } else {
            void* handler_data = nullptr;
            DWORD64 establisher = 0;
            RtlVirtualUnwind(UNW_FLAG_NHANDLER, image_base, c.Rip, f, &c, &handler_data, &establisher, nullptr);
        }
        ret = c.Rip;
#else
        if (!c.Ebp || !readable(c.Ebp, 8)) break;
        ret = reinterpret_cast<const DWORD*>(c.Ebp)[1];
        const DWORD next = reinterpret_cast<const DWORD*>(c.Ebp)[0];
        if (next <= c.Ebp) break;   // the chain only goes up the stack
        c.Ebp = next;
#endif
        if (!ret) break;
        const std::string where = describe_address(ret);
        if (where.empty()) break;   // left every module: the thread's start
        emit(events::Frame{ret, where});
    }
}

LONG WINAPI fast_fail(EXCEPTION_POINTERS* info) {
    // Windows ends a fast fail in the kernel with KERNEL_SECURITY_CHECK_FAILURE (0x139): P1 the
    // type of corruption (the FAST_FAIL_* code), P2 the trap frame, P3 the exception record, P4
    // reserved (Microsoft, Bug Check 0x139). No handler of the driver sees it.
    const EXCEPTION_RECORD* e = info->ExceptionRecord;
    if (e->ExceptionCode != status_stack_buffer_overrun || !bug_check) return EXCEPTION_CONTINUE_SEARCH;
    report_location(info);
    bug_check(0x139, e->NumberParameters ? e->ExceptionInformation[0] : 0, reinterpret_cast<ULONG_PTR>(info->ContextRecord),
              reinterpret_cast<ULONG_PTR>(e), 0);
    return EXCEPTION_CONTINUE_SEARCH;
}

// An exception the driver does not handle stops the system, as in a system thread on Windows:
// SYSTEM_THREAD_EXCEPTION_NOT_HANDLED (0x7E) with the exception code, address, exception record
// and context record (Microsoft's bug check 0x7E reference), through the module's KeBugCheckEx.
LONG WINAPI unhandled(EXCEPTION_POINTERS* info) {
    const EXCEPTION_RECORD* e = info->ExceptionRecord;
    if (e->ExceptionCode == exception_wine_stub && e->NumberParameters >= 2 && e->ExceptionInformation[0]) report_wine_stub(e);
    if (e->ExceptionCode == status_stack_buffer_overrun) return fast_fail(info);
    report_location(info);
    if (bug_check)
        bug_check(0x7E, e->ExceptionCode, reinterpret_cast<ULONG_PTR>(e->ExceptionAddress), reinterpret_cast<ULONG_PTR>(e),
                  reinterpret_cast<ULONG_PTR>(info->ContextRecord));
    return EXCEPTION_CONTINUE_SEARCH;
}

// OutputDebugStringA raises DBG_PRINTEXCEPTION_C (0x40010006) with the length (terminator
// included) and the text, which is how a debugger receives DbgPrint's messages: the host records
// each one, in order, as an event and lets OutputDebugStringA carry on.
LONG CALLBACK debug_print(EXCEPTION_POINTERS* info) {
    const EXCEPTION_RECORD* e = info->ExceptionRecord;
    if (e->ExceptionCode != 0x40010006u || e->NumberParameters < 2 || !e->ExceptionInformation[1]) return EXCEPTION_CONTINUE_SEARCH;
    const auto* text = reinterpret_cast<const char*>(e->ExceptionInformation[1]);
    std::size_t n = static_cast<std::size_t>(e->ExceptionInformation[0]);
    if (n && text[n - 1] == 0) --n;
    emit(events::Debug{std::string(text, n)});
    return EXCEPTION_CONTINUE_SEARCH;
}

}  // namespace

void register_image(const std::string& name, const void* base, std::uint32_t size) {
    images.push_back({name, reinterpret_cast<std::uintptr_t>(base), size});
}

std::string describe_address(std::uintptr_t address) {
    char buf[64];
    for (const auto& i : images)
        if (address >= i.base && address - i.base < i.size) {
            std::snprintf(buf, sizeof(buf), "+0x%llX", static_cast<unsigned long long>(address - i.base));
            return i.name + buf;
        }
    HMODULE m = nullptr;
    if (!GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                            reinterpret_cast<const char*>(address), &m))
        return "";
    char path[MAX_PATH];
    const DWORD n = GetModuleFileNameA(m, path, sizeof(path));
    std::string name(path, n);
    name = name.substr(name.find_last_of("\\/") + 1);
    std::snprintf(buf, sizeof(buf), "+0x%llX", static_cast<unsigned long long>(address - reinterpret_cast<std::uintptr_t>(m)));
    return name + buf;
}

void install_exception_handling(KeBugCheckExFn routine) {
    bug_check = routine;
    // Last among vectored handlers (the module's CR8 and SList handlers come first), but before
    // any frame-based handler of the driver: a fast fail is never the driver's to handle.
    AddVectoredExceptionHandler(0, fast_fail);
    // First: the debugger's view of OutputDebugString (the module's DbgPrint path).
    AddVectoredExceptionHandler(1, debug_print);
    SetUnhandledExceptionFilter(unhandled);
}

}  // namespace ntoshost
