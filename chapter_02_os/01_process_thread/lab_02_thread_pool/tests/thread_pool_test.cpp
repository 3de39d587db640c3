// Lab 2 tests: the thread pool contract (oslab/thread_pool.hpp): construction, results and
// exceptions through futures, wait_idle, errors in post(). Many tasks, tasks that submit tasks,
// shutdown and idleness are in thread_pool_load_test.cpp; both register every test for both
// pools (pool_test.hpp).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <latch>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "oslab/cpu_time.hpp"
#include "pool_test.hpp"

using namespace std::chrono_literals;
using oslab::testing::bounded;
using oslab::testing::expect_logic_error_not_todo;
using oslab::testing::kDeadline;
using oslab::testing::kHeavyWorkDeadline;

// --- construction --------------------------------------------------------------------------

POOL_TEST(ZeroThreadsIsInvalid) {
    EXPECT_THROW(Pool pool(0), std::invalid_argument);
}

POOL_TEST(SizeIsTheThreadCount) {
    bounded(kDeadline, [] {
        Pool pool(3);
        EXPECT_EQ(pool.size(), 3u);
        EXPECT_EQ(pool.failed_tasks(), 0u);
    });
}

// --- futures ---------------------------------------------------------------------------------

POOL_TEST(ResultsArriveThroughFutures) {
    bounded(kDeadline, [] {
        Pool pool(2);
        auto sum = pool.submit([](int a, int b) { return a + b; }, 40, 2);
        auto text = pool.submit([](std::string s) { return s + "!"; }, std::string("pool"));
        auto nothing = pool.submit([] {});
        EXPECT_EQ(sum.get(), 42);
        EXPECT_EQ(text.get(), "pool!");
        nothing.get();
    });
}

POOL_TEST(ExceptionsArriveThroughFutures) {
    bounded(kDeadline, [] {
        Pool pool(2);
        auto failing = pool.submit([]() -> int { throw std::out_of_range("task failed"); });
        EXPECT_THROW(failing.get(), std::out_of_range);
        // A submit()ed task's exception belongs to its future, not to failed_tasks().
        EXPECT_EQ(pool.failed_tasks(), 0u);
        EXPECT_EQ(pool.submit([] { return 7; }).get(), 7);  // and the pool still works
    });
}

POOL_TEST(ArgumentsAreCopiedAtSubmit) {
    bounded(kDeadline, [] {
        Pool pool(1);
        std::latch gate(1);
        auto blocker = pool.submit([&gate] { gate.wait(); });
        int value = 1;
        auto f = pool.submit([](int v) { return v; }, value);  // copied now, not read later
        value = 2;
        gate.count_down();
        EXPECT_EQ(f.get(), 1);
        blocker.get();
    });
}

POOL_TEST(MoveOnlyCallablesAndArguments) {
    bounded(kDeadline, [] {
        Pool pool(2);
        auto owned = std::make_unique<int>(41);
        auto f = pool.submit([p = std::move(owned)] { return *p + 1; });
        auto g = pool.submit([](std::unique_ptr<int> p) { return *p; }, std::make_unique<int>(7));
        auto ran = std::make_shared<std::atomic<int>>(0);
        pool.post([p = std::make_unique<int>(5), ran] { ran->fetch_add(*p); });
        EXPECT_EQ(f.get(), 42);
        EXPECT_EQ(g.get(), 7);
        pool.wait_idle();
        EXPECT_EQ(ran->load(), 5);
    });
}

// --- wait_idle -----------------------------------------------------------------------------

POOL_TEST(WaitIdleOnAnEmptyPoolReturnsAtOnce) {
    bounded(kDeadline, [] {
        Pool pool(2);
        pool.wait_idle();
        pool.wait_idle();
    });
}

POOL_TEST(WaitIdleWaitsForQueuedAndRunningTasks) {
    bounded(kDeadline, [] {
        Pool pool(2);
        std::promise<void> open;
        std::shared_future<void> gate = open.get_future().share();
        std::atomic<int> done{0};
        for (int i = 0; i < 10; ++i) {  // 2 run (blocked on the gate), 8 wait in the queue
            pool.post([gate, &done] {
                gate.wait();
                done.fetch_add(1);
            });
        }
        auto waiter = std::async(std::launch::async, [&pool] { pool.wait_idle(); });
        // While the gate is closed, wait_idle must not return (checked for 100 ms).
        EXPECT_EQ(waiter.wait_for(100ms), std::future_status::timeout)
            << "wait_idle() returned while tasks were still queued or running";
        open.set_value();
        ASSERT_EQ(waiter.wait_for(kDeadline), std::future_status::ready);
        waiter.get();
        EXPECT_EQ(done.load(), 10);
    });
}

POOL_TEST(WaitIdleFromInsideATaskThrowsLogicError) {
    bounded(kDeadline, [] {
        Pool pool(2);
        auto f = pool.submit([&pool] { pool.wait_idle(); });
        expect_logic_error_not_todo(f, "wait_idle() from inside a task");
        pool.wait_idle();  // from outside it is fine
    });
}

// --- errors in post() ----------------------------------------------------------------------

POOL_TEST(ThrowingPostedTaskIsCountedAndPoolKeepsWorking) {
    bounded(kDeadline, [] {
        Pool pool(2);
        for (int i = 0; i < 5; ++i) {
            pool.post([] { throw std::runtime_error("posted task failed"); });
        }
        pool.post([] { throw 42; });  // not even a std::exception
        pool.wait_idle();
        EXPECT_EQ(pool.failed_tasks(), 6u);
        // Every worker is still alive: size() tasks can meet at a latch only if size() workers
        // run them at the same time.
        std::latch all_workers(static_cast<std::ptrdiff_t>(pool.size()));
        std::vector<std::future<void>> meet;
        for (std::size_t i = 0; i < pool.size(); ++i) {
            meet.push_back(pool.submit([&all_workers] { all_workers.arrive_and_wait(); }));
        }
        for (auto& f : meet) {
            f.get();
        }
    });
}
