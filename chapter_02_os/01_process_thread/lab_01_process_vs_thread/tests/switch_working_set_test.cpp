// The given working-set ping-pong behind BM_SwitchWorkingSet: it completes, reaps its child and
// leaves no descriptor open (never timing).
#include <sched.h>

#include <gtest/gtest.h>

#include "oslab/proc_status.hpp"
#include "oslab/switch_working_set.hpp"

namespace {

int first_cpu() {
    cpu_set_t set;
    CPU_ZERO(&set);
    sched_getaffinity(0, sizeof set, &set);
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
        if (CPU_ISSET(cpu, &set)) return cpu;
    }
    return 0;
}

TEST(SwitchWorkingSet, ThreadsAndProcessesComplete) {
    const auto fds = oslab::count_open_fds();
    for (const auto sides : {oslab::SwitchSides::threads, oslab::SwitchSides::processes}) {
        const auto t = oslab::ping_pong_working_set(sides, 64 * 1024, 20, first_cpu());
        EXPECT_GT(t.wall.count(), 0);
        EXPECT_GT(t.cpu.count(), 0);
    }
    EXPECT_GT(oslab::working_set_baseline(64 * 1024, 20, first_cpu()).wall.count(), 0);
    EXPECT_EQ(oslab::count_open_fds(), fds);
}

TEST(SwitchWorkingSet, RoundTripsAreBounded) {
    EXPECT_EQ(oslab::working_set_round_trips(0), 2000u);
    EXPECT_EQ(oslab::working_set_round_trips(8u << 20), 16u);
    EXPECT_THROW(oslab::ping_pong_working_set(oslab::SwitchSides::threads, 0, 0, first_cpu()),
                 std::invalid_argument);
}

}  // namespace
