// Step 3: the padded counters really live on different cache lines, and the two threads count.
#include "oslab/false_sharing.hpp"

#include <gtest/gtest.h>

#include <sched.h>
#include <cstdint>

#include <memory>
#include <thread>

#include "oslab/cache_info.hpp"

namespace {

std::uintptr_t address(const void* p) {
    return reinterpret_cast<std::uintptr_t>(p);
}
std::uintptr_t line_of(const void* p) {
    return address(p) / oslab::kCacheLineBytes;
}

TEST(FalseSharing, SharedLineCountersShareALine) {
    // The given baseline: if this fails, the experiment would compare padded with padded.
    alignas(oslab::kCacheLineBytes) oslab::SharedLineCounters counters;
    EXPECT_EQ(line_of(&counters.a), line_of(&counters.b));
}

TEST(FalseSharing, PaddedCountersAreAtLeastOneLineApart) {
    // Address arithmetic, independent of where the object happens to be placed: a and b must be at
    // least a line apart, and the type aligned to a line, so no placement puts them together.
    oslab::PaddedCounters counters;
    const auto distance = address(&counters.b) > address(&counters.a)
                              ? address(&counters.b) - address(&counters.a)
                              : address(&counters.a) - address(&counters.b);
    EXPECT_GE(distance, oslab::kCacheLineBytes)
        << "PaddedCounters::a and ::b are " << distance
        << " bytes apart: they share a cache line (README, Step 3: False sharing)";
    EXPECT_GE(alignof(oslab::PaddedCounters), oslab::kCacheLineBytes)
        << "PaddedCounters must be aligned to a cache line (alignas)";
}

TEST(FalseSharing, PaddedCountersAreOnDifferentLinesWherever) {
    // On the stack, on the heap, and in an array: never the same line, never a neighbour's line.
    auto heap = std::make_unique<oslab::PaddedCounters[]>(3);
    for (int i = 0; i < 3; ++i) {
        EXPECT_NE(line_of(&heap[i].a), line_of(&heap[i].b)) << "element " << i;
        if (i > 0) {
            EXPECT_NE(line_of(&heap[i - 1].b), line_of(&heap[i].a)) << "element " << i;
        }
    }
    oslab::PaddedCounters local;
    EXPECT_NE(line_of(&local.a), line_of(&local.b));
}

TEST(FalseSharing, PaddingCoversTheMachinesLine) {
    // The lab pads to kCacheLineBytes; sysfs says what this machine's line really is.
    const auto info = oslab::read_cache_info();
    if (info.line_bytes() == 0) GTEST_SKIP() << "sysfs does not describe the caches here";
    EXPECT_LE(info.line_bytes(), oslab::kCacheLineBytes)
        << "this machine's cache line is larger than the padding";
}

TEST(FalseSharing, BothThreadsCountEveryIncrement) {
    oslab::SharedLineCounters shared;
    oslab::increment_in_two_threads(shared.a, shared.b, 100'000);
    EXPECT_EQ(shared.a.load(), 100'000u);
    EXPECT_EQ(shared.b.load(), 100'000u);

    oslab::PaddedCounters padded;
    oslab::increment_in_two_threads(padded.a, padded.b, 50'000);
    EXPECT_EQ(padded.a.load(), 50'000u);
    EXPECT_EQ(padded.b.load(), 50'000u);
}

TEST(FalseSharing, UnpinnedThreadsCountToo) {
    oslab::PaddedCounters padded;
    oslab::increment_in_two_threads(padded.a, padded.b, 20'000, /*pin=*/false);
    EXPECT_EQ(padded.a.load(), 20'000u);
    EXPECT_EQ(padded.b.load(), 20'000u);
}

TEST(FalseSharing, PinnedThreadRunsOnOneCpu) {
    // The given helper, in a thread of its own so the test's thread keeps its affinity.
    bool pinned = false;
    int cpus_after = 0;
    std::thread([&] {
        pinned = oslab::pin_this_thread(1);
        cpu_set_t set;
        CPU_ZERO(&set);
        ::sched_getaffinity(0, sizeof set, &set);
        cpus_after = CPU_COUNT(&set);
    }).join();
    if (!pinned) GTEST_SKIP() << "fewer than two CPUs allowed here";
    EXPECT_EQ(cpus_after, 1);
}

TEST(FalseSharing, ZeroIterationsIsFine) {
    oslab::PaddedCounters padded;
    oslab::increment_in_two_threads(padded.a, padded.b, 0);
    EXPECT_EQ(padded.a.load() + padded.b.load(), 0u);
}

}  // namespace
