#include "ke/bugcheck.h"

#include <atomic>

#include "platform/platform.h"

extern "C" {
nt::ULONG_PTR KiBugCheckData[5] = {};
}

namespace ke {
namespace {

struct NamedCode {
    nt::ULONG code;
    const char* name;
};

// Names from Microsoft's "Bug check code reference" (learn.microsoft.com, debugger docs): the
// codes a memory, list or lock routine, or a driver misusing them, can end in, plus the common
// exception and IRQL stops a driver host reports. Sorted by code.
constexpr NamedCode known_codes[] = {
    {0x00000001, "APC_INDEX_MISMATCH"},
    {0x00000008, "IRQL_NOT_DISPATCH_LEVEL"},
    {0x00000009, "IRQL_NOT_GREATER_OR_EQUAL"},
    {0x0000000A, "IRQL_NOT_LESS_OR_EQUAL"},
    {0x0000000F, "SPIN_LOCK_ALREADY_OWNED"},
    {0x00000010, "SPIN_LOCK_NOT_OWNED"},
    {0x00000019, "BAD_POOL_HEADER"},
    {0x0000001A, "MEMORY_MANAGEMENT"},
    {0x0000001E, "KMODE_EXCEPTION_NOT_HANDLED"},
    {0x00000021, "QUOTA_UNDERFLOW"},
    {0x0000003B, "SYSTEM_SERVICE_EXCEPTION"},
    {0x0000003F, "NO_MORE_SYSTEM_PTES"},
    {0x00000041, "MUST_SUCCEED_POOL_EMPTY"},
    {0x0000004A, "IRQL_GT_ZERO_AT_SYSTEM_SERVICE"},
    {0x0000004D, "NO_PAGES_AVAILABLE"},
    {0x0000004E, "PFN_LIST_CORRUPT"},
    {0x00000050, "PAGE_FAULT_IN_NONPAGED_AREA"},
    {0x0000007E, "SYSTEM_THREAD_EXCEPTION_NOT_HANDLED"},
    {0x0000007F, "UNEXPECTED_KERNEL_MODE_TRAP"},
    {0x0000008E, "KERNEL_MODE_EXCEPTION_NOT_HANDLED"},
    {0x000000BE, "ATTEMPTED_WRITE_TO_READONLY_MEMORY"},
    {0x000000C1, "SPECIAL_POOL_DETECTED_MEMORY_CORRUPTION"},
    {0x000000C2, "BAD_POOL_CALLER"},
    {0x000000C4, "DRIVER_VERIFIER_DETECTED_VIOLATION"},
    {0x000000C5, "DRIVER_CORRUPTED_EXPOOL"},
    {0x000000C6, "DRIVER_CAUGHT_MODIFYING_FREED_POOL"},
    {0x000000C7, "TIMER_OR_DPC_INVALID"},
    {0x000000CB, "DRIVER_LEFT_LOCKED_PAGES_IN_PROCESS"},
    {0x000000CC, "PAGE_FAULT_IN_FREED_SPECIAL_POOL"},
    {0x000000CD, "PAGE_FAULT_BEYOND_END_OF_ALLOCATION"},
    {0x000000CE, "DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS"},
    {0x000000D0, "DRIVER_CORRUPTED_MMPOOL"},
    {0x000000D1, "DRIVER_IRQL_NOT_LESS_OR_EQUAL"},
    {0x000000D3, "DRIVER_PORTION_MUST_BE_NONPAGED"},
    {0x000000D5, "DRIVER_PAGE_FAULT_IN_FREED_SPECIAL_POOL"},
    {0x000000D6, "DRIVER_PAGE_FAULT_BEYOND_END_OF_ALLOCATION"},
    {0x000000DE, "POOL_CORRUPTION_IN_FILE_AREA"},
    {0x000000E2, "MANUALLY_INITIATED_CRASH"},
    {0x000000E3, "RESOURCE_NOT_OWNED"},
    {0x000000FC, "ATTEMPTED_EXECUTE_OF_NOEXECUTE_MEMORY"},
    {0x00000133, "DPC_WATCHDOG_VIOLATION"},
    {0x00000139, "KERNEL_SECURITY_CHECK_FAILURE"},
    {0x0000013A, "KERNEL_MODE_HEAP_CORRUPTION"},
    {0x1000007E, "SYSTEM_THREAD_EXCEPTION_NOT_HANDLED_M"},
    {0x1000008E, "KERNEL_MODE_EXCEPTION_NOT_HANDLED_M"},
};

// Minimal formatting: the module links no C runtime printf, and a bug check must not allocate.
struct Writer {
    char* buf;
    std::size_t capacity;
    std::size_t len = 0;

    void put(char c) {
        if (len + 1 < capacity) buf[len] = c;
        ++len;
    }
    void put(const char* s) {
        while (*s) put(*s++);
    }
    void hex(std::uint64_t v, int digits) {
        put("0x");
        for (int i = digits - 1; i >= 0; --i) put("0123456789ABCDEF"[(v >> (i * 4)) & 0xF]);
    }
};

std::atomic<bool> bug_check_in_progress{false};
std::atomic<BugCheckRecorder> recorder{nullptr};

}  // namespace

const char* bugcheck_name(nt::ULONG code) {
    for (const auto& k : known_codes)
        if (k.code == code) return k.name;
    return nullptr;
}

std::size_t format_bugcheck(char* buf, std::size_t capacity, nt::ULONG code, nt::ULONG_PTR p1, nt::ULONG_PTR p2,
                            nt::ULONG_PTR p3, nt::ULONG_PTR p4) {
    Writer w{buf, capacity};
    constexpr int param_digits = static_cast<int>(sizeof(nt::ULONG_PTR) * 2);
    w.put("*** STOP: ");
    w.hex(code, 8);
    w.put(" (");
    const nt::ULONG_PTR params[] = {p1, p2, p3, p4};
    for (int i = 0; i < 4; ++i) {
        if (i) w.put(',');
        w.hex(params[i], param_digits);
    }
    w.put(") ");
    const char* name = bugcheck_name(code);
    w.put(name ? name : "UNKNOWN_BUGCHECK_CODE");
    w.put('\n');
    if (capacity) buf[w.len < capacity ? w.len : capacity - 1] = '\0';
    return w.len < capacity ? w.len : (capacity ? capacity - 1 : 0);
}

void set_bug_check_recorder(BugCheckRecorder r) { recorder.store(r, std::memory_order_release); }

void bug_check(nt::ULONG code, nt::ULONG_PTR p1, nt::ULONG_PTR p2, nt::ULONG_PTR p3, nt::ULONG_PTR p4) {
    if (bug_check_in_progress.exchange(true)) platform::halt_thread();
    // The first bug check owns the record; a racing second one parked above.
    const nt::ULONG_PTR params[] = {p1, p2, p3, p4};
    for (int i = 0; i < 4; ++i) std::atomic_ref<nt::ULONG_PTR>(KiBugCheckData[i + 1]).store(params[i], std::memory_order_relaxed);
    std::atomic_ref<nt::ULONG_PTR>(KiBugCheckData[0]).store(code, std::memory_order_release);
    char line[160];
    std::size_t n = format_bugcheck(line, sizeof(line), code, p1, p2, p3, p4);
    platform::write_stderr(std::string_view(line, n));
    if (BugCheckRecorder r = recorder.load(std::memory_order_acquire)) r(BugCheckRecord{code, {p1, p2, p3, p4}, line, n});
    platform::terminate_process(code);
}

}  // namespace ke
