#include "ps/quota.h"

#include "ke/bugcheck.h"
#include "platform/platform.h"

namespace ps {
namespace {

EmulatedProcess the_process;

}  // namespace

EmulatedProcess* current_process() { return &the_process; }

bool charge(EmulatedProcess* process, QuotaKind kind, std::uint64_t bytes) {
    const int k = static_cast<int>(kind);
    std::uint64_t now = process->charged[k].load(std::memory_order_relaxed);
    do {
        const std::uint64_t limit = process->limit[k].load(std::memory_order_relaxed);
        if (now > limit || bytes > limit - now) return false;
    } while (!process->charged[k].compare_exchange_weak(now, now + bytes, std::memory_order_relaxed));
    return true;
}

void give_back(EmulatedProcess* process, QuotaKind kind, std::uint64_t bytes) {
    const int k = static_cast<int>(kind);
    std::uint64_t now = process->charged[k].load(std::memory_order_relaxed);
    do {
        if (bytes > now)
            ke::bug_check(ke::bugcheck_code::quota_underflow, reinterpret_cast<nt::ULONG_PTR>(process),
                          static_cast<nt::ULONG_PTR>(k), static_cast<nt::ULONG_PTR>(bytes),
                          static_cast<nt::ULONG_PTR>(bytes - now));
    } while (!process->charged[k].compare_exchange_weak(now, now - bytes, std::memory_order_relaxed));
}

QuotaUsage usage(const EmulatedProcess* process) {
    return {process->charged[1].load(std::memory_order_relaxed), process->charged[0].load(std::memory_order_relaxed)};
}

void set_limits(EmulatedProcess* process, std::uint64_t paged_bytes, std::uint64_t nonpaged_bytes) {
    process->limit[1].store(paged_bytes, std::memory_order_relaxed);
    process->limit[0].store(nonpaged_bytes, std::memory_order_relaxed);
}

void initialize_limits() {
    static constexpr char16_t key[] = u"\\Registry\\Machine\\System\\CurrentControlSet\\Control\\Session Manager\\Memory Management";
    std::uint32_t paged = 0, nonpaged = 0;
    if (!platform::read_registry_dword(key, u"PagedPoolQuota", &paged)) paged = 0;
    if (!platform::read_registry_dword(key, u"NonPagedPoolQuota", &nonpaged)) nonpaged = 0;
    set_limits(&the_process, limit_from_megabytes(paged), limit_from_megabytes(nonpaged));
}

}  // namespace ps
