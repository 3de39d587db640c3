// Part 1: the parallel sum by processes and by threads.
#include "oslab/parallel_sum.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdint>
#include <ostream>
#include <stdexcept>
#include <string>

#include "oslab/proc_status.hpp"
#include "test_support.hpp"

namespace {

using lab01_test::no_child_left;
using oslab::expected_sum;

struct SumCase {
    std::uint64_t n;
    std::size_t workers;
};

// Readable names in test output instead of a byte dump.
void PrintTo(const SumCase& c, std::ostream* os) {
    *os << "n=" << c.n << " workers=" << c.workers;
}

std::string case_name(const testing::TestParamInfo<SumCase>& info) {
    return "n" + std::to_string(info.param.n) + "_w" + std::to_string(info.param.workers);
}

class ExactSum : public testing::TestWithParam<SumCase> {};

TEST_P(ExactSum, Threads) {
    const auto [n, workers] = GetParam();
    EXPECT_EQ(oslab::sum_with_threads(n, workers), expected_sum(n));
}

TEST_P(ExactSum, Processes) {
    const auto [n, workers] = GetParam();
    EXPECT_EQ(oslab::sum_with_processes(n, workers), expected_sum(n));
    EXPECT_TRUE(no_child_left()) << "every child must be reaped with waitpid()";
}

// n = 0, n < workers (empty chunks), a remainder for the last worker, one worker, and a large n
// (10 million: the result no longer fits in 32 bits).
INSTANTIATE_TEST_SUITE_P(Cases, ExactSum,
                         testing::Values(SumCase{0, 1}, SumCase{0, 4}, SumCase{1, 1}, SumCase{3, 8},
                                         SumCase{10, 3}, SumCase{101, 4}, SumCase{1000, 1},
                                         SumCase{10'000'000, 4}),
                         case_name);

TEST(ParallelSum, ChunksCoverTheRangeOnce) {
    // The given splitter: contiguous, no gap, no overlap, the last takes the remainder.
    const std::uint64_t n = 103;
    const std::size_t workers = 4;
    std::uint64_t next = 1;
    for (std::size_t i = 0; i < workers; ++i) {
        const auto chunk = oslab::chunk_of(n, workers, i);
        EXPECT_EQ(chunk.begin, next);
        next = chunk.end;
    }
    EXPECT_EQ(next, n + 1);
}

TEST(ParallelSum, BothMethodsAgree) {
    for (std::size_t workers = 1; workers <= 6; ++workers) {
        SCOPED_TRACE("workers = " + std::to_string(workers));
        EXPECT_EQ(oslab::sum_with_processes(123'457, workers),
                  oslab::sum_with_threads(123'457, workers));
    }
}

TEST(ParallelSum, ZeroWorkersIsInvalid) {
    EXPECT_THROW(oslab::sum_with_threads(10, 0), std::invalid_argument);
    EXPECT_THROW(oslab::sum_with_processes(10, 0), std::invalid_argument);
    EXPECT_TRUE(no_child_left());
}

TEST(ParallelSum, ProcessesLeaveNoChildAndNoDescriptor) {
    const auto fds_before = oslab::count_open_fds();
    EXPECT_EQ(oslab::sum_with_processes(50'000, 5), expected_sum(50'000));
    EXPECT_TRUE(no_child_left()) << "a child was not reaped (zombie) or is still running";
    EXPECT_EQ(oslab::count_open_fds(), fds_before) << "a pipe end was not closed";
}

TEST(ParallelSum, TheHookRunsInAChildProcess) {
    // A hook that kills its caller would end this test if it ran in the parent.
    const pid_t parent = ::getpid();
    EXPECT_EQ(oslab::sum_with_processes(1000, 3,
                                        [parent](std::size_t) {
                                            if (::getpid() == parent) ::abort();
                                        }),
              expected_sum(1000));
}

// A failing child must be reported, and still reaped, and its pipe still closed.
void expect_child_failure(const oslab::ChildHook& hook, const std::string& expected_message) {
    const auto fds_before = oslab::count_open_fds();
    try {
        oslab::sum_with_processes(10'000, 4, hook);
        ADD_FAILURE() << "a failed child was hidden: no ChildFailed thrown";
    } catch (const oslab::ChildFailed& e) {
        EXPECT_NE(std::string(e.what()).find(expected_message), std::string::npos)
            << "message: " << e.what();
    }
    EXPECT_TRUE(no_child_left()) << "after a failure, the other children must still be reaped";
    EXPECT_EQ(oslab::count_open_fds(), fds_before) << "a pipe end leaked on the error path";
}

TEST(ParallelSum, ChildExitingWithErrorIsReported) {
    expect_child_failure(
        [](std::size_t worker) {
            if (worker == 2) ::_exit(3);
        },
        "status 3");
}

TEST(ParallelSum, ChildKilledBySignalIsReported) {
    expect_child_failure(
        [](std::size_t worker) {
            if (worker == 1) ::raise(SIGKILL);
        },
        "signal 9");
}

TEST(ParallelSum, ChildThatThrowsIsReported) {
    // The exception must not escape the child (it would run the parent's code in the child):
    // the child exits with a non-zero status instead.
    expect_child_failure(
        [](std::size_t worker) {
            if (worker == 0) throw std::runtime_error("boom");
        },
        "worker 0");
}

TEST(ParallelSum, ChildExitingWithoutResultIsReported) {
    // Exit status 0 but nothing written: the parent sees EOF on the pipe, which it only does if it
    // closed its own copy of the write end. (If this test hangs, that is the bug.)
    expect_child_failure(
        [](std::size_t worker) {
            if (worker == 3) ::_exit(0);
        },
        "worker 3");
}

}  // namespace
