// Linux implementation of the platform services, for host builds of the core (unit tests,
// sanitizers, fuzzers). Linux has no registry, so the product type is unknown there.
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "platform/platform.h"

namespace platform {

void debug_output(const char* text, std::size_t length) { write_stderr(std::string_view(text, length)); }

void write_stderr(std::string_view text) {
    while (!text.empty()) {
        ssize_t n = ::write(2, text.data(), text.size());
        if (n <= 0) return;
        text.remove_prefix(static_cast<std::size_t>(n));
    }
}

void terminate_process(std::uint32_t exit_status) {
    // POSIX keeps only the low 8 bits; every bug check code the module raises fits.
    ::_exit(static_cast<int>(exit_status & 0xFF));
}

void halt_thread() {
    for (;;) ::pause();
}

std::uint64_t physical_memory_bytes() {
    long pages = ::sysconf(_SC_PHYS_PAGES);
    long size = ::sysconf(_SC_PAGE_SIZE);
    return pages > 0 && size > 0 ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(size) : 0;
}

int read_product_type(char16_t*, std::size_t) { return -1; }

bool read_registry_dword(const char16_t*, const char16_t*, std::uint32_t*) { return false; }

std::size_t read_registry_string(const char16_t*, const char16_t*, char16_t* out, std::size_t capacity) {
    if (capacity) out[0] = 0;
    return 0;
}

std::int32_t query_system_information(std::uint32_t, void*, std::uint32_t, std::uint32_t* return_length) {
    if (return_length) *return_length = 0;
    return static_cast<std::int32_t>(0xC0000003);   // STATUS_INVALID_INFO_CLASS: no such system here
}

bool environment_flag(const char* name) {
    const char* value = std::getenv(name);
    return value && *value && !(value[0] == '0' && value[1] == 0);
}

namespace {

std::atomic<AccessFaultHandler> fault_handler{nullptr};

void on_segv(int signal, siginfo_t* info, void*) {
    AccessFaultHandler handler = fault_handler.load(std::memory_order_acquire);
    // Linux does not say whether the access was a write without decoding the context; read is
    // reported. The instruction address is not recorded either (0).
    if (handler) handler(reinterpret_cast<std::uintptr_t>(info->si_addr), false, 0);
    // Not ours: let the fault take its normal course.
    ::signal(signal, SIG_DFL);
}

}  // namespace

void install_access_fault_handler(AccessFaultHandler handler) {
    AccessFaultHandler expected = nullptr;
    if (!fault_handler.compare_exchange_strong(expected, handler)) return;
    struct sigaction sa {};
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGSEGV, &sa, nullptr);
    ::sigaction(SIGBUS, &sa, nullptr);
}

bool address_in_this_module(std::uintptr_t) { return false; }

void* reserve_address_space(std::size_t bytes) {
    void* p = ::mmap(nullptr, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return p == MAP_FAILED ? nullptr : p;
}

bool commit(void* address, std::size_t bytes, Protection protection) {
    int prot = PROT_READ | PROT_WRITE | (protection == Protection::read_write_execute ? PROT_EXEC : 0);
    return ::mprotect(address, bytes, prot) == 0;
}

void decommit(void* address, std::size_t bytes) {
    // Fresh inaccessible pages in place of the old ones: the memory goes back, the range stays ours.
    ::mmap(address, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
}

void yield_thread() { ::sched_yield(); }

std::uint64_t performance_counter(std::uint64_t* frequency) {
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    if (frequency) *frequency = 1000000000u;
    return static_cast<std::uint64_t>(now.tv_sec) * 1000000000u + static_cast<std::uint64_t>(now.tv_nsec);
}

namespace {
pthread_key_t tls_keys[8];
void (*tls_exit_hooks[8])();
int tls_key_count = 0;

// pthread clears the key before calling its destructor; the hook expects to find its value.
template <int slot>
void run_exit_hook(void* value) {
    pthread_setspecific(tls_keys[slot], value);
    tls_exit_hooks[slot]();
    pthread_setspecific(tls_keys[slot], nullptr);
}
constexpr void (*exit_trampolines[8])(void*) = {run_exit_hook<0>, run_exit_hook<1>, run_exit_hook<2>, run_exit_hook<3>,
                                                run_exit_hook<4>, run_exit_hook<5>, run_exit_hook<6>, run_exit_hook<7>};
}  // namespace

int tls_slot_allocate(void (*at_thread_exit)()) {
    if (tls_key_count == 8) return -1;
    tls_exit_hooks[tls_key_count] = at_thread_exit;
    if (pthread_key_create(&tls_keys[tls_key_count], at_thread_exit ? exit_trampolines[tls_key_count] : nullptr) != 0)
        return -1;
    return tls_key_count++;
}

void* tls_get_slow(int slot) { return pthread_getspecific(tls_keys[slot]); }

void tls_set(int slot, void* value) { pthread_setspecific(tls_keys[slot], value); }

void raise_status(std::int32_t status) {
    // No structured exceptions on Linux: the host build reports and aborts (unit tests use death tests).
    char msg[64] = "raise_status: status 0x";
    std::size_t n = 23;
    for (int i = 7; i >= 0; --i) msg[n++] = "0123456789ABCDEF"[(static_cast<std::uint32_t>(status) >> (i * 4)) & 0xF];
    msg[n++] = '\n';
    write_stderr(std::string_view(msg, n));
    std::abort();
}

bool start_thread(void (*entry)(void*), void* arg) {
    struct Start {
        void (*entry)(void*);
        void* arg;
    };
    auto* start = new Start{entry, arg};
    pthread_t thread;
    auto trampoline = [](void* p) -> void* {
        Start s = *static_cast<Start*>(p);
        delete static_cast<Start*>(p);
        s.entry(s.arg);
        return nullptr;
    };
    if (pthread_create(&thread, nullptr, trampoline, start) != 0) {
        delete start;
        return false;
    }
    pthread_detach(thread);
    return true;
}

struct WakeEvent {
    pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t cond;
    bool signalled = false;
};

WakeEvent* wake_event_create() {
    auto* e = new WakeEvent;
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&e->cond, &attr);
    pthread_condattr_destroy(&attr);
    return e;
}

void wake_event_wait(WakeEvent* e, int timeout_ms) {
    timespec deadline{};
    if (timeout_ms >= 0) {
        clock_gettime(CLOCK_MONOTONIC, &deadline);
        deadline.tv_sec += timeout_ms / 1000;
        deadline.tv_nsec += static_cast<long>(timeout_ms % 1000) * 1000000L;
        if (deadline.tv_nsec >= 1000000000L) {
            deadline.tv_sec += 1;
            deadline.tv_nsec -= 1000000000L;
        }
    }
    pthread_mutex_lock(&e->mutex);
    while (!e->signalled) {
        int rc = timeout_ms < 0 ? pthread_cond_wait(&e->cond, &e->mutex)
                                : pthread_cond_timedwait(&e->cond, &e->mutex, &deadline);
        if (rc != 0) break;   // timed out
    }
    e->signalled = false;
    pthread_mutex_unlock(&e->mutex);
}

void wake_event_signal(WakeEvent* e) {
    pthread_mutex_lock(&e->mutex);
    e->signalled = true;
    pthread_cond_signal(&e->cond);
    pthread_mutex_unlock(&e->mutex);
}

bool read_pointer_guarded(const void* address, std::uintptr_t* value) {
    *value = __atomic_load_n(static_cast<const std::uintptr_t*>(address), __ATOMIC_RELAXED);
    return true;
}

void raise_unimplemented(const char* module, const char* function) {
    write_stderr("unimplemented function ");
    write_stderr(module);
    write_stderr(".");
    write_stderr(function);
    write_stderr(" called\n");
    std::abort();
}

unsigned active_processor_count() {
    long n = ::sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? static_cast<unsigned>(n) : 1;
}

std::uintptr_t highest_user_address() { return 0; }

std::uint32_t oem_code_page() { return 437; }
std::uint32_t ansi_code_page() { return 1252; }

bool code_page_lead_bytes(std::uint32_t code_page, std::uint8_t (&ranges)[12]) {
    std::memset(ranges, 0, sizeof(ranges));
    return code_page == 437 || code_page == 1252;   // the two single-byte pages reported above
}

void keep_fault_handlers_first() {}   // one signal handler set, nothing to reorder

}  // namespace platform
