// libFuzzer target: any byte string through the reader and every loader step the driver host
// takes (validate, map, relocate to another base, bind, protections). Build with clang:
//   cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang \
//         -DNTOSKRNL_BUILD_PE=OFF && cmake --build build-fuzz --target pe_loader_fuzzer
//   build-fuzz/tools/pe/pe_loader_fuzzer -max_total_time=60 [corpus dir]
#include <cstddef>
#include <cstdint>
#include <vector>

#include "pe_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string err;
    auto img = pe::parse(std::vector<std::uint8_t>(data, data + size), &err);
    if (!img || pe::validate(*img)) return 0;
    std::vector<std::uint8_t> memory(img->size_of_image);
    if (!pe::map_image(*img, memory.data(), memory.size(), &err)) return 0;
    pe::relocate(*img, memory.data(), memory.size(), img->image_base + 0x10000, &err);
    std::vector<pe::Unresolved> unresolved;
    pe::bind_imports(*img, memory.data(), memory.size(),
                     [](const pe::ImportSlot& s) { return pe::Resolution{s.by_ordinal ? 0u : 0x1000u, "test"}; },
                     &unresolved, &err);
    pe::page_protections(*img);
    return 0;
}
