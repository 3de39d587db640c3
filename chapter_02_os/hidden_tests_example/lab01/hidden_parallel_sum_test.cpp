// An example of an instructor's hidden test for Lab 1 (see ../README.md). It is compiled into the
// lab's test binaries only when the build is configured with
// -DOSLAB_EXTRA_TESTS_DIR=<this folder's parent>, and then runs like any other test of the lab:
// ctest name lab01.starter.HiddenParallelSum.*, labels lab01 and starter.
//
// It uses only the contract (include/oslab/parallel_sum.hpp), so it compiles against every
// student's code. Its cases are ones the visible tests do not try: a prime n, more workers than
// the machine has cores, and a worker count that does not divide n.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstdint>

#include "oslab/parallel_sum.hpp"

namespace {

bool no_child_left() {
    int status = 0;
    errno = 0;
    return ::waitpid(-1, &status, WNOHANG) == -1 && errno == ECHILD;
}

TEST(HiddenParallelSum, PrimeRangeWithManyWorkers) {
    constexpr std::uint64_t n = 100'003;  // prime: every split leaves a remainder
    EXPECT_EQ(oslab::sum_with_threads(n, 7), oslab::expected_sum(n));
    EXPECT_EQ(oslab::sum_with_processes(n, 7), oslab::expected_sum(n));
    EXPECT_TRUE(no_child_left()) << "every child must be reaped";
}

TEST(HiddenParallelSum, MoreWorkersThanNumbers) {
    EXPECT_EQ(oslab::sum_with_processes(2, 9), 3u);
    EXPECT_EQ(oslab::sum_with_threads(2, 9), 3u);
    EXPECT_TRUE(no_child_left());
}

}  // namespace
