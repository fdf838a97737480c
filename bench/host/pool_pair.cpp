// The pool's allocate/free pair on the host build, for counting instructions (callgrind) without
// Wine: the same calls ExAllocatePoolWithTag and ExFreePoolWithTag make after the export shell
// (bench/host_instructions.sh). Not a timing benchmark and not a test.
//   pool_pair_host [ITERATIONS [BYTES [POOL_TYPE]]]   (defaults: 1000000, 64, 0 = NonPagedPool)
#include <cstdio>
#include <cstdlib>

#include "ex/pool_args.h"

int main(int argc, char** argv) {
    const long iterations = argc > 1 ? std::atol(argv[1]) : 1000000;
    const std::size_t bytes = argc > 2 ? std::strtoul(argv[2], nullptr, 0) : 64;
    const auto pool_type = static_cast<nt::ULONG>(argc > 3 ? std::strtoul(argv[3], nullptr, 0) : 0);
    constexpr nt::ULONG tag = 0x68436E42;   // 'BnCh', as pool_bench uses
    for (long i = 0; i < iterations; ++i) {
        void* block = ex::pool::allocate_legacy(pool_type, bytes, tag, false);
        if (!block) return 1;
        *static_cast<volatile char*>(block) = 1;   // as the PE bench writes the first byte
        ex::pool::free(block, tag);
    }
    std::printf("%ld pairs of %zu bytes, pool type %#x\n", iterations, bytes, pool_type);
    return 0;
}
