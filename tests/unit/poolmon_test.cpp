// poolmon's portable parts: the wire format the module's pool server writes and poolmon reads
// (ntoskrnl/platform/poolmon_protocol.h), and poolmon's options, tag patterns, sums, sorting and
// text (tools/poolmon/view.h), against Microsoft's "PoolMon Startup Command", "PoolMon Run-Time
// Commands" and "PoolMon Display".
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "platform/poolmon_protocol.h"
#include "view.h"

namespace proto = poolmon_protocol;
using poolmon::Options;
using poolmon::Row;

namespace {

constexpr std::uint32_t tag(const char (&s)[5]) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(s[0])) |
           static_cast<std::uint32_t>(static_cast<unsigned char>(s[1])) << 8 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(s[2])) << 16 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(s[3])) << 24;
}

Options parse(std::vector<std::string> args) {
    Options o;
    std::string error;
    EXPECT_TRUE(poolmon::parse_options(args, &o, &error)) << error;
    return o;
}

std::string parse_error(std::vector<std::string> args) {
    Options o;
    std::string error;
    EXPECT_FALSE(poolmon::parse_options(args, &o, &error));
    return error;
}

Row row(const char (&t)[5], bool paged, std::uint64_t allocs, std::uint64_t frees, std::int64_t bytes) {
    Row r;
    r.tag = tag(t);
    r.paged = paged;
    r.allocs = allocs;
    r.frees = frees;
    r.bytes = bytes;
    return r;
}

}  // namespace

// ---- The wire format ----

TEST(PoolmonProtocol, PipeNameCarriesThePid) {
    wchar_t name[64];
    const std::size_t n = proto::pipe_name(4128, name, 64);
    const std::wstring expected = L"\\\\.\\pipe\\ntoskrnl-poolmon-4128";
    EXPECT_EQ(n, expected.size());
    EXPECT_EQ(std::wstring(name), expected);
    EXPECT_EQ(proto::pipe_name(0, name, 64), expected.size() - 3);
    EXPECT_EQ(std::wstring(name), L"\\\\.\\pipe\\ntoskrnl-poolmon-0");
    EXPECT_EQ(proto::pipe_name(4294967295u, name, 64), expected.size() + 6);   // the longest pid
    wchar_t small[8];
    proto::pipe_name(4128, small, 8);   // truncated, still terminated
    EXPECT_EQ(std::wstring(small), L"\\\\.\\pip");
}

TEST(PoolmonProtocol, RequestRoundTripAndRefusals) {
    std::uint8_t bytes[proto::request_bytes];
    ASSERT_EQ(proto::encode_request({proto::want_tags | proto::want_lookaside}, bytes, sizeof(bytes)), proto::request_bytes);
    EXPECT_EQ(proto::encode_request({1}, bytes, sizeof(bytes) - 1), 0u);
    proto::Request r{};
    ASSERT_TRUE(proto::parse_request(bytes, sizeof(bytes), &r));
    EXPECT_EQ(r.what, proto::want_tags | proto::want_lookaside);
    EXPECT_FALSE(proto::parse_request(bytes, sizeof(bytes) - 1, &r));
    bytes[4] = 2;   // another version
    EXPECT_FALSE(proto::parse_request(bytes, sizeof(bytes), &r));
    bytes[4] = 1;
    bytes[0] ^= 1;   // another magic
    EXPECT_FALSE(proto::parse_request(bytes, sizeof(bytes), &r));
}

TEST(PoolmonProtocol, SnapshotRoundTrip) {
    const proto::TagRecord tags[] = {{tag("ZSrp"), false, 3001, 3001, 0},
                                     {tag("LkPg"), true, 1, 0, 64},
                                     {0x80000000u | tag("Prot"), false, 0x123456789ull, 5, -16}};
    const proto::LookasideRecord lists[] = {{tag("ZSck"), 0, 512, 4, 256, 3001, 7, 3001, 3}};
    std::vector<std::uint8_t> bytes(proto::snapshot_bytes(3, 1));
    EXPECT_EQ(bytes.size(), proto::snapshot_header_bytes + 3 * proto::tag_record_bytes + proto::lookaside_record_bytes);
    EXPECT_EQ(proto::encode_snapshot(77, proto::want_tags | proto::want_lookaside, tags, 3, lists, 1, bytes.data(),
                                     bytes.size() - 1),
              0u);
    ASSERT_EQ(proto::encode_snapshot(77, proto::want_tags | proto::want_lookaside, tags, 3, lists, 1, bytes.data(),
                                     bytes.size()),
              bytes.size());
    // Little-endian on the wire whatever the host: the magic reads "PMsn".
    EXPECT_EQ(std::memcmp(bytes.data(), "PMsn", 4), 0);

    proto::Snapshot s{};
    ASSERT_EQ(proto::parse_snapshot(bytes.data(), bytes.size(), &s), proto::ParseStatus::ok);
    EXPECT_EQ(s.pid, 77u);
    EXPECT_EQ(s.what, proto::want_tags | proto::want_lookaside);
    ASSERT_EQ(s.tag_count, 3u);
    ASSERT_EQ(s.lookaside_count, 1u);
    for (std::size_t i = 0; i < 3; ++i) {
        const proto::TagRecord t = proto::tag_record(bytes.data(), s, i);
        EXPECT_EQ(t.tag, tags[i].tag);
        EXPECT_EQ(t.paged, tags[i].paged);
        EXPECT_EQ(t.allocs, tags[i].allocs);
        EXPECT_EQ(t.frees, tags[i].frees);
        EXPECT_EQ(t.bytes, tags[i].bytes);
    }
    const proto::LookasideRecord l = proto::lookaside_record(bytes.data(), s, 0);
    EXPECT_EQ(l.tag, tag("ZSck"));
    EXPECT_EQ(l.type, 0u);
    EXPECT_EQ(l.size, 512u);
    EXPECT_EQ(l.depth, 4);
    EXPECT_EQ(l.maximum_depth, 256);
    EXPECT_EQ(l.total_allocates, 3001u);
    EXPECT_EQ(l.allocate_misses, 7u);
    EXPECT_EQ(l.total_frees, 3001u);
    EXPECT_EQ(l.free_misses, 3u);

    // Every shorter message is refused as truncated, never read past its end.
    for (std::size_t n = 0; n < bytes.size(); ++n)
        EXPECT_EQ(proto::parse_snapshot(bytes.data(), n, &s), proto::ParseStatus::truncated) << n;
}

TEST(PoolmonProtocol, SnapshotRefusals) {
    std::vector<std::uint8_t> bytes(proto::snapshot_bytes(0, 0));
    ASSERT_EQ(proto::encode_snapshot(5, proto::want_tags, nullptr, 0, nullptr, 0, bytes.data(), bytes.size()),
              bytes.size());
    proto::Snapshot s{};
    ASSERT_EQ(proto::parse_snapshot(bytes.data(), bytes.size(), &s), proto::ParseStatus::ok);
    EXPECT_EQ(s.tag_count, 0u);

    auto patched = [&](std::size_t at, std::uint8_t value) {
        std::vector<std::uint8_t> copy = bytes;
        copy[at] = value;
        return proto::parse_snapshot(copy.data(), copy.size(), &s);
    };
    EXPECT_EQ(patched(0, 'X'), proto::ParseStatus::bad_magic);
    EXPECT_EQ(patched(4, 9), proto::ParseStatus::other_version);
    EXPECT_EQ(s.version, 9u);   // named in poolmon's message
    EXPECT_EQ(patched(8, 8), proto::ParseStatus::bad_layout);    // a header shorter than the known fields
    EXPECT_EQ(patched(24, 16), proto::ParseStatus::bad_layout);  // tag records shorter than this reader's
    EXPECT_EQ(patched(20, 1), proto::ParseStatus::truncated);    // a record the message does not hold
    EXPECT_STRNE(proto::describe(proto::ParseStatus::other_version), "?");
}

TEST(PoolmonProtocol, LongerRecordsOfANewerServerAreSkipped) {
    // A later server may append fields to its header and records; this reader skips them.
    const proto::TagRecord tags[] = {{tag("AAAA"), false, 1, 0, 8}, {tag("BBBB"), true, 2, 1, 16}};
    std::vector<std::uint8_t> v1(proto::snapshot_bytes(2, 0));
    proto::encode_snapshot(1, proto::want_tags, tags, 2, nullptr, 0, v1.data(), v1.size());
    const std::size_t extra_header = 8, extra_record = 4;
    std::vector<std::uint8_t> wide(v1.begin(), v1.begin() + proto::snapshot_header_bytes);
    wide.resize(wide.size() + extra_header, 0xEE);
    for (int i = 0; i < 2; ++i) {
        auto first = v1.begin() + proto::snapshot_header_bytes + i * proto::tag_record_bytes;
        wide.insert(wide.end(), first, first + proto::tag_record_bytes);
        wide.resize(wide.size() + extra_record, 0xEE);
    }
    wide[8] = static_cast<std::uint8_t>(proto::snapshot_header_bytes + extra_header);
    wide[24] = static_cast<std::uint8_t>(proto::tag_record_bytes + extra_record);
    proto::Snapshot s{};
    ASSERT_EQ(proto::parse_snapshot(wide.data(), wide.size(), &s), proto::ParseStatus::ok);
    ASSERT_EQ(s.tag_count, 2u);
    EXPECT_EQ(proto::tag_record(wide.data(), s, 1).tag, tag("BBBB"));
    EXPECT_EQ(proto::tag_record(wide.data(), s, 1).frees, 1u);
    EXPECT_EQ(proto::tag_record(wide.data(), s, 1).bytes, 16);
}

// ---- Options (PoolMon Startup Command) ----

TEST(PoolmonOptions, Defaults) {
    const Options o = parse({});
    EXPECT_EQ(o.sort, poolmon::Sort::tag);   // "/t ... This is the default."
    EXPECT_EQ(o.pools, poolmon::Pools::both);
    EXPECT_FALSE(o.totals);
    EXPECT_FALSE(o.by_change);
    EXPECT_TRUE(o.highlight);
    EXPECT_FALSE(o.snapshot);
    EXPECT_EQ(o.snapshot_file, "poolsnap.log");   // "/n [File] ... The default is poolsnap.log."
    EXPECT_FALSE(o.lookaside);
}

TEST(PoolmonOptions, WindowsSpellingsAndDashes) {
    Options o = parse({"/iZS*", "-iAb?d", "/xZSst", "/p", "/e", "/(", "/b", "/l"});
    EXPECT_EQ(o.include, (std::vector<std::string>{"ZS*", "Ab?d"}));
    EXPECT_EQ(o.exclude, (std::vector<std::string>{"ZSst"}));
    EXPECT_EQ(o.pools, poolmon::Pools::nonpaged);   // /p: nonpaged only
    EXPECT_TRUE(o.totals);
    EXPECT_TRUE(o.by_change);
    EXPECT_EQ(o.sort, poolmon::Sort::bytes);
    EXPECT_FALSE(o.highlight);
    EXPECT_EQ(parse({"/p", "-p"}).pools, poolmon::Pools::paged);   // /p /p: paged only
    EXPECT_TRUE(parse({"/)"}).by_change);
    EXPECT_EQ(parse({"/a"}).sort, poolmon::Sort::allocs);
    EXPECT_EQ(parse({"/f"}).sort, poolmon::Sort::frees);
    EXPECT_EQ(parse({"/d"}).sort, poolmon::Sort::diff);
    EXPECT_EQ(parse({"/m"}).sort, poolmon::Sort::per_alloc);
    EXPECT_EQ(parse({"/a", "/T"}).sort, poolmon::Sort::tag);   // the last wins; letters in either case
    EXPECT_TRUE(parse({"/?"}).help);
    EXPECT_TRUE(parse({"-h"}).help);
    EXPECT_TRUE(parse({"/lookaside"}).lookaside);
    EXPECT_TRUE(parse({"-Lookaside"}).lookaside);
    EXPECT_FALSE(parse({"/lookaside"}).highlight == false);   // not /l
}

TEST(PoolmonOptions, SnapshotFile) {
    Options o = parse({"/n"});
    EXPECT_TRUE(o.snapshot);
    EXPECT_EQ(o.snapshot_file, "poolsnap.log");
    o = parse({"-n", "C:\\out\\snap.log", "/iZS*"});
    EXPECT_EQ(o.snapshot_file, "C:\\out\\snap.log");
    EXPECT_EQ(o.include, (std::vector<std::string>{"ZS*"}));
    o = parse({"/n", "/b"});   // an option after /n is not its file
    EXPECT_EQ(o.snapshot_file, "poolsnap.log");
    EXPECT_EQ(o.sort, poolmon::Sort::bytes);
}

TEST(PoolmonOptions, Errors) {
    EXPECT_NE(parse_error({"/i"}).find("needs a tag"), std::string::npos);
    EXPECT_NE(parse_error({"/i*Rp"}).find("asterisk"), std::string::npos);   // "Do not begin a tag with an asterisk"
    EXPECT_NE(parse_error({"/p", "/p", "/p"}).find("more than twice"), std::string::npos);
    EXPECT_NE(parse_error({"/g"}).find("not supported"), std::string::npos);
    EXPECT_NE(parse_error({"/s1"}).find("unknown"), std::string::npos);
    EXPECT_NE(parse_error({"/s"}).find("session"), std::string::npos);
    EXPECT_NE(parse_error({"/q"}).find("unknown option"), std::string::npos);
    EXPECT_NE(parse_error({"snap.log"}).find("unexpected argument"), std::string::npos);
    EXPECT_NE(parse_error({"/"}).find("unexpected argument"), std::string::npos);
}

// ---- Tags and patterns ----

TEST(PoolmonTags, TextAndPatterns) {
    EXPECT_EQ(poolmon::tag_text(tag("ZSrp")), "ZSrp");
    EXPECT_EQ(poolmon::tag_text(0x80000000u | tag("Prot")), "Prot");   // PROTECTED_POOL is not shown
    EXPECT_EQ(poolmon::tag_text(tag("Io  ")), "Io  ");
    EXPECT_EQ(poolmon::tag_text(0x00006F49u), "Io..");
    EXPECT_EQ(poolmon::tag_text(0x7F1F4141u), "AA..");

    EXPECT_TRUE(poolmon::tag_matches("ZSrp", tag("ZSrp")));
    EXPECT_FALSE(poolmon::tag_matches("zsrp", tag("ZSrp")));   // "Pool tags are case-sensitive"
    EXPECT_TRUE(poolmon::tag_matches("ZS*", tag("ZSrp")));
    EXPECT_TRUE(poolmon::tag_matches("ZS??", tag("ZSck")));
    EXPECT_FALSE(poolmon::tag_matches("ZS?", tag("ZSck")));
    EXPECT_TRUE(poolmon::tag_matches("Z*p", tag("ZSrp")));
    EXPECT_TRUE(poolmon::tag_matches("Z*", tag("Z\0\0\0")));
    EXPECT_FALSE(poolmon::tag_matches("Z*p", tag("ZSck")));
    EXPECT_TRUE(poolmon::tag_matches("Io", tag("Io  ")));     // a short tag's padding
    EXPECT_TRUE(poolmon::tag_matches("Io", 0x00006F49u));
    EXPECT_TRUE(poolmon::tag_matches("Io??", tag("Io  ")));
    EXPECT_FALSE(poolmon::tag_matches("Io", tag("Iox ")));
    EXPECT_TRUE(poolmon::tag_matches("A*B*C", tag("AxBC")));

    Options o = parse({"/iZS*", "/iLk*", "/xZSst"});
    EXPECT_TRUE(poolmon::tag_shown(o, tag("ZSrp")));
    EXPECT_TRUE(poolmon::tag_shown(o, tag("LkOk")));
    EXPECT_FALSE(poolmon::tag_shown(o, tag("ZSst")));   // excluded
    EXPECT_FALSE(poolmon::tag_shown(o, tag("Irp ")));   // not included
    EXPECT_TRUE(poolmon::tag_shown(parse({"/xZSst"}), tag("Irp ")));
}

// ---- Sums, changes, selection ----

TEST(PoolmonRows, SumsPerTagAndPoolKindOverProcesses) {
    const proto::TagRecord a[] = {{tag("ZSrp"), false, 10, 9, 100}, {tag("ZSrp"), true, 1, 0, 8}};
    const proto::TagRecord b[] = {{tag("ZSrp"), false, 5, 5, 0}, {tag("Irp "), false, 2, 1, 80}};
    std::vector<Row> rows;
    poolmon::accumulate(rows, a, 2);
    poolmon::accumulate(rows, b, 2);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].allocs, 15u);
    EXPECT_EQ(rows[0].frees, 14u);
    EXPECT_EQ(rows[0].bytes, 100);
    EXPECT_EQ(rows[0].diff(), 1);
    EXPECT_EQ(rows[0].per_alloc(), 100);   // Bytes / Diff
    EXPECT_TRUE(rows[1].paged);
    EXPECT_EQ(rows[1].allocs, 1u);
    EXPECT_EQ(row("None", false, 4, 4, 0).per_alloc(), 0);   // Diff 0
}

TEST(PoolmonRows, ChangesSinceThePreviousRefresh) {
    std::vector<Row> before = {row("AAAA", false, 10, 5, 500), row("BBBB", true, 1, 1, 0)};
    std::vector<Row> now = {row("AAAA", false, 13, 5, 800), row("BBBB", true, 1, 1, 0), row("CCCC", false, 2, 0, 64)};
    poolmon::apply_changes(now, before);
    EXPECT_EQ(now[0].allocs_change, 3);
    EXPECT_EQ(now[0].frees_change, 0);
    EXPECT_EQ(now[0].bytes_change, 300);
    EXPECT_EQ(now[0].per_alloc_change, 100 - 100);
    EXPECT_TRUE(now[0].changed());
    EXPECT_FALSE(now[1].changed());
    EXPECT_EQ(now[2].allocs_change, 2);   // new: from zero
    EXPECT_EQ(now[2].bytes_change, 64);
}

TEST(PoolmonRows, FilterAndSortOrders) {
    std::vector<Row> rows = {row("Bbbb", false, 5, 1, 40), row("Aaaa", true, 9, 9, 0), row("Cccc", false, 7, 2, 500),
                             row("Aaaa", false, 1, 0, 1000)};
    auto tags = [](const std::vector<Row>& shown) {
        std::string s;
        for (const Row& r : shown) s += poolmon::tag_text(r.tag) + (r.paged ? "P " : "N ");
        return s;
    };
    EXPECT_EQ(tags(poolmon::select_rows(rows, parse({}))), "AaaaN AaaaP BbbbN CcccN ");   // /t: by tag, nonpaged first
    EXPECT_EQ(tags(poolmon::select_rows(rows, parse({"/a"}))), "AaaaP CcccN BbbbN AaaaN ");
    EXPECT_EQ(tags(poolmon::select_rows(rows, parse({"/f"}))), "AaaaP CcccN BbbbN AaaaN ");
    EXPECT_EQ(tags(poolmon::select_rows(rows, parse({"/d"}))), "CcccN BbbbN AaaaN AaaaP ");
    EXPECT_EQ(tags(poolmon::select_rows(rows, parse({"/b"}))), "AaaaN CcccN BbbbN AaaaP ");
    EXPECT_EQ(tags(poolmon::select_rows(rows, parse({"/m"}))), "AaaaN CcccN BbbbN AaaaP ");   // 1000, 100, 10, 0
    EXPECT_EQ(tags(poolmon::select_rows(rows, parse({"/p"}))), "AaaaN BbbbN CcccN ");
    EXPECT_EQ(tags(poolmon::select_rows(rows, parse({"/p", "/p"}))), "AaaaP ");
    EXPECT_EQ(tags(poolmon::select_rows(rows, parse({"/xA*", "/b"}))), "CcccN BbbbN ");

    // Sort by change (/( with /a, /b ...): the change, not the value.
    std::vector<Row> before = rows;
    rows[1].allocs += 50;   // Aaaa paged: +50 allocs
    rows[0].bytes += 7;     // Bbbb: +7 bytes
    poolmon::apply_changes(rows, before);
    EXPECT_EQ(tags(poolmon::select_rows(rows, parse({"/(", "/a"}))), "AaaaP AaaaN BbbbN CcccN ");
    EXPECT_EQ(tags(poolmon::select_rows(rows, parse({"/)", "/b"}))), "BbbbN AaaaN AaaaP CcccN ");
}

// ---- Text (PoolMon Display) ----

TEST(PoolmonText, LiveRowsLineUpUnderTheDocumentedHeader) {
    // The sample row of "PoolMon Display", sorted by allocations.
    Row r = row("Wait", false, 3971107, 3971077, 8456);
    const std::string line = poolmon::format_row(r, true);
    EXPECT_EQ(line, " Wait Nonp    3971107 (   0)   3971077 (   0)       30    8456 (     0)    281\n");
    const std::string header = poolmon::format_header(true);
    EXPECT_EQ(header, " Tag  Type     Allocs            Frees            Diff   Bytes       Per Alloc\n");
    // Each column label ends where its numbers end.
    for (const char* label : {"Allocs", "Frees", "Diff", "Bytes", "Per Alloc"}) {
        const std::size_t end = header.find(label) + std::strlen(label);
        EXPECT_NE(line[end - 1], ' ') << label;
        EXPECT_TRUE(line[end] == ' ' || line[end] == '\n') << label;
    }
    EXPECT_EQ(poolmon::format_row(row("Gxlt", true, 1161638, 1161630, 864), true),
              " Gxlt Paged   1161638 (   0)   1161630 (   0)        8     864 (     0)    108\n");
}

TEST(PoolmonText, SnapshotHasNoChangeColumns) {
    // "the columns that show the change in values in the PoolMon display do not appear in a snapshot file"
    const std::string header = poolmon::format_header(false);
    EXPECT_EQ(header.find('('), std::string::npos);
    const std::string line = poolmon::format_row(row("ZSsg", false, 1, 0, 4096), false);
    EXPECT_EQ(line, " ZSsg Nonp          1         0        1      4096      4096\n");
    for (const char* label : {"Allocs", "Frees", "Diff", "Bytes", "Per Alloc"}) {
        const std::size_t end = header.find(label) + std::strlen(label);
        EXPECT_NE(line[end - 1], ' ') << label;
    }
    // Counts wider than their column still leave a blank between columns.
    const std::string wide = poolmon::format_row(row("Big ", true, 12345678901ull, 1, 123456789012ll), false);
    EXPECT_NE(wide.find(" 12345678901 "), std::string::npos);
}

TEST(PoolmonText, TotalsPerPoolKind) {
    std::vector<Row> shown = {row("AAAA", false, 3, 1, 30), row("BBBB", false, 2, 2, 0), row("CCCC", true, 4, 0, 400)};
    Options o = parse({"/e"});
    const std::string text = poolmon::format_table(shown, o, false);
    EXPECT_NE(text.find(" Totals of the tags shown:\n"), std::string::npos);
    EXPECT_NE(text.find(" Nonp               5         3        2        30        15\n"), std::string::npos) << text;
    EXPECT_NE(text.find(" Paged              4         0        4       400       100\n"), std::string::npos) << text;
    EXPECT_EQ(poolmon::format_table(shown, parse({}), false).find("Totals"), std::string::npos);
}

TEST(PoolmonText, LookasideView) {
    const std::vector<proto::LookasideRecord> lists = {{tag("ZSck"), 0, 512, 4, 256, 3001, 7, 3001, 3},
                                                       {tag("LkPg"), 1, 64, 4, 256, 10, 10, 10, 6},
                                                       {tag("AxEx"), 0x10 | 1, 128, 30, 256, 90, 9, 80, 0}};
    EXPECT_FALSE(poolmon::lookaside_paged(0));
    EXPECT_TRUE(poolmon::lookaside_paged(1));
    EXPECT_TRUE(poolmon::lookaside_paged(0x11));   // an Ex list's raise flag is not a pool type bit
    EXPECT_FALSE(poolmon::lookaside_paged(3));     // DontUseThisType
    EXPECT_FALSE(poolmon::lookaside_paged(0x200)); // NonPagedPoolNx

    auto tags = [](const std::vector<proto::LookasideRecord>& shown) {
        std::string s;
        for (const auto& l : shown) s += poolmon::tag_text(l.tag) + " ";
        return s;
    };
    EXPECT_EQ(tags(poolmon::select_lookasides(lists, parse({}))), "AxEx LkPg ZSck ");
    EXPECT_EQ(tags(poolmon::select_lookasides(lists, parse({"/a"}))), "ZSck AxEx LkPg ");
    EXPECT_EQ(tags(poolmon::select_lookasides(lists, parse({"/b"}))), "ZSck AxEx LkPg ");
    EXPECT_EQ(tags(poolmon::select_lookasides(lists, parse({"/p"}))), "ZSck ");
    EXPECT_EQ(tags(poolmon::select_lookasides(lists, parse({"/p", "/p"}))), "AxEx LkPg ");
    EXPECT_EQ(tags(poolmon::select_lookasides(lists, parse({"/iZS*"}))), "ZSck ");

    const std::string text = poolmon::format_lookaside_table(poolmon::select_lookasides(lists, parse({"/iZS*"})));
    EXPECT_EQ(text,
              " Tag  Type   Depth MaxDepth TotalAllocates AllocateMisses TotalFrees FreeMisses     Size\n"
              " ZSck Nonp       4      256           3001              7       3001          3      512\n");
}
