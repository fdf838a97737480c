// Linux implementation of the platform services, for host builds of the core (unit tests,
// sanitizers, fuzzers). Linux has no registry, so the product type is unknown there.
#include <unistd.h>

#include <cstdlib>

#include "platform/platform.h"

namespace platform {

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

}  // namespace platform
