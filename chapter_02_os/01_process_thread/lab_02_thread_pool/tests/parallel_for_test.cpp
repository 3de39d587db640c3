// Lab 2 tests, stretch part: parallel_for (oslab/parallel_for.hpp), on both pools.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "bounded.hpp"
#include "oslab/parallel_for.hpp"
#include "oslab/stealing_thread_pool.hpp"
#include "oslab/thread_pool.hpp"

using oslab::testing::bounded;
using oslab::testing::kDeadline;

namespace {

template <class Pool>
void every_index_exactly_once(std::size_t threads, std::size_t begin, std::size_t end) {
    Pool pool(threads);
    std::vector<std::atomic<std::uint8_t>> hits(end + 1);
    oslab::parallel_for(pool, begin, end, [&hits](std::size_t i) { hits[i].fetch_add(1); });
    for (std::size_t i = 0; i <= end; ++i) {
        const int expected = (i >= begin && i < end) ? 1 : 0;
        ASSERT_EQ(hits[i].load(), expected) << "index " << i << " of [" << begin << ", " << end
                                            << ") with " << threads << " threads";
    }
}

template <class Pool>
void first_exception_after_every_chunk() {
    Pool pool(2);
    std::atomic<std::size_t> visited{0};
    EXPECT_THROW(oslab::parallel_for(pool, 0, 1000,
                                     [&visited](std::size_t i) {
                                         visited.fetch_add(1);
                                         if (i == 10) {
                                             throw std::domain_error("bad index");
                                         }
                                     }),
                 std::domain_error);
    // parallel_for returned, so no chunk may still be running: `visited` no longer changes.
    const std::size_t after = visited.load();
    pool.wait_idle();
    EXPECT_EQ(visited.load(), after);
    EXPECT_GE(after, 11u);
}

}  // namespace

TEST(StretchParallelFor, EveryIndexExactlyOnce) {
    bounded(kDeadline, [] {
        every_index_exactly_once<oslab::ThreadPool>(2, 0, 100'000);
        every_index_exactly_once<oslab::StealingThreadPool>(3, 0, 100'000);
    });
}

TEST(StretchParallelFor, SmallAndOddRanges) {
    bounded(kDeadline, [] {
        every_index_exactly_once<oslab::ThreadPool>(4, 5, 6);   // one index
        every_index_exactly_once<oslab::ThreadPool>(4, 3, 10);  // fewer indices than chunks
        every_index_exactly_once<oslab::ThreadPool>(3, 7, 1007);
        every_index_exactly_once<oslab::StealingThreadPool>(4, 3, 10);
    });
}

TEST(StretchParallelFor, EmptyRangeCallsNothing) {
    bounded(kDeadline, [] {
        oslab::ThreadPool pool(2);
        int calls = 0;
        oslab::parallel_for(pool, 10, 10, [&calls](std::size_t) { ++calls; });
        oslab::parallel_for(pool, 10, 5, [&calls](std::size_t) { ++calls; });
        EXPECT_EQ(calls, 0);
    });
}

TEST(StretchParallelFor, ComputesASum) {
    bounded(kDeadline, [] {
        oslab::StealingThreadPool pool(2);
        std::vector<std::uint64_t> squares(10'000);
        oslab::parallel_for(pool, 0, squares.size(),
                            [&squares](std::size_t i) { squares[i] = std::uint64_t(i) * i; });
        std::uint64_t sum = 0;
        for (auto s : squares) {
            sum += s;
        }
        const std::uint64_t n = squares.size();
        EXPECT_EQ(sum, (n - 1) * n * (2 * n - 1) / 6);
    });
}

TEST(StretchParallelFor, RethrowsAfterEveryChunkFinished) {
    bounded(kDeadline, [] {
        first_exception_after_every_chunk<oslab::ThreadPool>();
        first_exception_after_every_chunk<oslab::StealingThreadPool>();
    });
}
