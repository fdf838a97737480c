#include "vf/settings.h"

namespace vf {
namespace {

char16_t lower(char16_t c) { return c >= u'A' && c <= u'Z' ? static_cast<char16_t>(c - u'A' + u'a') : c; }

bool same_name(std::u16string_view a, const char16_t* b) {
    std::size_t i = 0;
    for (; i < a.size() && b[i]; ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return i == a.size() && !b[i];
}

struct Named {
    std::uint32_t bit;
    const char* name;
};
// verifier /querysettings' wording (Windows 10).
constexpr Named option_names[] = {
    {0x00000001, "Special pool"},
    {0x00000002, "Force IRQL checking"},
    {0x00000004, "Randomized low resources simulation"},
    {0x00000008, "Pool tracking"},
    {0x00000010, "I/O verification"},
    {0x00000020, "Deadlock detection"},
    {0x00000080, "DMA checking"},
    {0x00000100, "Security checks"},
    {0x00000200, "Force pending I/O requests"},
    {0x00000400, "IRP logging"},
    {0x00000800, "Miscellaneous checks"},
    {0x00002000, "Invariant MDL checking for stack"},
    {0x00004000, "Invariant MDL checking for driver"},
    {0x00008000, "Power framework delay fuzzing"},
    {0x00010000, "Port/miniport interface checking"},
    {0x00020000, "DDI compliance checking"},
    {0x00040000, "Systematic low resources simulation"},
    {0x00080000, "DDI compliance checking (additional)"},
    {0x00200000, "NDIS/WIFI verification"},
    {0x00800000, "Kernel synchronization delay fuzzing"},
    {0x01000000, "VM switch verification"},
    {0x02000000, "Code integrity checks"},
};

}  // namespace

const char* option_name(std::uint32_t bit) {
    for (const auto& o : option_names)
        if (o.bit == bit) return o.name;
    return nullptr;
}

Settings parse_settings(std::u16string_view text, bool has_level, std::uint32_t level) {
    Settings s;
    if (has_level) s.level = level;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && (text[i] == u' ' || text[i] == u'\t')) ++i;
        std::size_t start = i;
        while (i < text.size() && text[i] != u' ' && text[i] != u'\t' && text[i] != 0) ++i;
        std::u16string_view name = text.substr(start, i - start);
        if (i < text.size() && text[i] == 0) i = text.size();   // a REG_SZ's terminator ends it
        if (name.empty()) continue;
        if (name == u"*") {
            s.all = true;
            continue;
        }
        if (name.size() >= Settings::max_name || s.count == Settings::max_drivers) continue;
        for (std::size_t k = 0; k < name.size(); ++k) s.names[s.count][k] = name[k];
        ++s.count;
    }
    return s;
}

bool applies(const Settings& s, std::u16string_view image) {
    if (s.all) return true;
    for (std::size_t i = 0; i < s.count; ++i)
        if (same_name(image, s.names[i])) return true;
    return false;
}

}  // namespace vf
