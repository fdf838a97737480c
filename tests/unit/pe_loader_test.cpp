// The driver loader's portable half (tools/pe/pe_loader.h) on crafted images: a well-formed
// driver maps, relocates and binds; each malformed variant fails with a message naming the fault.
#include "pe_loader.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <random>

#include "pe_builder.h"

namespace {

using pe_test::Builder;

// A minimal driver: .text with the entry point, .data holding one absolute pointer into .text,
// .idata importing two ntoskrnl routines (one by ordinal), .reloc fixing up the pointer.
struct Driver {
    Builder b;
    std::size_t text, data, idata, reloc;
    explicit Driver(bool pe64, std::uint32_t alignment = 0x1000) {
        b.pe64 = pe64;
        b.section_alignment = alignment;
        b.file_alignment = std::min<std::uint32_t>(alignment, 0x200);
        if (pe64) b.image_base = 0x140000000ull;
        text = b.add(".text", 0x40, pe_test::text_chars);
        data = b.add(".data", 0x20, pe_test::data_chars);
        idata = b.add(".idata", 0x200, pe_test::rdata_chars);
        reloc = b.add(".reloc", 0x20, pe_test::rdata_chars);
        b.entry_rva = b.sec(text).rva;
        b.put_ptr(data, 0, b.image_base + b.sec(text).rva + 0x10);
        b.imports(idata, {{"ntoskrnl.exe", {"ExAllocatePoolWithTag", "#42"}}});
        b.relocations(reloc, {{b.sec(data).rva, static_cast<std::uint8_t>(pe64 ? 10 : 3)}});
    }
    std::optional<pe::Image> parse() {
        std::string err;
        auto img = pe::parse(b.build(), &err);
        EXPECT_TRUE(img) << err;
        return img;
    }
};

std::uint64_t read_ptr(const std::vector<std::uint8_t>& m, std::uint32_t rva, bool pe64) {
    std::uint64_t v = 0;
    std::memcpy(&v, m.data() + rva, pe64 ? 8 : 4);
    return v;
}

class Loader : public ::testing::TestWithParam<bool> {};

TEST_P(Loader, MapsRelocatesAndBindsAWellFormedDriver) {
    const bool pe64 = GetParam();
    Driver d(pe64);
    auto img = d.parse();
    ASSERT_TRUE(img);
    EXPECT_EQ(pe::validate(*img), std::nullopt);
    std::vector<std::uint8_t> mem(img->size_of_image);
    std::string err;
    ASSERT_TRUE(pe::map_image(*img, mem.data(), mem.size(), &err)) << err;
    const std::uint64_t new_base = img->image_base + 0x7770000;
    ASSERT_TRUE(pe::relocate(*img, mem.data(), mem.size(), new_base, &err)) << err;
    EXPECT_EQ(read_ptr(mem, d.b.sec(d.data).rva, pe64), new_base + d.b.sec(d.text).rva + 0x10);

    std::vector<pe::Unresolved> unresolved;
    auto slots = pe::import_slots(*img);
    ASSERT_EQ(slots.size(), 2u);
    EXPECT_EQ(slots[0].display(), "ntoskrnl.exe!ExAllocatePoolWithTag");
    EXPECT_EQ(slots[1].display(), "ntoskrnl.exe!#42");
    ASSERT_TRUE(pe::bind_imports(*img, mem.data(), mem.size(),
                                 [](const pe::ImportSlot& s) {
                                     return s.by_ordinal ? pe::Resolution{0, "no such ordinal"} : pe::Resolution{0x12345678, ""};
                                 },
                                 &unresolved, &err)) << err;
    EXPECT_EQ(read_ptr(mem, slots[0].iat_rva, pe64), 0x12345678u);
    ASSERT_EQ(unresolved.size(), 1u);
    EXPECT_EQ(unresolved[0].slot.display(), "ntoskrnl.exe!#42");
    EXPECT_EQ(unresolved[0].reason, "no such ordinal");
}

TEST_P(Loader, ProtectionsFollowTheSections) {
    Driver d(GetParam());
    auto img = d.parse();
    ASSERT_TRUE(img);
    auto prot = pe::page_protections(*img);
    // headers r, .text rx, .data rw, .idata + .reloc r
    ASSERT_EQ(prot.size(), 4u);
    EXPECT_FALSE(prot[0].write || prot[0].execute);
    EXPECT_EQ(prot[1].rva, d.b.sec(d.text).rva);
    EXPECT_TRUE(prot[1].execute && !prot[1].write);
    EXPECT_TRUE(prot[2].write && !prot[2].execute);
    EXPECT_EQ(prot[3].size, 0x2000u);
}

TEST_P(Loader, SubPageSectionAlignmentSharesPagesWithTheUnionOfRights) {
    // Old drivers: SectionAlignment = FileAlignment = 0x80, sections packed into one page.
    Driver d(GetParam(), 0x80);
    auto img = d.parse();
    ASSERT_TRUE(img);
    EXPECT_EQ(pe::validate(*img), std::nullopt);
    EXPECT_LT(img->size_of_image, 0x1000u);
    std::vector<std::uint8_t> mem(img->size_of_image);
    std::string err;
    ASSERT_TRUE(pe::map_image(*img, mem.data(), mem.size(), &err)) << err;
    ASSERT_TRUE(pe::relocate(*img, mem.data(), mem.size(), img->image_base + 0x10000, &err)) << err;
    EXPECT_EQ(read_ptr(mem, d.b.sec(d.data).rva, GetParam()), img->image_base + 0x10000 + d.b.sec(d.text).rva + 0x10);
    auto prot = pe::page_protections(*img);
    ASSERT_EQ(prot.size(), 1u);
    EXPECT_TRUE(prot[0].write && prot[0].execute);
}

std::string validate_error(Builder& b) {
    std::string err;
    auto img = pe::parse(b.build(), &err);
    if (!img) return "parse: " + err;
    auto v = pe::validate(*img);
    return v ? *v : "";
}

TEST_P(Loader, RejectsBadHeadersWithAMessage) {
    {
        Driver d(GetParam());
        d.b.section_alignment = 0x1800;
        EXPECT_NE(validate_error(d.b).find("not a power of two"), std::string::npos);
    }
    {
        Driver d(GetParam());
        d.b.sec(d.data).rva += 0x800;   // no longer aligned, overlaps nothing
        EXPECT_NE(validate_error(d.b).find("section '.data' at"), std::string::npos) << validate_error(d.b);
    }
    {
        Driver d(GetParam());
        d.b.sec(d.data).rva = d.b.sec(d.text).rva;   // overlaps .text
        EXPECT_NE(validate_error(d.b).find("overlaps"), std::string::npos) << validate_error(d.b);
    }
    {
        Driver d(GetParam());
        d.b.sec(d.reloc).vsize = 0x100000;   // beyond SizeOfImage is computed from it, so move entry instead
        d.b.entry_rva = 0x7FFFFFF0;
        EXPECT_NE(validate_error(d.b).find("entry point"), std::string::npos) << validate_error(d.b);
    }
    {
        Driver d(GetParam());
        d.b.entry_rva = 0;
        EXPECT_EQ(validate_error(d.b), "the image has no entry point (DriverEntry)");
    }
    {
        Driver d(GetParam());
        d.b.dirs[5][1] = 0x100000;
        EXPECT_NE(validate_error(d.b).find("base relocation directory"), std::string::npos) << validate_error(d.b);
    }
}

TEST_P(Loader, RejectsAMachineThatDoesNotMatchTheHeader) {
    Driver d(GetParam());
    auto bytes = d.b.build();
    const std::uint16_t other = GetParam() ? 0x14c : 0x8664;
    std::memcpy(&bytes[0x44], &other, 2);
    std::string err;
    auto img = pe::parse(bytes, &err);
    ASSERT_TRUE(img) << err;
    ASSERT_TRUE(pe::validate(*img));
    EXPECT_NE(pe::validate(*img)->find("does not match the optional header"), std::string::npos);
    const std::uint16_t arm = 0x1c4;
    std::memcpy(&bytes[0x44], &arm, 2);
    img = pe::parse(bytes, &err);
    ASSERT_TRUE(img);
    EXPECT_EQ(*pe::validate(*img), "unsupported machine 0x1c4 (the host runs i386 and x86_64 drivers)");
}

TEST_P(Loader, TruncatedImagesFailCleanly) {
    Driver d(GetParam());
    const auto good = d.b.build();
    std::string err;
    auto cut = [&](std::size_t n) {
        return pe::parse(std::vector<std::uint8_t>(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n)), &err);
    };
    EXPECT_FALSE(cut(0x50));
    EXPECT_EQ(err, "truncated COFF header");
    EXPECT_FALSE(cut(0x90));
    EXPECT_EQ(err, "truncated optional header");
    EXPECT_FALSE(cut(0x1C0));
    EXPECT_EQ(err, "truncated section table");
    EXPECT_FALSE(cut(good.size() - 0x100));
    EXPECT_NE(err.find("lies beyond the file"), std::string::npos) << err;
}

TEST_P(Loader, BadRelocationsAreErrors) {
    const bool pe64 = GetParam();
    struct Case {
        std::uint8_t type;
        std::uint32_t rva_offset;
        const char* message;
    } cases[] = {
        {7, 0, "unsupported base relocation type 7"},
        {static_cast<std::uint8_t>(pe64 ? 10 : 3), 0x100000, "lies outside the image"},
    };
    for (const auto& c : cases) {
        Driver d(pe64);
        d.b.relocations(d.reloc, {{d.b.sec(d.data).rva + c.rva_offset, c.type}});
        auto img = d.parse();
        ASSERT_TRUE(img);
        ASSERT_EQ(pe::validate(*img), std::nullopt);
        std::vector<std::uint8_t> mem(img->size_of_image);
        std::string err;
        ASSERT_TRUE(pe::map_image(*img, mem.data(), mem.size(), &err));
        EXPECT_FALSE(pe::relocate(*img, mem.data(), mem.size(), img->image_base + 0x10000, &err));
        EXPECT_NE(err.find(c.message), std::string::npos) << err;
    }
    // A block whose size runs past the directory.
    Driver d(pe64);
    d.b.put<std::uint32_t>(d.reloc, 4, 0x400);
    auto img = d.parse();
    ASSERT_TRUE(img);
    std::vector<std::uint8_t> mem(img->size_of_image);
    std::string err;
    ASSERT_TRUE(pe::map_image(*img, mem.data(), mem.size(), &err));
    EXPECT_FALSE(pe::relocate(*img, mem.data(), mem.size(), img->image_base + 0x10000, &err));
    EXPECT_NE(err.find("bad base relocation block size 0x400"), std::string::npos) << err;
}

TEST_P(Loader, StrippedRelocationsPinTheImageToItsBase) {
    Driver d(GetParam());
    d.b.characteristics |= 0x0001;   // IMAGE_FILE_RELOCS_STRIPPED
    auto img = d.parse();
    ASSERT_TRUE(img);
    std::vector<std::uint8_t> mem(img->size_of_image);
    std::string err;
    ASSERT_TRUE(pe::map_image(*img, mem.data(), mem.size(), &err));
    EXPECT_TRUE(pe::relocate(*img, mem.data(), mem.size(), img->image_base, &err));
    EXPECT_FALSE(pe::relocate(*img, mem.data(), mem.size(), img->image_base + 0x10000, &err));
    EXPECT_NE(err.find("relocations were stripped"), std::string::npos) << err;
}

TEST_P(Loader, AnImportOfAMissingModuleIsListedWithItsReason) {
    Driver d(GetParam());
    std::fill(d.b.sec(d.idata).data.begin(), d.b.sec(d.idata).data.end(), 0);
    d.b.imports(d.idata, {{"ntoskrnl.exe", {"ExFreePool"}}, {"nosuch.sys", {"Foo", "#3"}}});
    auto img = d.parse();
    ASSERT_TRUE(img);
    ASSERT_EQ(pe::validate(*img), std::nullopt);
    std::vector<std::uint8_t> mem(img->size_of_image);
    std::string err;
    ASSERT_TRUE(pe::map_image(*img, mem.data(), mem.size(), &err));
    std::vector<pe::Unresolved> unresolved;
    ASSERT_TRUE(pe::bind_imports(*img, mem.data(), mem.size(),
                                 [](const pe::ImportSlot& s) {
                                     return s.module == "ntoskrnl.exe" ? pe::Resolution{0x1000, ""}
                                                                       : pe::Resolution{0, "module not found"};
                                 },
                                 &unresolved, &err));
    ASSERT_EQ(unresolved.size(), 2u);
    EXPECT_EQ(unresolved[0].slot.display(), "nosuch.sys!Foo");
    EXPECT_EQ(unresolved[1].slot.display(), "nosuch.sys!#3");
    EXPECT_EQ(unresolved[1].reason, "module not found");
}

TEST_P(Loader, AnImportTablePointingOutsideTheImageIsAnError) {
    Driver d(GetParam());
    d.b.put<std::uint32_t>(d.idata, 16, 0x7FFF0000);   // FirstThunk of the first descriptor
    std::string err;
    auto img = pe::parse(d.b.build(), &err);
    ASSERT_TRUE(img) << err;   // the lookup table (OriginalFirstThunk) is still readable
    ASSERT_TRUE(pe::validate(*img));
    EXPECT_NE(pe::validate(*img)->find("import address table slot 0x7fff0000"), std::string::npos);
}

TEST_P(Loader, RandomCorruptionNeverCrashes) {
    Driver d(GetParam());
    const auto good = d.b.build();
    std::mt19937 rng(77);
    int loaded = 0;
    for (int round = 0; round < 3000; ++round) {
        auto bad = good;
        for (int k = 0; k < 3; ++k) bad[rng() % bad.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
        std::string err;
        auto img = pe::parse(std::move(bad), &err);
        if (!img) {
            EXPECT_FALSE(err.empty());
            continue;
        }
        if (auto v = pe::validate(*img)) {
            EXPECT_FALSE(v->empty());
            continue;
        }
        std::vector<std::uint8_t> mem(img->size_of_image);
        if (!pe::map_image(*img, mem.data(), mem.size(), &err)) continue;
        pe::relocate(*img, mem.data(), mem.size(), img->image_base + 0x10000, &err);
        std::vector<pe::Unresolved> unresolved;
        pe::bind_imports(*img, mem.data(), mem.size(), [](const pe::ImportSlot&) { return pe::Resolution{1, ""}; },
                         &unresolved, &err);
        pe::page_protections(*img);
        ++loaded;
    }
    EXPECT_GT(loaded, 0);
}

INSTANTIATE_TEST_SUITE_P(Arch, Loader, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "x86_64" : "i386"; });

TEST(LoaderStub, CodeCallsTheHandlerWithTheIndex) {
    auto x64 = pe::stub_code(true, 5, 0x1122334455667788ull);
    const std::vector<std::uint8_t> want64 = {0x48, 0xB9, 5, 0, 0, 0, 0, 0, 0, 0, 0x48, 0xB8, 0x88, 0x77,
                                              0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0xFF, 0xE0};
    EXPECT_EQ(x64, want64);
    auto x86 = pe::stub_code(false, 7, 0x11223344);
    const std::vector<std::uint8_t> want86 = {0x68, 7, 0, 0, 0, 0xB8, 0x44, 0x33, 0x22, 0x11, 0xFF, 0xD0};
    EXPECT_EQ(x86, want86);
}

// Wine's own drivers are real linker output: they must pass validation and map.
TEST(LoaderWineDrivers, WineDriversValidateAndMap) {
    int checked = 0;
    for (const char* path : {"/usr/lib/x86_64-linux-gnu/wine/x86_64-windows/hidparse.sys",
                             "/usr/lib/i386-linux-gnu/wine/i386-windows/hidparse.sys",
                             "/usr/lib/x86_64-linux-gnu/wine/x86_64-windows/usbd.sys",
                             "/usr/lib/i386-linux-gnu/wine/i386-windows/usbd.sys"}) {
        if (!std::filesystem::exists(path)) continue;
        std::string err;
        auto img = pe::load(path, &err);
        ASSERT_TRUE(img) << err;
        EXPECT_EQ(pe::validate(*img), std::nullopt) << path;
        std::vector<std::uint8_t> mem(img->size_of_image);
        ASSERT_TRUE(pe::map_image(*img, mem.data(), mem.size(), &err)) << err;
        EXPECT_TRUE(pe::relocate(*img, mem.data(), mem.size(), img->image_base + 0x100000, &err)) << path << ": " << err;
        ++checked;
    }
    if (!checked) GTEST_SKIP() << "Wine's drivers are not installed";
}

}  // namespace
