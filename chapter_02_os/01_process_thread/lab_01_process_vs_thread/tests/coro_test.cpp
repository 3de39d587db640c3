// Part 4: the cooperative scheduler and the token passed between two coroutines.
#include "oslab/coro.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "oslab/byte_pipe.hpp"
#include "oslab/proc_status.hpp"
#include "test_support.hpp"

namespace {

oslab::Task record(oslab::Scheduler& s, std::vector<std::string>& log, std::string name,
                   int steps) {
    for (int i = 1; i <= steps; ++i) {
        log.push_back(name + std::to_string(i));
        co_await s.yield();
    }
}

TEST(Scheduler, YieldInterleavesTasksInFifoOrder) {
    oslab::Scheduler scheduler;
    std::vector<std::string> log;
    scheduler.spawn(record(scheduler, log, "a", 3));
    scheduler.spawn(record(scheduler, log, "b", 2));
    EXPECT_TRUE(log.empty()) << "a task must not start before run()";
    scheduler.run();
    EXPECT_EQ(log, (std::vector<std::string>{"a1", "b1", "a2", "b2", "a3"}));
    // a: 3 steps + its end, b: 2 steps + its end.
    EXPECT_EQ(scheduler.resumes(), 7u);
}

struct CountsDestruction {
    int* destroyed;
    ~CountsDestruction() { ++*destroyed; }
};

oslab::Task with_local(oslab::Scheduler& s, int* destroyed) {
    CountsDestruction local{destroyed};  // lives in the coroutine frame
    co_await s.yield();
}

TEST(Scheduler, FinishedFramesAreDestroyed) {
    int destroyed = 0;
    oslab::Scheduler scheduler;
    scheduler.spawn(with_local(scheduler, &destroyed));
    scheduler.spawn(with_local(scheduler, &destroyed));
    scheduler.run();
    EXPECT_EQ(destroyed, 2) << "run() must destroy() each frame once its task is done";
}

oslab::Task fails(oslab::Scheduler& s) {
    co_await s.yield();
    throw std::runtime_error("task failed");
}

TEST(Scheduler, AnExceptionInATaskComesOutOfRun) {
    oslab::Scheduler scheduler;
    scheduler.spawn(fails(scheduler));
    EXPECT_THROW(scheduler.run(), std::runtime_error);
}

oslab::Task reader(oslab::Scheduler& s, int fd, std::vector<std::string>& log) {
    log.push_back("wait");
    co_await s.readable(fd);
    log.push_back(oslab::read_byte(fd) ? "got" : "eof");
}

oslab::Task writer(oslab::Scheduler& s, int fd, std::vector<std::string>& log) {
    co_await s.yield();
    log.push_back("write");
    oslab::write_byte(fd);
}

TEST(Scheduler, ReadableResumesATaskWhenDataArrives) {
    auto pipe = oslab::make_pipe();
    oslab::Scheduler scheduler;
    std::vector<std::string> log;
    scheduler.spawn(reader(scheduler, pipe.read.get(), log));
    scheduler.spawn(writer(scheduler, pipe.write.get(), log));
    scheduler.run();
    EXPECT_EQ(log, (std::vector<std::string>{"wait", "write", "got"}));
}

TEST(TokenPassing, InMemoryIsPositiveAndNeverEntersTheKernelScheduler) {
    const long before = lab01_test::thread_voluntary_switches();
    const auto per_round_trip = oslab::pass_token_coroutines(20'000);
    const long after = lab01_test::thread_voluntary_switches();
    EXPECT_GT(per_round_trip.count(), 0.0);
    // 40'000 user-level switches; the thread itself never has to sleep.
    EXPECT_LT(after - before, 50) << "a user-level switch should not block the thread";
}

TEST(TokenPassing, OverPipesIsPositiveAndLeaksNothing) {
    const auto fds_before = oslab::count_open_fds();
    EXPECT_GT(oslab::pass_token_coroutines(2'000, oslab::TokenChannel::pipe).count(), 0.0);
    EXPECT_EQ(oslab::count_open_fds(), fds_before);
}

TEST(TokenPassing, ZeroRoundTripsIsInvalid) {
    EXPECT_THROW(oslab::pass_token_coroutines(0), std::invalid_argument);
}

}  // namespace
