// Step 4: the fault counter rises on first touch and stays still on prefaulted pages.
// The region is large (64 MiB = 16384 pages) so that the faults anything else takes on this thread
// are lost in the margin. The biggest such source is AddressSanitizer: every instrumented store
// first reads the region's shadow memory (1 shadow byte per 8 bytes), so a touch also faults in up
// to one shadow page per 8 pages. "No faults" is therefore asserted as "fewer than a quarter of the
// pages", and "one fault per page" as "between 90% and 125% of the pages".
#include "oslab/page_faults.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

// ThreadSanitizer keeps 4 shadow bytes per application byte: every touched page also faults in a
// shadow page of its own, so fault counts mean nothing under it. The counting tests skip there
// (the code under test is single-threaded; TSan has nothing to check in it).
#if defined(__SANITIZE_THREAD__)
#define LAB03_UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define LAB03_UNDER_TSAN 1
#endif
#endif
#ifndef LAB03_UNDER_TSAN
#define LAB03_UNDER_TSAN 0
#endif

#define LAB03_SKIP_UNDER_TSAN()                                                          \
    do {                                                                                 \
        if (LAB03_UNDER_TSAN) GTEST_SKIP() << "fault counts are meaningless under TSan"; \
    } while (0)

namespace {

constexpr std::size_t kRegionBytes = std::size_t{64} << 20;

std::size_t pages_in(std::size_t bytes) {
    return bytes / oslab::page_size();
}

// Fewer faults than this means "the pages were already there" (see the margin note above).
std::size_t few_faults(std::size_t bytes) {
    return pages_in(bytes) / 4;
}

TEST(PageFaults, PageSizeIsAPowerOfTwo) {
    const std::size_t size = oslab::page_size();
    EXPECT_GE(size, 4096u);
    EXPECT_EQ(size & (size - 1), 0u);
}

TEST(PageFaults, MinorFaultCounterIsMonotonic) {
    const auto before = oslab::minor_faults();
    const auto after = oslab::minor_faults();
    EXPECT_GE(after, before);
    EXPECT_GE(oslab::major_faults(), 0u);
}

TEST(PageFaults, FreshPagesFaultOncePerPage) {
    LAB03_SKIP_UNDER_TSAN();
    // small_pages_only: no transparent huge pages, so the count is per 4 KiB page whatever the
    // machine's THP setting.
    oslab::MappedRegion region(kRegionBytes, {.small_pages_only = true});
    const auto result = oslab::touch_pages(region.bytes());
    const std::size_t pages = pages_in(kRegionBytes);
    EXPECT_EQ(result.pages, pages);
    EXPECT_GE(result.minor_faults, pages * 9 / 10)
        << "touching " << pages << " fresh pages took only " << result.minor_faults << " faults";
    EXPECT_LE(result.minor_faults, pages + pages / 4);
    EXPECT_GT(result.elapsed.count(), 0);
    // Every page was really written.
    const auto bytes = region.bytes();
    for (std::size_t offset = 0; offset < bytes.size(); offset += oslab::page_size()) {
        ASSERT_EQ(bytes[offset], std::byte{1}) << "page at offset " << offset << " not written";
    }
}

TEST(PageFaults, SecondTouchTakesNoFaults) {
    LAB03_SKIP_UNDER_TSAN();
    oslab::MappedRegion region(kRegionBytes, {.small_pages_only = true});
    oslab::touch_pages(region.bytes());
    const auto again = oslab::touch_pages(region.bytes());
    EXPECT_LT(again.minor_faults, few_faults(kRegionBytes));
}

TEST(PageFaults, MapPopulatedRegionTakesNoFaults) {
    LAB03_SKIP_UNDER_TSAN();
    oslab::MappedRegion region(kRegionBytes, {.populate = true, .small_pages_only = true});
    const auto result = oslab::touch_pages(region.bytes());
    EXPECT_EQ(result.pages, pages_in(kRegionBytes));
    EXPECT_LT(result.minor_faults, few_faults(kRegionBytes))
        << "MAP_POPULATE should have faulted every page in already";
}

TEST(PageFaults, PrefaultedRegionTakesNoFaults) {
    LAB03_SKIP_UNDER_TSAN();
    oslab::MappedRegion region(kRegionBytes, {.small_pages_only = true});
    const auto before = oslab::minor_faults();
    if (!oslab::prefault(region.bytes())) {
        GTEST_SKIP() << "this kernel has no MADV_POPULATE_WRITE (Linux < 5.14)";
    }
    // The faults happened inside madvise (counted for this thread too), not during the touch.
    EXPECT_GE(oslab::minor_faults() - before, pages_in(kRegionBytes) * 9 / 10);
    const auto result = oslab::touch_pages(region.bytes());
    EXPECT_LT(result.minor_faults, few_faults(kRegionBytes));
}

TEST(PageFaults, HugePagesNeedFewerFaultsWhenTheKernelGivesThem) {
    LAB03_SKIP_UNDER_TSAN();
    const std::string mode = oslab::transparent_hugepage_mode();
    oslab::MappedRegion region(kRegionBytes, {.huge_aligned = true});
    const bool advised = oslab::request_huge_pages(region.bytes());
    if (mode.empty() || mode == "never" || !advised) {
        GTEST_SKIP() << "transparent huge pages are not available (mode \"" << mode << "\")";
    }
    const auto result = oslab::touch_pages(region.bytes());
    EXPECT_EQ(result.pages, pages_in(kRegionBytes));
    // Not asserted lower: the kernel may fall back to 4 KiB pages when memory is fragmented.
    EXPECT_LE(result.minor_faults, pages_in(kRegionBytes) + pages_in(kRegionBytes) / 4);
    const auto bytes = region.bytes();
    EXPECT_EQ(bytes[0], std::byte{1});
    EXPECT_EQ(bytes[bytes.size() - oslab::page_size()], std::byte{1});
}

TEST(PageFaults, HugeAlignedRegionStartsOnATwoMiBBoundary) {
    oslab::MappedRegion region(std::size_t{4} << 20, {.huge_aligned = true});
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(region.bytes().data()) % oslab::kHugePageBytes, 0u);
    EXPECT_EQ(region.bytes().size(), std::size_t{4} << 20);
}

TEST(PageFaults, MovedRegionKeepsTheMapping) {
    oslab::MappedRegion first(1 << 20);
    auto* data = first.bytes().data();
    oslab::MappedRegion second(std::move(first));
    EXPECT_EQ(second.bytes().data(), data);
    EXPECT_TRUE(first.bytes().empty());  // NOLINT(bugprone-use-after-move): moved-from is empty
}

TEST(PageFaults, TransparentHugepageModeParsesTheSelectedWord) {
    const auto dir = std::filesystem::temp_directory_path() / "lab03_thp_test";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "enabled") << "always [madvise] never\n";
    EXPECT_EQ(oslab::transparent_hugepage_mode(dir / "enabled"), "madvise");
    std::ofstream(dir / "enabled") << "[always] madvise never\n";
    EXPECT_EQ(oslab::transparent_hugepage_mode(dir / "enabled"), "always");
    EXPECT_EQ(oslab::transparent_hugepage_mode(dir / "missing"), "");
    std::filesystem::remove_all(dir);
}

}  // namespace
