// The event protocol between the driver host's child (which runs the driver) and its parent
// (which writes the report), defined once: each event is a struct that lists its fields in one
// `fields(visitor)` function, and the same function writes a line (Writer, in the child) and
// reads it back (Reader, in the parent). Portable C++, unit-tested natively.
//
// Why a stream of events: a bug check ends the process that runs the driver at once, so the
// process that writes the report is another one. The child writes one line per event on its
// stdout, before the call that could stop the system: "#ntoshost NAME FIELD...". Fields are
// separated by one space: numbers in hex or decimal, words without spaces, and at most one
// trailing `rest` (the remainder of the line) or `text` (escaped: \\, \n, \r, \t, \xHH, so a
// driver's message with newlines stays one line). The module's own "*** STOP: ..." line arrives
// on the same pipe (ntoskrnl/ke/bugcheck.h) and is not an event.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <limits>
#include <type_traits>
#include <variant>

namespace ntoshost::events {

inline constexpr std::string_view prefix = "#ntoshost ";

// ---- The events ----
// image <base-hex> <size-hex> <entry-hex>: the driver image is mapped and relocated.
struct Image {
    static constexpr std::string_view name = "image";
    std::uint64_t base = 0, size = 0, entry = 0;
    template <class V> bool fields(V& v) { return v.hex(base) && v.hex(size) && v.hex(entry); }
};
// import <module>!<name> <bound-to...>
struct Import {
    static constexpr std::string_view name = "import";
    std::string slot, target;
    template <class V> bool fields(V& v) { return v.word(slot) && v.rest(target); }
};
// unresolved <module>!<name> <reason...>
struct Unresolved {
    static constexpr std::string_view name = "unresolved";
    std::string slot, reason;
    template <class V> bool fields(V& v) { return v.word(slot) && v.rest(reason); }
};
// refused: unresolved imports and no --stub-missing; the driver is not run.
struct Refused {
    static constexpr std::string_view name = "refused";
    template <class V> bool fields(V&) { return true; }
};
// module <name> <base-hex> <size-hex> <path...>: an export driver the image imports, loaded.
struct Module {
    static constexpr std::string_view name = "module";
    std::string module;
    std::uint64_t base = 0, size = 0;
    std::string path;
    template <class V> bool fields(V& v) { return v.word(module) && v.hex(base) && v.hex(size) && v.rest(path); }
};
// module-init <name> <has-DllInitialize 0|1> <status-hex>
struct ModuleInit {
    static constexpr std::string_view name = "module-init";
    std::string module;
    std::uint32_t has_initialize = 0, status = 0;
    template <class V> bool fields(V& v) { return v.word(module) && v.dec(has_initialize) && v.hex(status); }
};
// module-unload <name> <DllUnload called 0|1>
struct ModuleUnload {
    static constexpr std::string_view name = "module-unload";
    std::string module;
    std::uint32_t called = 0;
    template <class V> bool fields(V& v) { return v.word(module) && v.dec(called); }
};
// cookie <address-hex> <value-hex>: the /GS security cookie the loader set (load config).
struct Cookie {
    static constexpr std::string_view name = "cookie";
    std::uint64_t address = 0, value = 0;
    template <class V> bool fields(V& v) { return v.hex(address) && v.hex(value); }
};
// alloc <addr-hex> <tag-hex> <pool-type-hex> <paged 0|1> <bytes> <owner> <routine...>
// owner: the export driver that called the routine, "-" for the driver itself.
struct Alloc {
    static constexpr std::string_view name = "alloc";
    std::uint64_t address = 0;
    std::uint32_t tag = 0, pool_type = 0, paged = 0;
    std::uint64_t bytes = 0;
    std::string routine;
    std::string owner;
    template <class V> bool fields(V& v) {
        return v.hex(address) && v.hex(tag) && v.hex(pool_type) && v.dec(paged) && v.dec(bytes) && v.word(owner) && v.rest(routine);
    }
};
// free <addr-hex> <tag-hex> <caller> <routine...>: caller as alloc's owner.
struct Free {
    static constexpr std::string_view name = "free";
    std::uint64_t address = 0;
    std::uint32_t tag = 0;
    std::string routine;
    std::string caller;
    template <class V> bool fields(V& v) { return v.hex(address) && v.hex(tag) && v.word(caller) && v.rest(routine); }
};
// lookaside <addr-hex> <NPaged|Paged|Ex> <tag-hex> <size> <pool-type-hex> <status-hex>
struct Lookaside {
    static constexpr std::string_view name = "lookaside";
    std::uint64_t address = 0;
    std::string kind;
    std::uint32_t tag = 0;
    std::uint64_t size = 0;
    std::uint32_t pool_type = 0, status = 0;
    template <class V> bool fields(V& v) {
        return v.hex(address) && v.word(kind) && v.hex(tag) && v.dec(size) && v.hex(pool_type) && v.hex(status);
    }
};
// lookaside-delete <addr-hex> <counters read 0|1> <total-allocates> <allocate-misses> <total-frees> <free-misses>
struct LookasideDelete {
    static constexpr std::string_view name = "lookaside-delete";
    std::uint64_t address = 0;
    std::uint32_t has_counters = 0, total_allocates = 0, allocate_misses = 0, total_frees = 0, free_misses = 0;
    template <class V> bool fields(V& v) {
        return v.hex(address) && v.dec(has_counters) && v.dec(total_allocates) && v.dec(allocate_misses) && v.dec(total_frees) &&
               v.dec(free_misses);
    }
};
// zone <addr-hex> <block-size> <segment-hex> <segment-size> <status-hex>
struct Zone {
    static constexpr std::string_view name = "zone";
    std::uint64_t address = 0, block_size = 0, segment = 0, segment_size = 0;
    std::uint32_t status = 0;
    template <class V> bool fields(V& v) {
        return v.hex(address) && v.dec(block_size) && v.hex(segment) && v.dec(segment_size) && v.hex(status);
    }
};
// zone-extend <addr-hex> <segment-hex> <segment-size> <status-hex>
struct ZoneExtend {
    static constexpr std::string_view name = "zone-extend";
    std::uint64_t address = 0, segment = 0, segment_size = 0;
    std::uint32_t status = 0;
    template <class V> bool fields(V& v) { return v.hex(address) && v.hex(segment) && v.dec(segment_size) && v.hex(status); }
};
// lookaside-snapshot: the lookaside-info lines that follow are the system's lists now.
struct LookasideSnapshot {
    static constexpr std::string_view name = "lookaside-snapshot";
    template <class V> bool fields(V&) { return true; }
};
// lookaside-info <depth> <max-depth> <allocates> <allocate-misses> <frees> <free-misses> <type-hex> <tag-hex> <size>
struct LookasideInfo {
    static constexpr std::string_view name = "lookaside-info";
    std::uint32_t depth = 0, max_depth = 0;
    std::uint64_t allocates = 0, allocate_misses = 0, frees = 0, free_misses = 0;
    std::uint32_t pool_type = 0, tag = 0, size = 0;
    template <class V> bool fields(V& v) {
        return v.dec(depth) && v.dec(max_depth) && v.dec(allocates) && v.dec(allocate_misses) && v.dec(frees) && v.dec(free_misses) &&
               v.hex(pool_type) && v.hex(tag) && v.dec(size);
    }
};
// kernel-dll <has-DllInitialize 0|1> <has-DllUnload 0|1>: the image runs as a kernel-mode DLL (--kernel-dll).
struct KernelDll {
    static constexpr std::string_view name = "kernel-dll";
    std::uint32_t has_initialize = 0, has_unload = 0;
    template <class V> bool fields(V& v) { return v.dec(has_initialize) && v.dec(has_unload); }
};
// entry <status-hex>: DriverEntry (or DllInitialize) returned.
struct Entry {
    static constexpr std::string_view name = "entry";
    std::uint32_t status = 0;
    template <class V> bool fields(V& v) { return v.hex(status); }
};
// unload <0|1: the driver has an unload routine>
struct Unload {
    static constexpr std::string_view name = "unload";
    std::uint32_t has_unload = 0;
    template <class V> bool fields(V& v) { return v.dec(has_unload); }
};
// unloaded: DriverUnload (or DllUnload) returned.
struct Unloaded {
    static constexpr std::string_view name = "unloaded";
    template <class V> bool fields(V&) { return true; }
};
// kept <seconds>: --keep
struct Kept {
    static constexpr std::string_view name = "kept";
    std::uint32_t seconds = 0;
    template <class V> bool fields(V& v) { return v.dec(seconds); }
};
// debug <text>: one DbgPrint message that passed the filter, as the module sent it to the debugger.
struct Debug {
    static constexpr std::string_view name = "debug";
    std::string message;
    template <class V> bool fields(V& v) { return v.text(message); }
};
// exception <code-hex> <address-hex> <where...>: an exception the driver did not handle.
struct Exception {
    static constexpr std::string_view name = "exception";
    std::uint32_t code = 0;
    std::uint64_t address = 0;
    std::string where;   // "driver.sys+0x1234", or the module and offset, or "" if in no module
    template <class V> bool fields(V& v) { return v.hex(code) && v.hex(address) && v.rest(where); }
};
// frame <return-address-hex> <where...>: one caller found by the stack walk, innermost first.
struct Frame {
    static constexpr std::string_view name = "frame";
    std::uint64_t address = 0;
    std::string where;
    template <class V> bool fields(V& v) { return v.hex(address) && v.rest(where); }
};
// unimplemented <module>.<name>: a --stub-missing stub or one of Wine's stubs was called.
struct Unimplemented {
    static constexpr std::string_view name = "unimplemented";
    std::string routine;
    template <class V> bool fields(V& v) { return v.rest(routine); }
};
// load-error <message...>
struct LoadError {
    static constexpr std::string_view name = "load-error";
    std::string message;
    template <class V> bool fields(V& v) { return v.rest(message); }
};

using Event = std::variant<Image, Import, Unresolved, Refused, Module, ModuleInit, ModuleUnload, Cookie, Alloc, Free, Lookaside,
                           LookasideDelete, Zone, ZoneExtend, LookasideSnapshot, LookasideInfo, KernelDll, Entry, Unload, Unloaded,
                           Kept, Debug, Exception, Frame, Unimplemented, LoadError>;

// ---- Writing ----
std::string escape(std::string_view text);
std::optional<std::string> unescape(std::string_view text);

class Writer {
public:
    explicit Writer(std::string_view name) : line_(prefix) { line_ += name; }
    template <class I> bool hex(const I& v) { return number(static_cast<std::uint64_t>(v), 16); }
    template <class I> bool dec(const I& v) { return number(static_cast<std::uint64_t>(v), 10); }
    bool word(const std::string& s) { return field(s.empty() ? std::string("-") : s); }
    bool rest(const std::string& s) { return field(s); }
    bool text(const std::string& s) { return field(escape(s)); }
    std::string line() && { return std::move(line_); }

private:
    bool number(std::uint64_t v, int base);
    bool field(const std::string& s) {
        line_ += ' ';
        line_ += s;
        return true;
    }
    std::string line_;
};

// The line for an event (without the newline).
template <class E> std::string format(E event) {
    Writer w(E::name);
    event.fields(w);
    return std::move(w).line();
}

// ---- Reading ----
class Reader {
public:
    explicit Reader(std::string_view fields) : s_(fields) {}
    template <class I> bool hex(I& v) { return number(v, 16); }
    template <class I> bool dec(I& v) { return number(v, 10); }
    bool word(std::string& s);
    bool rest(std::string& s);
    bool text(std::string& s);
    bool done() const { return s_.empty(); }

private:
    std::optional<std::string_view> next();
    std::optional<std::uint64_t> parse_number(std::string_view f, int base);
    template <class I> bool number(I& v, int base) {
        auto f = next();
        if (!f) return false;
        auto n = parse_number(*f, base);
        if (!n || *n > static_cast<std::uint64_t>(std::numeric_limits<I>::max())) return false;
        v = static_cast<I>(*n);
        return true;
    }
    std::string_view s_;
};

// The event a line carries, or nullopt for any other line (the child's own output) and for a
// line that names an event but does not parse.
std::optional<Event> parse(std::string_view line);

}  // namespace ntoshost::events
