// The classic event log format (rtl/event_log.h): what the drop-in appends, the reader reads back,
// with the layout Microsoft documents ("Event Log File Format").
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "nt/eventlog.h"
#include "rtl/event_log.h"

namespace {

rtl::evt::Event bugcheck_event(std::uint32_t time) {
    rtl::evt::Event e{};
    e.time_generated = time;
    e.event_id = 1001;
    e.event_type = nt::evt::error_type;
    e.source = u"BugCheck";
    e.computer = u"WINEHOST";
    e.strings[0] = u"0x000000c4 (0x0000000000000062, 0x1, 0x2, 0x4)";
    e.strings[1] = u"C:\\windows\\Minidump\\120626-296-01.txt";
    e.strings[2] = u"120626-296-01.txt";
    e.string_count = 3;
    return e;
}

std::vector<std::uint8_t> append(const std::vector<std::uint8_t>& log, const rtl::evt::Event& e) {
    std::vector<std::uint8_t> out(rtl::evt::appended_size(log.size(), e));
    const std::size_t n = rtl::evt::append_event(log.data(), log.size(), e, out.data(), out.size());
    out.resize(n);
    return out;
}

struct Seen {
    std::vector<std::uint32_t> numbers;
    std::vector<std::u16string> sources, first_strings;
    std::vector<std::size_t> string_counts;
};

void collect(const rtl::evt::Event& e, void* context) {
    auto* s = static_cast<Seen*>(context);
    s->numbers.push_back(e.record_number);
    s->sources.emplace_back(e.source);
    s->first_strings.emplace_back(e.string_count ? e.strings[0] : u"");
    s->string_counts.push_back(e.string_count);
}

}  // namespace

TEST(EventLog, NewLogHasTheDocumentedHeaderRecordAndEofRecord) {
    const auto log = append({}, bugcheck_event(1000));
    ASSERT_GT(log.size(), sizeof(nt::evt::LogHeader) + sizeof(nt::evt::EofRecord));
    nt::evt::LogHeader h;
    std::memcpy(&h, log.data(), sizeof(h));
    EXPECT_EQ(h.HeaderSize, 0x30u);
    EXPECT_EQ(h.EndHeaderSize, 0x30u);
    EXPECT_EQ(h.Signature, 0x654c664cu);
    EXPECT_EQ(h.StartOffset, 0x30u);
    EXPECT_EQ(h.OldestRecordNumber, 1u);
    EXPECT_EQ(h.CurrentRecordNumber, 2u);
    EXPECT_EQ(h.EndOffset + sizeof(nt::evt::EofRecord), log.size());
    nt::evt::Record r;
    std::memcpy(&r, log.data() + h.StartOffset, sizeof(r));
    EXPECT_EQ(r.Reserved, 0x654c664cu);
    EXPECT_EQ(r.RecordNumber, 1u);
    EXPECT_EQ(r.EventID, 1001u);
    EXPECT_EQ(r.EventType, 1);
    EXPECT_EQ(r.NumStrings, 3);
    EXPECT_EQ(r.Length % 4, 0u);
    EXPECT_EQ(h.StartOffset + r.Length, h.EndOffset);
    std::uint32_t trailing;
    std::memcpy(&trailing, log.data() + h.StartOffset + r.Length - 4, 4);
    EXPECT_EQ(trailing, r.Length);   // the record ends with its length again
    nt::evt::EofRecord eof;
    std::memcpy(&eof, log.data() + h.EndOffset, sizeof(eof));
    EXPECT_EQ(eof.RecordSizeBeginning, 0x28u);
    EXPECT_EQ(eof.One, 0x11111111u);
    EXPECT_EQ(eof.Four, 0x44444444u);
    EXPECT_EQ(eof.EndRecord, h.EndOffset);
    EXPECT_EQ(eof.CurrentRecordNumber, 2u);
    EXPECT_EQ(eof.RecordSizeEnd, 0x28u);
}

TEST(EventLog, AppendedRecordsReadBackInOrderWithTheirStrings) {
    auto log = append({}, bugcheck_event(1000));
    auto second = bugcheck_event(2000);
    second.strings[0] = u"0x000000c2 (0x7, 0x0, 0x0, 0x1)";
    log = append(log, second);
    Seen seen;
    ASSERT_TRUE(rtl::evt::for_each_event(log.data(), log.size(), &collect, &seen));
    ASSERT_EQ(seen.numbers.size(), 2u);
    EXPECT_EQ(seen.numbers[0], 1u);
    EXPECT_EQ(seen.numbers[1], 2u);
    EXPECT_EQ(seen.sources[1], u"BugCheck");
    EXPECT_EQ(seen.first_strings[0], u"0x000000c4 (0x0000000000000062, 0x1, 0x2, 0x4)");
    EXPECT_EQ(seen.first_strings[1], u"0x000000c2 (0x7, 0x0, 0x0, 0x1)");
    EXPECT_EQ(seen.string_counts[1], 3u);
}

TEST(EventLog, GarbageIsNotALog) {
    std::vector<std::uint8_t> junk(200, 0x5a);
    Seen seen;
    EXPECT_FALSE(rtl::evt::for_each_event(junk.data(), junk.size(), &collect, &seen));
    std::vector<std::uint8_t> out(1000);
    EXPECT_EQ(rtl::evt::append_event(junk.data(), junk.size(), bugcheck_event(1), out.data(), out.size()), 0u);
    // A record whose length runs past the end is rejected, not read.
    auto log = append({}, bugcheck_event(1000));
    nt::evt::Record r;
    std::memcpy(&r, log.data() + 0x30, sizeof(r));
    r.Length = 0x10000;
    std::memcpy(log.data() + 0x30, &r, sizeof(r));
    EXPECT_FALSE(rtl::evt::for_each_event(log.data(), log.size(), &collect, &seen));
}

TEST(EventLog, TooSmallOutputFails) {
    const auto e = bugcheck_event(1);
    std::vector<std::uint8_t> out(rtl::evt::appended_size(0, e) - 1);
    EXPECT_EQ(rtl::evt::append_event(nullptr, 0, e, out.data(), out.size()), 0u);
}
