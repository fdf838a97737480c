// poolmon's portable half: the startup command line, tag patterns, the per-tag sums over every
// winedevice.exe process, sorting, and the text of the display, the snapshot file and the
// lookaside view. The Win32 half (poolmon.cpp) finds the processes, asks them, and drives the
// console. Unit-tested natively (tests/unit/poolmon_test.cpp).
//
// Facts are Microsoft's poolmon documentation (learn.microsoft.com, windows-hardware/drivers/
// devtest): "PoolMon Startup Command" (the options), "PoolMon Run-Time Commands" (the keys) and
// "PoolMon Display" (the columns, their order, the sample layout the widths follow).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "platform/poolmon_protocol.h"

namespace poolmon {

// The sort orders: /t (the default) /a /f /d /b /m, and the keys T A F D B M.
enum class Sort { tag, allocs, frees, diff, bytes, per_alloc };
// Which pool: both (default), /p nonpaged only, /p /p paged only; the P key cycles through
// nonpaged, paged, both ("PoolMon Run-Time Commands").
enum class Pools { both, nonpaged, paged };

struct Options {
    std::vector<std::string> include;   // /iTag (any may match)
    std::vector<std::string> exclude;   // /xTag
    Pools pools = Pools::both;
    bool totals = false;                // /e
    bool by_change = false;             // /( or /)
    bool highlight = true;              // /l turns it off
    Sort sort = Sort::tag;
    bool snapshot = false;              // /n [File]
    std::string snapshot_file = "poolsnap.log";
    bool lookaside = false;             // /lookaside: the lookaside lists instead of the tags
    bool help = false;                  // /? or /h
};

// Parses the arguments after the program name (each may start with / or -). On an error returns
// false with a one-line message in *error.
bool parse_options(const std::vector<std::string>& args, Options* out, std::string* error);
// The usage text (/?), naming the Windows option each one mirrors.
std::string usage();

// The tag as poolmon shows it: its four bytes as they lie in memory, PROTECTED_POOL cleared,
// a byte that is not printable ASCII as '.'.
std::string tag_text(std::uint32_t tag);
// Whether a /i or /x pattern (case-sensitive; * any run of characters, ? one character) matches
// the tag: its four characters, or the same with trailing blanks removed ("Io" matches "Io  ").
bool tag_matches(const std::string& pattern, std::uint32_t tag);
// Whether the options show this tag (the /i and /x lists).
bool tag_shown(const Options& options, std::uint32_t tag);

// One line of the display: a tag in one pool kind, summed over the processes.
struct Row {
    std::uint32_t tag = 0;
    bool paged = false;
    std::uint64_t allocs = 0;
    std::uint64_t frees = 0;
    std::int64_t bytes = 0;
    // Since the previous refresh (the "( )" columns): filled by apply_changes.
    std::int64_t allocs_change = 0;
    std::int64_t frees_change = 0;
    std::int64_t bytes_change = 0;
    std::int64_t per_alloc_change = 0;
    std::int64_t diff() const { return static_cast<std::int64_t>(allocs - frees); }
    // "The value of Bytes divided by the value of Diff" (PoolMon Display); 0 when Diff is 0.
    std::int64_t per_alloc() const { return diff() ? bytes / diff() : 0; }
    bool changed() const { return allocs_change || frees_change || bytes_change; }
};

// Adds one process's records to the sums (one row per tag and pool kind).
void accumulate(std::vector<Row>& rows, const poolmon_protocol::TagRecord* records, std::size_t count);
// Fills the change columns of `now` from the previous refresh's rows (a row that is new counts
// from zero).
void apply_changes(std::vector<Row>& now, const std::vector<Row>& previous);
// The rows the options show (/i, /x, /p), in the options' order (sort, by change or by value;
// largest first, ties and /t by tag, nonpaged before paged).
std::vector<Row> select_rows(const std::vector<Row>& rows, const Options& options);

// The display's column header and one row; `changes`: with the "( )" columns (the live display;
// a /n snapshot has none: "the columns that show the change in values ... do not appear in a
// snapshot file").
std::string format_header(bool changes);
std::string format_row(const Row& row, bool changes);
// The totals of the rows shown, one line per pool kind (/e, E).
std::string format_totals(const std::vector<Row>& shown, bool changes);
// Header, rows and (with /e) totals.
std::string format_table(const std::vector<Row>& shown, const Options& options, bool changes);

// The lookaside view: one line per list, the fields of SYSTEM_LOOKASIDE_INFORMATION as the
// debugger's !lookaside names them. Filtered by /i /x /p; sorted by tag (and size), or with
// /a by TotalAllocates, /f by TotalFrees, /b by Size, /m by AllocateMisses, /d by FreeMisses.
std::vector<poolmon_protocol::LookasideRecord> select_lookasides(
    const std::vector<poolmon_protocol::LookasideRecord>& lists, const Options& options);
std::string format_lookaside_table(const std::vector<poolmon_protocol::LookasideRecord>& shown);
// Whether a list's Type (POOL_TYPE, with an Ex list's raise flags) is a paged pool type: its
// Type column says Paged or Nonp, as the tag table's does.
bool lookaside_paged(std::uint32_t type);

}  // namespace poolmon
