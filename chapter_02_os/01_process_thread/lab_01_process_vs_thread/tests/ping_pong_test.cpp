// Part 2: CPU affinity and the ping-pong between threads and between processes.
#include "oslab/ping_pong.hpp"

#include <gtest/gtest.h>
#include <sched.h>

#include <algorithm>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <vector>

#include "oslab/affinity.hpp"
#include "oslab/proc_status.hpp"
#include "test_support.hpp"

namespace {

using lab01_test::no_child_left;
using lab01_test::voluntary_switches;

constexpr std::size_t kRoundTrips = 2000;

TEST(Affinity, AllowedCpusAreSortedAndIncludeTheCurrentOne) {
    const auto cpus = oslab::allowed_cpus();
    ASSERT_FALSE(cpus.empty());
    EXPECT_TRUE(std::is_sorted(cpus.begin(), cpus.end()));
    EXPECT_NE(std::find(cpus.begin(), cpus.end(), ::sched_getcpu()), cpus.end());
}

TEST(Affinity, PinningMovesTheThread) {
    const int target = oslab::allowed_cpus().back();
    // A separate thread, so the test's own mask stays as it was.
    std::thread([target] {
        oslab::pin_to_cpu(target);
        EXPECT_EQ(oslab::allowed_cpus(), std::vector<int>{target});
        EXPECT_EQ(::sched_getcpu(), target) << "sched_setaffinity migrates before returning";
    }).join();
}

TEST(Affinity, ScopedPinRestoresTheMask) {
    const auto before = oslab::allowed_cpus();
    {
        oslab::ScopedPin pin(before.front());
        EXPECT_EQ(oslab::allowed_cpus().size(), 1u);
    }
    EXPECT_EQ(oslab::allowed_cpus(), before);
}

TEST(Affinity, BadCpuNumbersAreRejected) {
    std::thread([] {
        EXPECT_THROW(oslab::set_affinity({}), std::invalid_argument);
        EXPECT_THROW(oslab::pin_to_cpu(-1), std::invalid_argument);
        EXPECT_THROW(oslab::pin_to_cpu(CPU_SETSIZE), std::invalid_argument);
        // A valid number, but no such CPU on this machine: the kernel says EINVAL.
        EXPECT_THROW(oslab::pin_to_cpu(CPU_SETSIZE - 1), std::system_error);
    }).join();
}

TEST(PingPong, BaselineIsPositive) {
    EXPECT_GT(oslab::pipe_transfer_baseline(1000).count(), 0.0);
}

TEST(PingPong, ZeroRoundTripsIsInvalid) {
    EXPECT_THROW(oslab::ping_pong_threads(0), std::invalid_argument);
    EXPECT_THROW(oslab::ping_pong_processes(0), std::invalid_argument);
}

TEST(PingPong, ThreadsTakeTimeAndReallySwitch) {
    const auto fds_before = oslab::count_open_fds();
    const long before = voluntary_switches();
    const auto per_round_trip = oslab::ping_pong_threads(kRoundTrips);
    const long after = voluntary_switches();
    EXPECT_GT(per_round_trip.count(), 0.0);
    // Every round trip puts a side to sleep in read() at least once (a voluntary switch).
    EXPECT_GE(after - before, static_cast<long>(kRoundTrips / 2))
        << "the two sides do not seem to wait for each other";
    EXPECT_EQ(oslab::count_open_fds(), fds_before) << "a pipe end was not closed";
}

TEST(PingPong, ProcessesTakeTimeAndReallySwitch) {
    const auto fds_before = oslab::count_open_fds();
    const long before = voluntary_switches(/*with_children=*/true);
    const auto per_round_trip = oslab::ping_pong_processes(kRoundTrips);
    const long after = voluntary_switches(/*with_children=*/true);
    EXPECT_GT(per_round_trip.count(), 0.0);
    EXPECT_GE(after - before, static_cast<long>(kRoundTrips / 2))
        << "the two processes do not seem to wait for each other";
    EXPECT_TRUE(no_child_left()) << "the pong process must be reaped";
    EXPECT_EQ(oslab::count_open_fds(), fds_before) << "a pipe end was not closed";
}

// A pong side that fails at once (a CPU that does not exist here) must be an exception: the ping
// side keeps writing, and a write to a pipe with no reader raises SIGPIPE, which kills the test
// process unless some read end stays open. A race (does pong close before ping writes?), so it is
// tried many times.
TEST(PingPong, AFailingPongSideIsAnErrorNotADeadProcess) {
    const auto fds_before = oslab::count_open_fds();
    const int no_such_cpu = CPU_SETSIZE - 1;
    // Pinning ping first (onto each allowed CPU in turn: moving there is a switch) gives the
    // pong side time to fail before ping's first write.
    const auto cpus = oslab::allowed_cpus();
    for (int attempt = 0; attempt < 50; ++attempt) {
        const int ping_cpu = attempt % 2 == 0 ? -1 : cpus[attempt / 2 % cpus.size()];
        EXPECT_THROW(oslab::ping_pong_threads(kRoundTrips, {ping_cpu, no_such_cpu}),
                     std::runtime_error);
        EXPECT_THROW(oslab::ping_pong_processes(kRoundTrips, {ping_cpu, no_such_cpu}),
                     std::runtime_error);
    }
    EXPECT_TRUE(no_child_left()) << "a failed pong process must still be reaped";
    EXPECT_EQ(oslab::count_open_fds(), fds_before) << "a pipe end was not closed";
}

TEST(PingPong, BothPinnedToOneCpu) {
    const int cpu = oslab::allowed_cpus().front();
    const auto mask_before = oslab::allowed_cpus();
    const long before = voluntary_switches(true);
    EXPECT_GT(oslab::ping_pong_threads(kRoundTrips, {cpu, cpu}).count(), 0.0);
    EXPECT_GT(oslab::ping_pong_processes(kRoundTrips, {cpu, cpu}).count(), 0.0);
    const long after = voluntary_switches(true);
    EXPECT_GE(after - before, static_cast<long>(kRoundTrips / 2));
    EXPECT_EQ(oslab::allowed_cpus(), mask_before) << "the caller's affinity must be restored";
    EXPECT_TRUE(no_child_left());
}

TEST(PingPong, OnTwoCpus) {
    const auto cpus = oslab::allowed_cpus();
    if (cpus.size() < 2) GTEST_SKIP() << "only one CPU is allowed here";
    EXPECT_GT(oslab::ping_pong_threads(kRoundTrips, {cpus[0], cpus[1]}).count(), 0.0);
    EXPECT_GT(oslab::ping_pong_processes(kRoundTrips, {cpus[0], cpus[1]}).count(), 0.0);
    EXPECT_EQ(oslab::allowed_cpus(), cpus);
    EXPECT_TRUE(no_child_left());
}

}  // namespace
