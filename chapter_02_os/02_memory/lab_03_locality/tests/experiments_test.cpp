// The given measurement code behind the TLB-reach, fault-kind and allocation-source experiments:
// behaviour only (sums, counts, parsing), never timing.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "oslab/alloc_sources.hpp"
#include "oslab/fault_kinds.hpp"
#include "oslab/smaps.hpp"
#include "oslab/tlb_reach.hpp"

namespace {

TEST(Smaps, ParsesTheEntryHoldingTheAddress) {
    const std::string text =
        "00400000-00401000 r-xp 00000000 08:01 1 /bin/x\n"
        "Size:                  4 kB\n"
        "Rss:                   4 kB\n"
        "7f0000000000-7f0000200000 rw-p 00000000 00:00 0 \n"
        "Size:               2048 kB\n"
        "Rss:                1024 kB\n"
        "Shared_Dirty:        512 kB\n"
        "Private_Dirty:       512 kB\n"
        "AnonHugePages:         0 kB\n"
        "7f0000200000-7f0000201000 rw-p 00000000 00:00 0 \n"
        "Rss:                   4 kB\n";
    const auto e = oslab::parse_smaps_entry(text, 0x7f0000001000);
    EXPECT_TRUE(e.found);
    EXPECT_EQ(e.size_kib, 2048u);
    EXPECT_EQ(e.rss_kib, 1024u);
    EXPECT_EQ(e.shared_dirty_kib, 512u);
    EXPECT_EQ(e.private_dirty_kib, 512u);
    EXPECT_FALSE(oslab::parse_smaps_entry(text, 0x10).found);
}

TEST(Smaps, ReadsThisProcess) {
    static int on_data = 1;
    EXPECT_TRUE(oslab::read_smaps_entry(&on_data).found);
}

TEST(TlbReach, TheChaseIsOneCycleThroughEveryPage) {
    const oslab::TlbChase chase(64, oslab::TlbPages::small_4k);
    ASSERT_TRUE(chase.problem().empty()) << chase.problem();
    EXPECT_EQ(oslab::tlb_chase(chase.start(), 64), chase.start());
    EXPECT_NE(oslab::tlb_chase(chase.start(), 63), chase.start());
}

TEST(TlbReach, NamesTheLargestSteps) {
    const std::vector<oslab::TlbPoint> small{
        {16, 1.0}, {64, 1.1}, {256, 3.0}, {1024, 3.3}, {4096, 10.0}};
    const std::vector<oslab::TlbPoint> huge{
        {16, 1.0}, {64, 1.0}, {256, 1.1}, {1024, 1.2}, {4096, 1.5}};
    const auto steps = oslab::name_tlb_steps(small, huge);
    ASSERT_EQ(steps.size(), 2u);
    EXPECT_EQ(steps[0].from_pages, 64u);
    EXPECT_NE(steps[0].name.find("L1 dTLB"), std::string::npos);
    EXPECT_EQ(steps[1].to_pages, 4096u);
    EXPECT_NE(steps[1].name.find("STLB"), std::string::npos);
}

TEST(TlbReach, ShapeRule) {
    const std::vector<oslab::TlbPoint> small{{16, 1.0}, {16384, 5.0}};
    const std::vector<oslab::TlbPoint> flat{{16, 1.0}, {16384, 2.0}};
    EXPECT_EQ(oslab::tlb_shape_problem(small, flat), "");
    EXPECT_NE(oslab::tlb_shape_problem(flat, small), "");
}

TEST(AllocSources, EverySourceSumsTheSameChain) {
    for (const auto source : {oslab::NodeSource::stack, oslab::NodeSource::new_delete,
                              oslab::NodeSource::one_malloc, oslab::NodeSource::pmr_arena}) {
        EXPECT_EQ(oslab::chain_sum(source, 1000), 999 * 1000 / 2) << to_string(source);
    }
    EXPECT_DOUBLE_EQ(oslab::chain_layout(oslab::NodeSource::one_malloc, 100).median_gap_bytes, 16);
    EXPECT_DOUBLE_EQ(oslab::chain_layout(oslab::NodeSource::stack, 100).far_fraction, 0);
    EXPECT_THROW(oslab::chain_sum(oslab::NodeSource::stack, oslab::kStackChainMax + 1),
                 std::invalid_argument);
}

TEST(AllocSources, UsableSizeCoversTheRequest) {
    for (std::size_t n = 1; n <= 64; ++n) {
        const auto s = oslab::malloc_chunk_size(n);
        EXPECT_GE(s.usable, n);
        EXPECT_EQ(s.chunk, s.usable + 8);
    }
}

TEST(FaultKinds, CopyOnWriteTakesAFaultPerPage) {
    const auto report = oslab::copy_on_write_in_child(64);
    EXPECT_EQ(report.child.pages, 64u);
    EXPECT_GE(report.child.minor, 64u);
    EXPECT_GE(report.parent_before_fork.private_dirty_kib, 64u * 4);
    EXPECT_GE(report.child_before_write.shared_dirty_kib, 64u * 4);
    EXPECT_GE(report.child_after_write.private_dirty_kib, 64u * 4);
}

TEST(FaultKinds, FileReadAfterEvictionCountsItsPages) {
    std::string why;
    const auto dir = oslab::disk_directory({}, &why);
    if (dir.empty()) GTEST_SKIP() << why;
    const oslab::FaultFile file(dir, 64);
    const auto sample = file.read_after_eviction(true);
    EXPECT_EQ(sample.pages, 64u);
    EXPECT_GE(sample.minor + sample.major, 1u);
}

}  // namespace
