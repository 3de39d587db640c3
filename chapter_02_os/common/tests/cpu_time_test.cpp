// cpus_demanded_while_sleeping: what the spin checks of Labs 2, 4 and 5 rely on. A spinning
// thread demands a whole CPU (running, or runnable and waiting for one) however loaded the
// machine is; a sleeping one demands nothing; the measuring thread itself never counts.
#include <gtest/gtest.h>
#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "oslab/cpu_time.hpp"

namespace {

using namespace std::chrono_literals;

TEST(CpuDemand, ASpinningThreadDemandsAboutOneCpu) {
    std::atomic<bool> stop{false};
    std::thread spinner([&stop] {
        ::pthread_setname_np(::pthread_self(), "spinner");
        while (!stop.load(std::memory_order_relaxed)) {
        }
    });
    const auto demand = oslab::cpus_demanded_while_sleeping(300ms);
    stop = true;
    spinner.join();
    EXPECT_GT(demand.cpus, 0.5) << demand.by_thread;
    EXPECT_NE(demand.by_thread.find("spinner"), std::string::npos) << demand.by_thread;
}

TEST(CpuDemand, SleepingThreadsAndTheCallerDemandAlmostNothing) {
    std::mutex mutex;
    std::condition_variable wake;
    bool stop = false;
    std::thread sleeper([&] {
        std::unique_lock lock(mutex);
        wake.wait(lock, [&] { return stop; });
    });
    const auto demand = oslab::cpus_demanded_while_sleeping(300ms);
    {
        std::lock_guard lock(mutex);
        stop = true;
    }
    wake.notify_one();
    sleeper.join();
    EXPECT_LT(demand.cpus, 0.25) << demand.by_thread;
}

TEST(CpuDemand, EveryLiveThreadIsListedWithItsName) {
    const auto threads = oslab::thread_cpu_demands();
    if (threads.empty()) GTEST_SKIP() << "no /proc/self/task/*/schedstat (CONFIG_SCHED_INFO off)";
    // This thread, and perhaps a sanitizer's own background thread: nothing else runs here.
    const auto self =
        std::find_if(threads.begin(), threads.end(),
                     [](const oslab::ThreadDemand& t) { return t.tid == ::gettid(); });
    ASSERT_NE(self, threads.end());
    EXPECT_FALSE(self->name.empty());
    EXPECT_GT(self->seconds, 0.0);
}

}  // namespace
