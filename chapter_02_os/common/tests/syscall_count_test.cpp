// oslab::SyscallCounter (perf stat on raw_syscalls:sys_enter, attached to another process): a
// process asleep makes no system call while counted, a busy one makes many, and only the calls
// between start() and stop() count. Skipped, with perf's reason, where perf cannot count.
#include "oslab/syscall_count.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "oslab/child_process.hpp"
#include "oslab/cpu_time.hpp"

namespace {

using namespace std::chrono_literals;

#define SKIP_WITHOUT_PERF()                                                       \
    do {                                                                          \
        if (const auto why = oslab::syscall_counting_unavailable(); !why.empty()) \
            GTEST_SKIP() << why;                                                  \
    } while (false)

TEST(SyscallCounter, ASleepingProcessMakesNoSystemCall) {
    SKIP_WITHOUT_PERF();
    oslab::ChildProcess sleeper({"/bin/sleep", "30"});
    oslab::SyscallCounter counter(sleeper.pid());
    counter.start();
    std::this_thread::sleep_for(200ms);
    // sleep(1) entered nanosleep before counting started: nothing new enters the kernel.
    EXPECT_EQ(counter.stop(), 0u);
}

TEST(SyscallCounter, CountsABusyProcessOnlyBetweenStartAndStop) {
    SKIP_WITHOUT_PERF();
    // dd with 1-byte blocks: one read and one write per byte, as fast as it can.
    oslab::ChildProcess dd({"/bin/dd", "if=/dev/zero", "of=/dev/null", "bs=1", "count=2000000000"},
                           {oslab::Output::memory, oslab::Output::memory});
    oslab::SyscallCounter counter(dd.pid());
    std::this_thread::sleep_for(100ms);  // not counted: counting is off until start()
    const double cpu_before = oslab::process_cpu_seconds(dd.pid());
    counter.start();
    std::this_thread::sleep_for(300ms);
    const auto calls = counter.stop();
    const double cpu = oslab::process_cpu_seconds(dd.pid()) - cpu_before;
    // dd makes about a million calls per second of its CPU time; a hundredth of that is a safe
    // floor however little CPU a loaded machine gave it (CPU time is counted in 10 ms ticks).
    EXPECT_GT(calls, 0u);
    EXPECT_GT(static_cast<double>(calls), cpu * 1e4) << "in " << cpu << " s of dd's CPU time";
}

TEST(SyscallCounter, NamesWhyItCannotAttach) {
    SKIP_WITHOUT_PERF();
    oslab::ChildProcess done({"/bin/true"});
    const pid_t gone = done.pid();
    ASSERT_EQ(done.wait(10s), 0);
    EXPECT_THROW(oslab::SyscallCounter{gone}, std::runtime_error);
}

}  // namespace
