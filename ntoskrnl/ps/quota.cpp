#include "ps/quota.h"

#include <algorithm>

#include "ke/bugcheck.h"
#include "platform/platform.h"

namespace ps {
namespace {

EmulatedProcessObject the_object;
EmulatedProcess& the_process = the_object.body;

std::atomic<const ProcessObjectSource*> object_source{nullptr};

std::atomic_ref<nt::LONG_PTR> pointer_count() { return std::atomic_ref<nt::LONG_PTR>(the_object.header.PointerCount); }

// The process objects handed out so far: a Wine process sees its own and those of the clients
// whose requests its drivers serve, a handful; past the table's end an object is still handed out
// but is not recognised at free (it would stop the system there with 0xC2/0x0D), so the table is
// large enough for every process of a prefix.
constexpr int known_capacity = 256;
std::atomic<void*> known[known_capacity];
std::atomic<int> known_count{0};

void remember(void* object) {
    const int n = std::min(known_count.load(std::memory_order_acquire), known_capacity);
    for (int i = 0; i < n; ++i)
        if (known[i].load(std::memory_order_relaxed) == object) return;
    if (known_count.load(std::memory_order_acquire) > known_capacity) return;   // full, already said
    // Two threads may both add a new object: a duplicate entry is harmless.
    const int slot = known_count.fetch_add(1, std::memory_order_acq_rel);
    if (slot < known_capacity) {
        known[slot].store(object, std::memory_order_release);
    } else if (slot == known_capacity) {
        platform::write_stderr("ntoskrnl.exe: warning: more process objects than the quota table holds\n");
    }
}

}  // namespace

EmulatedProcess* current_process() { return &the_process; }

const nt::OBJECT_HEADER* emulated_process_header() { return &the_object.header; }

void set_process_object_source(const ProcessObjectSource* source) { object_source.store(source, std::memory_order_release); }

void reference_process(void* object) {
    if (object == &the_process) {
        pointer_count().fetch_add(1, std::memory_order_relaxed);
        return;
    }
    object_source.load(std::memory_order_acquire)->reference(object);
}

void dereference_process(void* object) {
    if (object == &the_process) {
        pointer_count().fetch_sub(1, std::memory_order_release);
        return;
    }
    object_source.load(std::memory_order_acquire)->dereference(object);
}

void* process_object() {
    const ProcessObjectSource* source = object_source.load(std::memory_order_acquire);
    if (!source) return &the_process;
    void* object = source->current();
    if (!object) return &the_process;
    remember(object);
    return object;
}

bool is_process_object(const void* object) {
    if (object == &the_process) return true;
    const int n = std::min(known_count.load(std::memory_order_acquire), known_capacity);
    for (int i = 0; i < n; ++i)
        if (known[i].load(std::memory_order_acquire) == object) return true;
    return false;
}

bool charge(EmulatedProcess* process, QuotaKind kind, std::uint64_t bytes) {
    const int k = static_cast<int>(kind);
    std::uint64_t now = process->charged[k].load(std::memory_order_relaxed);
    do {
        const std::uint64_t limit = process->limit[k].load(std::memory_order_relaxed);
        if (now > limit || bytes > limit - now) return false;
    } while (!process->charged[k].compare_exchange_weak(now, now + bytes, std::memory_order_relaxed));
    return true;
}

void give_back(EmulatedProcess* process, QuotaKind kind, std::uint64_t bytes, const void* object) {
    const int k = static_cast<int>(kind);
    std::uint64_t now = process->charged[k].load(std::memory_order_relaxed);
    do {
        if (bytes > now)
            ke::bug_check(ke::bugcheck_code::quota_underflow, reinterpret_cast<nt::ULONG_PTR>(object ? object : process_object()),
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
