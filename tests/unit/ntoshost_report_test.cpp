// The driver host's report (tools/ntoshost/report.h): event parsing, pool tracking with Driver
// Verifier's leak meaning, STOP line parsing, exit statuses, and the JSON fields.
#include "report.h"

#include <gtest/gtest.h>

#include "options.h"

namespace {

using ntoshost::Report;

TEST(NtoshostReport, TracksAllocationsFreesAndLeaksPerTag) {
    Report r;
    EXPECT_TRUE(r.consume_line("#ntoshost alloc 1000 6b61654c 0 0 100 - ExAllocatePoolWithTag"));
    EXPECT_TRUE(r.consume_line("#ntoshost alloc 2000 6b61654c 0 0 100 - ExAllocatePoolWithTag"));
    EXPECT_TRUE(r.consume_line("#ntoshost alloc 3000 67506b4c 1 1 64 - ExAllocatePoolWithTag"));
    EXPECT_TRUE(r.consume_line("#ntoshost free 1000 6b61654c - ExFreePoolWithTag"));
    EXPECT_TRUE(r.consume_line("#ntoshost entry 00000000"));
    EXPECT_TRUE(r.consume_line("#ntoshost unload 1"));
    EXPECT_TRUE(r.consume_line("#ntoshost unloaded"));
    EXPECT_FALSE(r.consume_line("some driver output"));
    auto leaks = r.pool.leaks();
    ASSERT_EQ(leaks.size(), 2u);
    EXPECT_EQ(ntoshost::tag_text(leaks[0].tag), "Leak");
    EXPECT_EQ(leaks[0].count, 1u);
    EXPECT_EQ(leaks[0].bytes, 100u);
    EXPECT_EQ(leaks[0].first_addresses, std::vector<std::uint64_t>{0x2000});
    EXPECT_TRUE(leaks[1].paged);
    EXPECT_EQ(r.exit_status(), ntoshost::exit_code::leaks);
    const auto json = ntoshost::format_json(r);
    EXPECT_NE(json.find(R"({"tag": "Leak", "tag_value": "0x6B61654C", "pool": "NonPaged", "allocs": 2, "frees": 1, "bytes_live": 100})"),
              std::string::npos) << json;
    EXPECT_NE(json.find(R"({"tag": "Leak", "pool": "NonPaged", "count": 1, "bytes": 100, "addresses": ["0x2000"]})"), std::string::npos);
    EXPECT_NE(json.find(R"("entry_status": "0x00000000")"), std::string::npos);
    EXPECT_NE(json.find(R"("bugcheck": null)"), std::string::npos);
    const auto text = ntoshost::format_text(r);
    EXPECT_NE(text.find("  Leak Nonp           2          1          1          100"), std::string::npos) << text;
}

TEST(NtoshostReport, AKernelDllIsStartedThroughDllInitialize) {
    Report r;
    EXPECT_TRUE(r.consume_line("#ntoshost kernel-dll 1 1"));
    r.consume_line("#ntoshost alloc 1000 62547845 0 0 64 - ExAllocatePoolWithTag");
    r.consume_line("#ntoshost entry 00000000");
    r.consume_line("#ntoshost unload 1");
    r.consume_line("#ntoshost unloaded");
    EXPECT_TRUE(r.kernel_dll);
    EXPECT_EQ(r.exit_status(), ntoshost::exit_code::leaks) << "a kernel DLL's leaks at unload count the same";
    const auto text = ntoshost::format_text(r);
    EXPECT_NE(text.find("Kernel DLL:    IMAGE_FILE_DLL: its entry point is not called"), std::string::npos) << text;
    EXPECT_NE(text.find("DllInitialize: 0x00000000 (success)"), std::string::npos) << text;
    EXPECT_NE(text.find("DllUnload:     called, returned"), std::string::npos) << text;
    EXPECT_EQ(text.find("DriverEntry:"), std::string::npos) << text;
    EXPECT_NE(ntoshost::format_json(r).find(R"("kernel_dll": true)"), std::string::npos);

    Report none;   // no DllInitialize: nothing is called, no status is shown for it
    none.consume_line("#ntoshost kernel-dll 0 0");
    none.consume_line("#ntoshost entry 00000000");
    none.consume_line("#ntoshost unload 0");
    const auto text2 = ntoshost::format_text(none);
    EXPECT_NE(text2.find("it exports no DllInitialize"), std::string::npos) << text2;
    EXPECT_EQ(text2.find("DllInitialize: 0x"), std::string::npos) << text2;
    EXPECT_EQ(none.exit_status(), ntoshost::exit_code::clean);
}

TEST(NtoshostReport, NoLeaksAreReportedBeforeUnload) {
    Report r;
    r.consume_line("#ntoshost alloc 1000 41414141 0 0 8 - ExAllocatePool");
    r.consume_line("#ntoshost entry 00000000");
    r.consume_line("#ntoshost unload 0");
    EXPECT_EQ(r.exit_status(), ntoshost::exit_code::clean);   // never unloaded: nothing leaked yet
    EXPECT_NE(ntoshost::format_json(r).find(R"("leaks": [])"), std::string::npos);
}

TEST(NtoshostReport, ADoubleFreeIsAForeignFreeAndTheStopLineIsTheBugCheck) {
    Report r;
    r.consume_line("#ntoshost alloc 1000 466c6244 0 0 48 - ExAllocatePoolWithTag");
    r.consume_line("#ntoshost free 1000 466c6244 - ExFreePoolWithTag");
    r.consume_line("#ntoshost free 1000 466c6244 - ExFreePoolWithTag");
    EXPECT_TRUE(r.consume_line("*** STOP: 0x000000C2 (0x0000000000000007,0x0000000000000000,0x0000000000040000,0x0000000000001000) BAD_POOL_CALLER\r\n"));
    ASSERT_TRUE(r.bugcheck);
    EXPECT_EQ(r.bugcheck->code, 0xC2u);
    EXPECT_EQ(r.bugcheck->name, "BAD_POOL_CALLER");
    EXPECT_EQ(r.bugcheck->params[0], 7u);
    EXPECT_EQ(r.bugcheck->params[3], 0x1000u);
    EXPECT_EQ(r.pool.foreign_frees(), std::vector<std::string>{"ExFreePoolWithTag(0x1000)"});
    EXPECT_EQ(r.exit_status(), 0xC2);
    EXPECT_NE(ntoshost::format_json(r).find(R"("bugcheck": {"code": "0x000000C2", "name": "BAD_POOL_CALLER", "params": ["0x7", "0x0", "0x40000", "0x1000"]})"),
              std::string::npos);
}

// --wine-fallback: a free the host routed elsewhere says so after the address; a block of the
// driver freed by another allocator's routine counts as freed.
TEST(NtoshostReport, RoutedFreesKeepTheirNote) {
    Report r;
    r.consume_line("#ntoshost alloc 2000 6d4e6d53 1 1 12 - ExAllocatePoolWithTag");
    r.consume_line("#ntoshost free 2000 00000000 - RtlFreeUnicodeString");
    r.consume_line("#ntoshost free 3000 00000000 - ExFreePool (Wine's block: freed to the heap that owns it)");
    EXPECT_EQ(r.pool.foreign_frees(),
              std::vector<std::string>{"ExFreePool(0x3000) (Wine's block: freed to the heap that owns it)"});
    EXPECT_TRUE(r.pool.live().empty());
    EXPECT_TRUE(r.pool.leaks().empty());
}

// The system's lookaside lists, as the child read them before unload: a table and a JSON list;
// without a snapshot (the driver never ran) the JSON field is null.
TEST(NtoshostReport, LookasideSnapshotIsATableAndAJsonList) {
    Report none;
    EXPECT_NE(ntoshost::format_json(none).find("\"lookaside_snapshot\": null"), std::string::npos);
    Report r;
    r.consume_line("#ntoshost lookaside-snapshot");
    r.consume_line("#ntoshost lookaside-info 34 256 640 60 640 0 1 66426d53 512");
    r.consume_line("#ntoshost lookaside-info 4 256 garbage");
    ASSERT_TRUE(r.lookaside_snapshot);
    ASSERT_EQ(r.lookaside_snapshot->size(), 1u);
    const auto& l = r.lookaside_snapshot->front();
    EXPECT_EQ(l.depth, 34u);
    EXPECT_EQ(l.allocate_misses, 60u);
    EXPECT_EQ(l.tag, 0x66426D53u);
    EXPECT_NE(ntoshost::format_text(r).find("  SmBf Paged       512     34    256        640         60   9.4%        640          0"),
              std::string::npos)
        << ntoshost::format_text(r);
    EXPECT_NE(ntoshost::format_json(r).find(R"({"tag": "SmBf", "tag_value": "0x66426D53", "pool": "Paged", "pool_type": "0x1", "size": 512, "depth": 34, "max_depth": 256, "allocates": 640, "allocate_misses": 60, "frees": 640, "free_misses": 0})"),
              std::string::npos);
}

TEST(NtoshostReport, StopLinesOfBothWidthsParseAndGarbageDoesNot) {
    auto bc = ntoshost::parse_stop_line("*** STOP: 0x00000019 (0x00000020,0x00A01000,0x00A01010,0x0C020001) BAD_POOL_HEADER");
    ASSERT_TRUE(bc);
    EXPECT_EQ(bc->code, 0x19u);
    EXPECT_EQ(bc->params[3], 0x0C020001u);
    EXPECT_FALSE(ntoshost::parse_stop_line("*** STOP: 0x19 (1,2,3) X"));
    EXPECT_FALSE(ntoshost::parse_stop_line("*** STOP: zz (0x1,0x2,0x3,0x4) X"));
    EXPECT_FALSE(ntoshost::parse_stop_line("STOP"));
}

TEST(NtoshostReport, LoadFailuresRefusalsAndEntryFailuresHaveTheirOwnStatus) {
    Report a;
    a.consume_line("#ntoshost load-error x.sys: section '.text' raw data lies beyond the end of the file");
    EXPECT_EQ(a.exit_status(), ntoshost::exit_code::load_failure);
    EXPECT_EQ(*a.load_error, "x.sys: section '.text' raw data lies beyond the end of the file");
    Report b;
    b.consume_line("#ntoshost unresolved ntoskrnl.exe!IoCreateDevice not implemented by the project's ntoskrnl.exe");
    b.consume_line("#ntoshost refused");
    EXPECT_EQ(b.exit_status(), ntoshost::exit_code::unresolved_imports);
    EXPECT_EQ(b.unresolved_imports[0], "ntoskrnl.exe!IoCreateDevice (not implemented by the project's ntoskrnl.exe)");
    Report c;
    c.consume_line("#ntoshost entry c000009a");
    EXPECT_EQ(*c.entry_status, static_cast<std::int32_t>(0xC000009A));
    EXPECT_EQ(c.exit_status(), ntoshost::exit_code::entry_failure);
    Report d;
    d.consume_line("#ntoshost unimplemented ntoskrnl.exe.IoCreateDevice");
    EXPECT_EQ(d.exit_status(), ntoshost::exit_code::unimplemented_called);
    Report e;   // the child never said anything: the host failed
    EXPECT_EQ(e.exit_status(), ntoshost::exit_code::host_failure);
}

TEST(NtoshostReport, LookasideListsAreListedWithTheirDeletionAndCounters) {
    Report r;
    // An NPaged list deleted with its counters, an Ex list never deleted, a Paged list whose
    // pool block is freed while it is still initialized.
    EXPECT_TRUE(r.consume_line("#ntoshost lookaside 5000 NPaged 6b6f6f4c 64 0 00000000"));
    EXPECT_TRUE(r.consume_line("#ntoshost lookaside 6000 Ex 78457845 48 200 00000000"));
    EXPECT_TRUE(r.consume_line("#ntoshost alloc 7000 67615070 1 1 256 - ExAllocatePoolWithTag"));
    EXPECT_TRUE(r.consume_line("#ntoshost lookaside 7040 Paged 67615070 32 1 00000000"));
    EXPECT_TRUE(r.consume_line("#ntoshost entry 00000000"));
    EXPECT_TRUE(r.consume_line("#ntoshost unload 1"));
    EXPECT_TRUE(r.consume_line("#ntoshost lookaside-delete 5000 1 10 3 10 1"));
    EXPECT_TRUE(r.consume_line("#ntoshost free 7000 67615070 - ExFreePoolWithTag"));
    EXPECT_TRUE(r.consume_line("#ntoshost lookaside-delete 9000 0 0 0 0 0"));   // no such list: ignored
    EXPECT_TRUE(r.consume_line("#ntoshost unloaded"));
    EXPECT_FALSE(r.consume_line("#ntoshost lookaside 5000 NPaged zz 64 0 0"));

    const auto& lists = r.objects.lookaside_lists();
    ASSERT_EQ(lists.size(), 3u);
    EXPECT_TRUE(lists[0].deleted);
    ASSERT_TRUE(lists[0].counters.has_value());
    EXPECT_EQ(lists[0].counters->total_allocates, 10u);
    EXPECT_EQ(lists[0].counters->allocate_misses, 3u);
    EXPECT_FALSE(lists[1].deleted);
    EXPECT_FALSE(lists[1].storage_freed);
    EXPECT_EQ(lists[1].pool_type, 0x200u);   // NonPagedPoolNx
    EXPECT_FALSE(lists[2].deleted);
    EXPECT_TRUE(lists[2].storage_freed);
    EXPECT_EQ(r.objects.undeleted_lookaside_lists(), 2u);
    // No pool block leaks, but undeleted lists at unload are leaks.
    EXPECT_TRUE(r.pool.live().empty());
    EXPECT_EQ(r.exit_status(), ntoshost::exit_code::leaks);

    const auto text = ntoshost::format_text(r);
    EXPECT_NE(text.find("Lookaside lists created by this driver:\n"
                        "  0x5000 NPaged: tag Look, 64 bytes, NonPaged pool: deleted (allocates 10, misses 3; frees 10, misses 1)\n"
                        "  0x6000 Ex: tag ExEx, 48 bytes, NonPaged pool: NOT deleted at unload\n"
                        "  0x7040 Paged: tag pPag, 32 bytes, Paged pool: NOT deleted at unload; its memory was freed while the list "
                        "was not deleted\n"),
              std::string::npos)
        << text;
    const auto json = ntoshost::format_json(r);
    EXPECT_NE(json.find(R"({"address": "0x5000", "kind": "NPaged", "tag": "Look", "tag_value": "0x6B6F6F4C", "size": 64, "pool": "NonPaged", "pool_type": "0x0", "status": "0x00000000", "deleted": true, "storage_freed": false, "counters": {"total_allocates": 10, "allocate_misses": 3, "total_frees": 10, "free_misses": 1}})"),
              std::string::npos)
        << json;
    EXPECT_NE(json.find(R"("kind": "Ex", "tag": "ExEx", "tag_value": "0x78457845", "size": 48, "pool": "NonPaged", "pool_type": "0x200", "status": "0x00000000", "deleted": false, "storage_freed": false, "counters": null})"),
              std::string::npos)
        << json;
    EXPECT_NE(json.find(R"("deleted": false, "storage_freed": true)"), std::string::npos) << json;
    EXPECT_NE(json.find(R"("zones": [],)"), std::string::npos) << json;
}

TEST(NtoshostReport, AFailedLookasideListExIsNotALeak) {
    Report r;
    EXPECT_TRUE(r.consume_line("#ntoshost lookaside 5000 Ex 6b6f6f4c 64 0 c000000d"));
    EXPECT_TRUE(r.consume_line("#ntoshost entry 00000000"));
    EXPECT_TRUE(r.consume_line("#ntoshost unload 1"));
    EXPECT_TRUE(r.consume_line("#ntoshost unloaded"));
    EXPECT_NE(ntoshost::format_text(r).find("0x5000 Ex: tag Look, 64 bytes, NonPaged pool: initialization failed (0xC000000D)"),
              std::string::npos)
        << ntoshost::format_text(r);
    EXPECT_EQ(r.exit_status(), ntoshost::exit_code::clean);
}

TEST(NtoshostReport, ZonesAreListedWithTheirSegments) {
    Report r;
    EXPECT_TRUE(r.consume_line("#ntoshost alloc a000 656e6f4e 0 0 4096 - ExAllocatePool"));
    EXPECT_TRUE(r.consume_line("#ntoshost zone 8000 64 a000 4096 00000000"));
    EXPECT_TRUE(r.consume_line("#ntoshost zone-extend 8000 b000 8192 00000000"));
    EXPECT_TRUE(r.consume_line("#ntoshost zone-extend 8000 c000 8 c000000d"));   // refused: not counted
    EXPECT_TRUE(r.consume_line("#ntoshost zone 9000 12 d000 4096 c000000d"));   // failed initialization
    EXPECT_TRUE(r.consume_line("#ntoshost zone-extend e000 f000 1024 00000000"));   // a zone the host did not see created
    EXPECT_FALSE(r.consume_line("#ntoshost zone-extend 8000 b000"));

    const auto& zones = r.objects.zones();
    ASSERT_EQ(zones.size(), 3u);
    EXPECT_EQ(zones[0].block_size, 64u);
    EXPECT_EQ(zones[0].segments.size(), 2u);
    EXPECT_EQ(zones[0].total_segment_size(), 4096u + 8192u);
    EXPECT_TRUE(zones[1].segments.empty());
    EXPECT_EQ(zones[2].block_size, 0u);

    const auto text = ntoshost::format_text(r);
    EXPECT_NE(text.find("Zones created by this driver:\n"
                        "  0x8000: block size 64, 2 segments, 12288 bytes\n"
                        "  0x9000: ExInitializeZone failed (0xC000000D)\n"
                        "  0xE000: block size unknown (not initialized through the host), 1 segment, 1024 bytes\n"),
              std::string::npos)
        << text;
    const auto json = ntoshost::format_json(r);
    EXPECT_NE(json.find(R"({"address": "0x8000", "block_size": 64, "segments": 2, "total_segment_size": 12288, "status": "0x00000000", "segment_addresses": ["0xA000", "0xB000"], "header_freed": false})"),
              std::string::npos)
        << json;
    EXPECT_NE(json.find(R"("lookaside_lists": [],)"), std::string::npos) << json;
}

TEST(NtoshostReport, TagsPrintAsPoolmonDoes) {
    EXPECT_EQ(ntoshost::tag_text(0x6B61654C), "Leak");
    EXPECT_EQ(ntoshost::tag_text(0x6B61654C | 0x80000000u), "Leak");   // PROTECTED_POOL
    EXPECT_EQ(ntoshost::tag_text(0x00410041), "A.A.");
}

TEST(NtoshostOptions, ParsesTheCommandLine) {
    const char* argv[] = {"ntoshost", "--stub-missing", "--keep", "3", "--seed", "0x10", "--param", "Parameters\\Depth=dword:4",
                          "--param", "Name=x", "--json", "r.json", "C:\\drivers\\Sample.sys"};
    ntoshost::Options o;
    std::string err;
    ASSERT_TRUE(ntoshost::parse_options(13, const_cast<char**>(argv), &o, &err)) << err;
    EXPECT_TRUE(o.stub_missing);
    EXPECT_EQ(o.keep_seconds, 3u);
    EXPECT_EQ(*o.seed, 16u);
    EXPECT_EQ(o.service, "Sample");
    ASSERT_EQ(o.params.size(), 2u);
    EXPECT_EQ(o.params[0].subkey, "Parameters");
    EXPECT_TRUE(o.params[0].dword);
    EXPECT_EQ(o.params[0].dword_value, 4u);
    EXPECT_EQ(o.params[1].string_value, "x");
    const char* bad[] = {"ntoshost", "--base", "12345", "a.sys"};
    EXPECT_FALSE(ntoshost::parse_options(4, const_cast<char**>(bad), &o, &err));
    EXPECT_EQ(err, "--base needs a 64 KiB aligned hex address");
}

}  // namespace

// An export driver's pool use is its own (issue 10 point 2): its allocations count for it, a block
// it made and the driver freed leaves its table, and what it holds after DllUnload is a leak.
TEST(NtoshostReport, ExportDriverPoolIsTheModules) {
    Report r;
    EXPECT_TRUE(r.consume_line("#ntoshost module sys32_export.sys 10000 3000 C:\\windows\\system32\\drivers\\sys32_export.sys"));
    EXPECT_TRUE(r.consume_line("#ntoshost alloc 1000 69323353 0 0 4 sys32_export.sys ExAllocatePoolWithTag"));
    EXPECT_TRUE(r.consume_line("#ntoshost module-init sys32_export.sys 1 00000000"));
    EXPECT_TRUE(r.consume_line("#ntoshost alloc 2000 63323353 0 0 48 sys32_export.sys ExAllocatePoolWithTag"));
    EXPECT_TRUE(r.consume_line("#ntoshost free 2000 63323353 - ExFreePoolWithTag"));
    EXPECT_TRUE(r.consume_line("#ntoshost alloc 3000 44706d49 1 1 32 - ExAllocatePoolWithTag"));
    EXPECT_TRUE(r.consume_line("#ntoshost entry 00000000"));
    EXPECT_TRUE(r.consume_line("#ntoshost unload 1"));
    EXPECT_TRUE(r.consume_line("#ntoshost free 3000 44706d49 - ExFreePoolWithTag"));
    EXPECT_TRUE(r.consume_line("#ntoshost unloaded"));
    ASSERT_EQ(r.modules.size(), 1u);
    EXPECT_EQ(r.pool.tags().size(), 1u);   // only ImpD is the driver's
    EXPECT_TRUE(r.pool.foreign_frees().empty());
    EXPECT_EQ(r.modules[0].pool.tags().size(), 2u);
    EXPECT_EQ(r.modules[0].pool.live().size(), 1u);
    EXPECT_EQ(r.exit_status(), 0);   // the module has not unloaded yet: nothing is its leak
    EXPECT_TRUE(r.consume_line("#ntoshost module-unload sys32_export.sys 1"));
    EXPECT_EQ(r.exit_status(), ntoshost::exit_code::leaks);
    const auto text = ntoshost::format_text(r);
    EXPECT_NE(text.find("  pool of sys32_export.sys: S32c Nonp, 1 alloc, 1 free, 0 bytes live"), std::string::npos) << text;
    EXPECT_NE(text.find("  leak of sys32_export.sys at DllUnload: S32i Nonp, 1 allocation, 4 bytes"), std::string::npos) << text;
    const auto json = ntoshost::format_json(r);
    EXPECT_NE(json.find(R"("dll_unload_called": true, "pool_tags": [{"tag": "S32c")"), std::string::npos) << json;
}

// The event protocol: one definition writes and reads each event (tools/ntoshost/events.h).
TEST(NtoshostEvents, RoundTripThroughOneDefinition) {
    namespace ev = ntoshost::events;
    const std::string line = ev::format(ev::Alloc{0x1000, 0x6b61654c, 1, 1, 64, "ExAllocatePoolWithTag", ""});
    EXPECT_EQ(line, "#ntoshost alloc 1000 6b61654c 1 1 64 - ExAllocatePoolWithTag");
    auto e = ev::parse(line);
    ASSERT_TRUE(e);
    const auto* a = std::get_if<ev::Alloc>(&*e);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->address, 0x1000u);
    EXPECT_EQ(a->bytes, 64u);
    EXPECT_EQ(a->routine, "ExAllocatePoolWithTag");
    // A text field keeps newlines, backslashes and control characters on one line.
    const std::string msg = "line 1\nC:\\path\t\x01 end\n";
    const std::string dl = ev::format(ev::Debug{msg});
    EXPECT_EQ(dl.find('\n'), std::string::npos);
    auto d = ev::parse(dl);
    ASSERT_TRUE(d);
    EXPECT_EQ(std::get<ev::Debug>(*d).message, msg);
    // Malformed lines are not events: a missing field, a bad number, trailing fields, a bad escape.
    EXPECT_FALSE(ev::parse("#ntoshost image 1000 2000"));
    EXPECT_FALSE(ev::parse("#ntoshost entry zz"));
    EXPECT_FALSE(ev::parse("#ntoshost unloaded extra"));
    EXPECT_FALSE(ev::parse("#ntoshost debug bad\\q"));
    EXPECT_FALSE(ev::parse("#ntoshost nosuchevent 1"));
    EXPECT_FALSE(ev::parse("driver output"));
}

TEST(NtoshostReport, DebugOutputCrashAndModules) {
    ntoshost::Report r;
    r.driver = "x.sys";
    namespace ev = ntoshost::events;
    EXPECT_TRUE(r.consume_line(ev::format(ev::Debug{"hello \"world\"\n"})));
    EXPECT_TRUE(r.consume_line(ev::format(ev::Module{"usbd.sys", 0x10000, 0x2000, "C:\\windows\\system32\\drivers\\usbd.sys"})));
    EXPECT_TRUE(r.consume_line(ev::format(ev::ModuleInit{"usbd.sys", 0, 0})));
    EXPECT_TRUE(r.consume_line(ev::format(ev::Exception{0xC0000005, 0x401234, "x.sys+0x1234"})));
    EXPECT_TRUE(r.consume_line(ev::format(ev::Frame{0x401300, "x.sys+0x1300"})));
    ASSERT_EQ(r.debug_output.size(), 1u);
    ASSERT_EQ(r.modules.size(), 1u);
    ASSERT_TRUE(r.crash);
    EXPECT_EQ(r.crash->frames.size(), 1u);
    const auto text = ntoshost::format_text(r);
    EXPECT_NE(text.find("x.sys+0x1234"), std::string::npos) << text;
    EXPECT_NE(text.find("hello \"world\""), std::string::npos) << text;
    EXPECT_NE(text.find("usbd.sys"), std::string::npos) << text;
    const auto json = ntoshost::format_json(r);
    EXPECT_NE(json.find(R"("debug_output": ["hello \"world\"\n"])"), std::string::npos) << json;
    EXPECT_NE(json.find(R"("where": "x.sys+0x1234")"), std::string::npos) << json;
}
