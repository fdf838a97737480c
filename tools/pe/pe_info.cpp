// pe-info: prints what a PE image exports and imports, read with the project's PE reader.
//   pe-info FILE...
#include <cstdio>

#include "pe_image.h"

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: pe-info FILE...\n");
        return 2;
    }
    int status = 0;
    for (int i = 1; i < argc; ++i) {
        std::string err;
        auto img = pe::load(argv[i], &err);
        if (!img) {
            std::fprintf(stderr, "pe-info: %s\n", err.c_str());
            status = 1;
            continue;
        }
        const char* machine = img->machine == 0x14c ? "i386" : img->machine == 0x8664 ? "x86_64" : "other";
        std::printf("%s: %s %s, subsystem %u, image size %u\n", argv[i], machine, img->is_dll ? "DLL" : "EXE",
                    img->subsystem, img->size_of_image);
        std::printf("  exports (%s, %zu):\n", img->export_dll_name.c_str(), img->exports.size());
        for (const auto& e : img->exports)
            std::printf("    %4u  %08x  %s%s%s\n", e.ordinal, e.rva, e.name.empty() ? "(no name)" : e.name.c_str(),
                        e.forwarder.empty() ? "" : " -> ", e.forwarder.c_str());
        for (const auto& m : img->imports) {
            std::printf("  imports from %s (%zu):", m.dll.c_str(), m.entries.size());
            for (const auto& e : m.entries)
                e.by_ordinal ? std::printf(" #%u", e.hint_or_ordinal) : std::printf(" %s", e.name.c_str());
            std::printf("\n");
        }
    }
    return status;
}
