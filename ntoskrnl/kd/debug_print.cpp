// DbgPrint's filtering and formatting (debug_print.h).
#include "kd/debug_print.h"

namespace kd {
namespace {

// dpfilter.h's DPFLTR_TYPE, in order: the registry value names are the ids' names without
// DPFLTR_ and _ID.
const char16_t* const names[component_count] = {
    u"SYSTEM", u"SMSS", u"SETUP", u"NTFS", u"FSTUB", u"CRASHDUMP", u"CDAUDIO", u"CDROM", u"CLASSPNP", u"DISK",
    u"REDBOOK", u"STORPROP", u"SCSIPORT", u"SCSIMINIPORT", u"CONFIG", u"I8042PRT", u"SERMOUSE", u"LSERMOUS", u"KBDHID",
    u"MOUHID", u"KBDCLASS", u"MOUCLASS", u"TWOTRACK", u"WMILIB", u"ACPI", u"AMLI", u"HALIA64", u"VIDEO", u"SVCHOST",
    u"VIDEOPRT", u"TCPIP", u"DMSYNTH", u"NTOSPNP", u"FASTFAT", u"SAMSS", u"PNPMGR", u"NETAPI", u"SCSERVER", u"SCCLIENT",
    u"SERIAL", u"SERENUM", u"UHCD", u"RPCPROXY", u"AUTOCHK", u"DCOMSS", u"UNIMODEM", u"SIS", u"FLTMGR", u"WMICORE",
    u"BURNENG", u"IMAPI", u"SXS", u"FUSION", u"IDLETASK", u"SOFTPCI", u"TAPE", u"MCHGR", u"IDEP", u"PCIIDE", u"FLOPPY",
    u"FDC", u"TERMSRV", u"W32TIME", u"PREFETCHER", u"RSFILTER", u"FCPORT", u"PCI", u"DMIO", u"DMCONFIG", u"DMADMIN",
    u"WSOCKTRANSPORT", u"VSS", u"PNPMEM", u"PROCESSOR", u"DMSERVER", u"SR", u"INFINIBAND", u"IHVDRIVER", u"IHVVIDEO",
    u"IHVAUDIO", u"IHVNETWORK", u"IHVSTREAMING", u"IHVBUS", u"HPS", u"RTLTHREADPOOL", u"LDR", u"TCPIP6", u"ISAPNP",
    u"SHPC", u"STORPORT", u"STORMINIPORT", u"PRINTSPOOLER", u"VSSDYNDISK", u"VERIFIER", u"VDS", u"VDSBAS", u"VDSDYN",
    u"VDSDYNDR", u"VDSLDR", u"VDSUTIL", u"DFRGIFC", u"DEFAULT", u"MM", u"DFSC", u"WOW64", u"ALPC", u"WDI", u"PERFLIB",
    u"KTM", u"IOSTRESS", u"HEAP", u"WHEA", u"USERGDI", u"MMCSS", u"TPM", u"THREADORDER", u"ENVIRON", u"EMS", u"WDT",
    u"FVEVOL", u"NDIS", u"NVCTRACE", u"LUAFV", u"APPCOMPAT", u"USBSTOR", u"SBP2PORT", u"COVERAGE", u"CACHEMGR",
    u"MOUNTMGR", u"CFR", u"TXF", u"KSECDD", u"FLTREGRESS", u"MPIO", u"MSDSM", u"UDFS", u"PSHED", u"STORVSP", u"LSASS",
    u"SSPICLI", u"CNG", u"EXFAT", u"FILETRACE", u"XSAVE", u"SE", u"DRIVEEXTENDER",
};
constexpr std::uint32_t win2000_slot = component_count;
constexpr std::uint64_t read_bit = 1ull << 32;

// The output buffer: never past capacity - 1.
struct Out {
    char* p;
    std::size_t cap, n = 0;
    void put(char c) {
        if (n + 1 < cap) p[n++] = c;
    }
    void repeat(char c, int count) {
        for (int i = 0; i < count; ++i) put(c);
    }
};

char narrow(char16_t c) { return c < 0x80 ? static_cast<char>(c) : '?'; }

struct Spec {
    bool left = false, plus = false, space = false, alt = false, zero = false;
    int width = -1, precision = -1;
};

void put_text(Out& o, const Spec& s, const char* a, const char16_t* w, std::size_t len) {
    if (s.precision >= 0 && static_cast<std::size_t>(s.precision) < len) len = static_cast<std::size_t>(s.precision);
    const int pad = s.width > static_cast<int>(len) ? s.width - static_cast<int>(len) : 0;
    if (!s.left) o.repeat(' ', pad);
    for (std::size_t i = 0; i < len; ++i) o.put(a ? a[i] : narrow(w[i]));
    if (s.left) o.repeat(' ', pad);
}

std::size_t length(const char* s) {
    std::size_t n = 0;
    while (s[n]) ++n;
    return n;
}
std::size_t length(const char16_t* s) {
    std::size_t n = 0;
    while (s[n]) ++n;
    return n;
}

void put_number(Out& o, const Spec& s, std::uint64_t v, bool negative, unsigned base, bool upper, const char* alt_prefix) {
    char digits[24];
    int n = 0;
    const char* set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
        digits[n++] = set[v % base];
        v /= base;
    } while (v);
    if (s.precision == 0 && n == 1 && digits[0] == '0') n = 0;   // "%.0d" of 0 prints nothing
    const int zeros = s.precision > n ? s.precision - n : 0;
    const char sign = negative ? '-' : s.plus ? '+' : s.space ? ' ' : 0;
    const int prefix_len = (sign ? 1 : 0) + static_cast<int>(alt_prefix ? length(alt_prefix) : 0);
    const int body = prefix_len + zeros + n;
    const int pad = s.width > body ? s.width - body : 0;
    const bool zero_pad = s.zero && !s.left && s.precision < 0;
    if (!s.left && !zero_pad) o.repeat(' ', pad);
    if (sign) o.put(sign);
    for (const char* a = alt_prefix; a && *a; ++a) o.put(*a);
    if (zero_pad) o.repeat('0', pad);
    o.repeat('0', zeros);
    while (n) o.put(digits[--n]);
    if (s.left) o.repeat(' ', pad);
}

// ANSI_STRING / UNICODE_STRING: USHORT Length (bytes), USHORT MaximumLength, then the buffer
// pointer at pointer alignment.
struct CountedString {
    std::uint16_t length, maximum;
    const void* buffer;
};

}  // namespace

std::uint32_t level_mask(std::uint32_t level) { return level <= 31 ? 1u << level : level & ~mask_flag; }

const char16_t* component_name(std::uint32_t id) { return id < component_count ? names[id] : nullptr; }

std::uint32_t Filter::mask_of(std::uint32_t slot) {
    std::uint64_t m = masks_[slot].load(std::memory_order_acquire);
    if (m & read_bit) return static_cast<std::uint32_t>(m);
    std::uint32_t value = slot == win2000_slot ? win2000_default_mask : 0;
    std::uint32_t from_registry = 0;
    if (read_ && read_(slot == win2000_slot ? u"WIN2000" : names[slot], &from_registry)) value = from_registry;
    std::uint64_t expected = m;
    // A concurrent DbgSetDebugFilterState or reader may have been first: keep theirs.
    masks_[slot].compare_exchange_strong(expected, read_bit | value, std::memory_order_acq_rel);
    return static_cast<std::uint32_t>(masks_[slot].load(std::memory_order_acquire));
}

bool Filter::enabled(std::uint32_t component, std::uint32_t level) {
    const std::uint32_t mask = level_mask(level);
    if (mask & mask_of(win2000_slot)) return true;
    return component < component_count && (mask & mask_of(component)) != 0;
}

bool Filter::set(std::uint32_t component, std::uint32_t level, bool state) {
    if (component >= component_count) return false;
    const std::uint32_t bits = level_mask(level);
    const std::uint32_t current = mask_of(component);
    masks_[component].store(read_bit | (state ? current | bits : current & ~bits), std::memory_order_release);
    return true;
}

std::size_t format(char* out, std::size_t capacity, const char* prefix, const char* fmt, va_list args) {
    if (!out || !capacity) return 0;
    Out o{out, capacity};
    for (const char* p = prefix; p && *p; ++p) o.put(*p);
    va_list ap;
    va_copy(ap, args);
    for (const char* f = fmt; f && *f; ++f) {
        if (*f != '%') {
            o.put(*f);
            continue;
        }
        const char* start = f++;
        Spec s;
        for (;; ++f) {
            if (*f == '-') s.left = true;
            else if (*f == '+') s.plus = true;
            else if (*f == ' ') s.space = true;
            else if (*f == '#') s.alt = true;
            else if (*f == '0') s.zero = true;
            else break;
        }
        if (*f == '*') {
            s.width = va_arg(ap, int);
            if (s.width < 0) s.left = true, s.width = -s.width;
            ++f;
        } else {
            for (s.width = *f >= '0' && *f <= '9' ? 0 : -1; *f >= '0' && *f <= '9'; ++f) s.width = s.width * 10 + (*f - '0');
        }
        if (*f == '.') {
            ++f;
            if (*f == '*') {
                s.precision = va_arg(ap, int);
                ++f;
            } else {
                for (s.precision = 0; *f >= '0' && *f <= '9'; ++f) s.precision = s.precision * 10 + (*f - '0');
            }
        }
        // Sizes: 8 = 64-bit, 4 = int, 2 = short; wide for strings and characters.
        int size = 4;
        bool wide = false, narrow_forced = false;
        if (f[0] == 'I' && f[1] == '6' && f[2] == '4') size = 8, f += 3;
        else if (f[0] == 'I' && f[1] == '3' && f[2] == '2') size = 4, f += 3;
        else if (f[0] == 'I' || f[0] == 'z') size = sizeof(void*), ++f;
        else if (f[0] == 'l' && f[1] == 'l') size = 8, f += 2;
        else if (f[0] == 'l') wide = true, ++f;   // long is 32-bit on Windows; %ls / %lc are wide
        else if (f[0] == 'w') wide = true, ++f;
        else if (f[0] == 'h') size = 2, narrow_forced = true, ++f;
        const char c = *f;
        switch (c) {
        case 'd':
        case 'i': {
            std::int64_t v = size == 8 ? va_arg(ap, std::int64_t) : va_arg(ap, int);
            if (size == 2) v = static_cast<short>(v);
            put_number(o, s, v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v), v < 0, 10, false, nullptr);
            break;
        }
        case 'u':
        case 'o':
        case 'x':
        case 'X': {
            std::uint64_t v = size == 8 ? va_arg(ap, std::uint64_t) : va_arg(ap, unsigned);
            if (size == 2) v = static_cast<std::uint16_t>(v);
            const unsigned base = c == 'u' ? 10 : c == 'o' ? 8 : 16;
            const char* alt = !s.alt || !v ? nullptr : c == 'o' ? "0" : c == 'x' ? "0x" : c == 'X' ? "0X" : nullptr;
            put_number(o, s, v, false, base, c == 'X', alt);
            break;
        }
        case 'p': {
            // As the kernel prints pointers: all digits, upper case, no prefix.
            Spec ps = s;
            ps.precision = static_cast<int>(sizeof(void*) * 2);
            put_number(o, ps, reinterpret_cast<std::uintptr_t>(va_arg(ap, void*)), false, 16, true, nullptr);
            break;
        }
        case 'c':
        case 'C': {
            const int v = va_arg(ap, int);
            const bool w = c == 'C' ? !narrow_forced : wide;
            const char ch = w ? narrow(static_cast<char16_t>(v)) : static_cast<char>(v);
            put_text(o, Spec{s.left, false, false, false, false, s.width, -1}, &ch, nullptr, 1);
            break;
        }
        case 's':
        case 'S': {
            const void* v = va_arg(ap, const void*);
            const bool w = c == 'S' ? !narrow_forced : wide;
            if (!v) put_text(o, s, "(null)", nullptr, 6);
            else if (w) put_text(o, s, nullptr, static_cast<const char16_t*>(v), length(static_cast<const char16_t*>(v)));
            else put_text(o, s, static_cast<const char*>(v), nullptr, length(static_cast<const char*>(v)));
            break;
        }
        case 'Z': {
            const auto* v = va_arg(ap, const CountedString*);
            if (!v || !v->buffer) put_text(o, s, "(null)", nullptr, 6);
            else if (wide) put_text(o, s, nullptr, static_cast<const char16_t*>(v->buffer), v->length / 2);
            else put_text(o, s, static_cast<const char*>(v->buffer), nullptr, v->length);
            break;
        }
        case '%': o.put('%'); break;
        default:
            // Not a conversion the kernel's formatter knows (or the end of the string): as written.
            for (const char* q = start; q <= f && *q; ++q) o.put(*q);
            if (!*f) --f;
            break;
        }
    }
    va_end(ap);
    out[o.n] = 0;
    return o.n;
}

}  // namespace kd
