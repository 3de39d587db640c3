// Lab 2 tests: the thread pool contract (oslab/thread_pool.hpp).
//
// Every test is written once as a template over the pool type and registered twice:
//   ThreadPool.<Test>                 your pool (the lab)
//   StretchStealingThreadPool.<Test>  the stretch part: same contract, per-worker queues
// Tests assert behaviour only (results, counts, exceptions, termination), never speed, and each
// body runs under a deadline (bounded.hpp): a deadlock fails with a message instead of hanging.
#include <gtest/gtest.h>

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

#include "bounded.hpp"
#include "oslab/cpu_time.hpp"
#include "oslab/not_implemented.hpp"
#include "oslab/stealing_thread_pool.hpp"
#include "oslab/thread_pool.hpp"

using namespace std::chrono_literals;
using oslab::testing::bounded;
using oslab::testing::kDeadline;
using oslab::testing::kHeavyWorkDeadline;

namespace {

// The big "every task runs exactly once" count: large enough that producers and workers race on
// the queues for a while, small enough that the stress gate (scripts/lab stress) can repeat it
// hundreds of times: a rare bug is found by repetitions, not by one long run. ThreadSanitizer
// makes each synchronisation operation ~10-50x slower, so under TSan the count is scaled down
// (same code paths, fewer laps).
#if defined(__SANITIZE_THREAD__)
constexpr std::size_t kManyTasks = 100'000;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
constexpr std::size_t kManyTasks = 100'000;
#else
constexpr std::size_t kManyTasks = 250'000;
#endif
#else
constexpr std::size_t kManyTasks = 250'000;
#endif

// A logic_error that is really "not implemented yet" must not pass a test that expects the
// pool's own logic_error (NotImplemented derives from std::logic_error).
void expect_logic_error_not_todo(std::future<void>& f, const char* what) {
    try {
        f.get();
        ADD_FAILURE() << what << ": expected std::logic_error, nothing was thrown";
    } catch (const oslab::NotImplemented& e) {
        ADD_FAILURE() << what << ": " << e.what();
    } catch (const std::logic_error&) {
        SUCCEED();
    }
}

// User + system CPU time of every thread of the process (getrusage, oslab/cpu_time.hpp).
using oslab::cpus_demanded_while_sleeping;

}  // namespace

// POOL_TEST(Name) { body using `Pool` }: one test per pool type.
#define POOL_TEST(name)                           \
    template <class Pool>                         \
    void name##_body();                           \
    TEST(ThreadPool, name) {                      \
        name##_body<oslab::ThreadPool>();         \
    }                                             \
    TEST(StretchStealingThreadPool, name) {       \
        name##_body<oslab::StealingThreadPool>(); \
    }                                             \
    template <class Pool>                         \
    void name##_body()

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

// --- many tasks, many producers ------------------------------------------------------------

POOL_TEST(EveryPostedTaskRunsExactlyOnce) {
    bounded(kHeavyWorkDeadline, [] {
        // One counter per task: a lost task leaves a 0, a task run twice leaves a 2.
        std::vector<std::atomic<std::uint8_t>> runs(kManyTasks);
        {
            Pool pool(4);
            for (std::size_t i = 0; i < kManyTasks; ++i) {
                pool.post([&runs, i] { runs[i].fetch_add(1, std::memory_order_relaxed); });
            }
            pool.wait_idle();
            std::size_t wrong = 0;
            for (std::size_t i = 0; i < kManyTasks; ++i) {
                wrong += runs[i].load(std::memory_order_relaxed) != 1;
            }
            EXPECT_EQ(wrong, 0u) << "tasks lost or run twice, out of " << kManyTasks;
        }
    });
}

POOL_TEST(ConcurrentProducersLoseNothing) {
    bounded(kDeadline, [] {
        constexpr int kProducers = 8;
        constexpr int kPerProducer = 5'000;
        Pool pool(4);
        std::atomic<long> posted_sum{0};
        std::vector<std::thread> producers;
        for (int p = 0; p < kProducers; ++p) {
            producers.emplace_back([&pool, &posted_sum, p] {
                std::vector<std::future<int>> mine;
                for (int i = 0; i < kPerProducer; ++i) {
                    mine.push_back(pool.submit([](int x) { return x; }, i));
                    pool.post([&posted_sum] { posted_sum.fetch_add(1); });
                }
                long total = 0;
                for (auto& f : mine) {
                    total += f.get();
                }
                EXPECT_EQ(total, long(kPerProducer) * (kPerProducer - 1) / 2) << "producer " << p;
            });
        }
        for (auto& t : producers) {
            t.join();
        }
        pool.wait_idle();
        EXPECT_EQ(posted_sum.load(), long(kProducers) * kPerProducer);
    });
}

// A lost-wake-up hunt. Each round submits one task per worker, all meeting at a latch: they can
// only finish if every worker runs one at the same time, so a worker left asleep while a task
// is queued hangs the round (and the test fails at its deadline). Before each round, producers
// post bursts, and every other round the pool is first let go idle, so the latch tasks arrive
// both at busy workers and at sleeping ones.
POOL_TEST(TasksMeetingAtALatchAlwaysFindAWorker) {
    bounded(kDeadline, [] {
        constexpr std::size_t kWorkers = 4;
        constexpr int kRounds = 200;
        Pool pool(kWorkers);
        std::atomic<int> burst_tasks{0};
        for (int round = 0; round < kRounds; ++round) {
            std::vector<std::thread> producers;
            for (int p = 0; p < 2; ++p) {
                producers.emplace_back([&pool, &burst_tasks, round] {
                    for (int i = 0; i < (round % 7) * 5; ++i) {
                        pool.post([&burst_tasks] { burst_tasks.fetch_add(1); });
                    }
                });
            }
            for (auto& t : producers) {
                t.join();
            }
            if (round % 2 == 0) {
                pool.wait_idle();  // every worker goes (or is going) to sleep
            }
            // Submitted back to back: a pool that sends one wake-up for several tasks (to save
            // futex calls) must still get every one of them to a worker.
            std::latch meet(static_cast<std::ptrdiff_t>(kWorkers));
            std::vector<std::future<void>> arrivals;
            for (std::size_t i = 0; i < kWorkers; ++i) {
                arrivals.push_back(pool.submit([&meet] { meet.arrive_and_wait(); }));
            }
            for (auto& f : arrivals) {
                f.get();
            }
        }
        pool.wait_idle();
        int expected = 0;
        for (int round = 0; round < kRounds; ++round) {
            expected += 2 * (round % 7) * 5;
        }
        EXPECT_EQ(burst_tasks.load(), expected);
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

// --- tasks that submit tasks ---------------------------------------------------------------

POOL_TEST(TasksThatSubmitTasksComplete) {
    bounded(kDeadline, [] {
        Pool pool(2);
        std::atomic<int> ran{0};
        // A tree: 1 root, 10 children, 100 grandchildren. A parent submits its children before
        // it finishes, so wait_idle() cannot see "idle" before the whole tree is done.
        pool.post([&pool, &ran] {
            ran.fetch_add(1);
            for (int c = 0; c < 10; ++c) {
                pool.post([&pool, &ran] {
                    ran.fetch_add(1);
                    for (int g = 0; g < 10; ++g) {
                        auto leaf = pool.submit([&ran] { ran.fetch_add(1); });
                        (void)leaf;  // not waited for inside a task: that could block a worker
                    }
                });
            }
        });
        pool.wait_idle();
        EXPECT_EQ(ran.load(), 111);
        EXPECT_EQ(pool.failed_tasks(), 0u);
    });
}

POOL_TEST(DestructorDrainsATaskTree) {
    bounded(kDeadline, [] {
        auto ran = std::make_shared<std::atomic<int>>(0);
        {
            Pool pool(2);
            pool.post([&pool, ran] {
                for (int c = 0; c < 50; ++c) {
                    pool.post([ran] { ran->fetch_add(1); });
                }
            });
        }  // destroyed at once: the tree was accepted work, all 50 children must run
        EXPECT_EQ(ran->load(), 50);
    });
}

// --- shutdown ------------------------------------------------------------------------------

POOL_TEST(DestructorRunsEveryPendingTask) {
    bounded(kDeadline, [] {
        std::atomic<int> ran{0};
        {
            Pool pool(1);
            pool.post([] { std::this_thread::sleep_for(20ms); });  // the rest waits in the queue
            for (int i = 0; i < 1000; ++i) {
                pool.post([&ran] { ran.fetch_add(1); });
            }
        }
        EXPECT_EQ(ran.load(), 1000);
    });
}

POOL_TEST(ShutdownTwiceIsFine) {
    bounded(kDeadline, [] {
        std::atomic<int> ran{0};
        Pool pool(2);
        for (int i = 0; i < 100; ++i) {
            pool.post([&ran] { ran.fetch_add(1); });
        }
        pool.shutdown();
        EXPECT_EQ(ran.load(), 100);  // shutdown() finished the accepted work before returning
        pool.shutdown();
        pool.wait_idle();  // nothing left: returns at once
        EXPECT_EQ(pool.size(), 2u);
    });  // and the destructor after two shutdowns
}

POOL_TEST(SubmitAfterShutdownThrowsRuntimeError) {
    bounded(kDeadline, [] {
        Pool pool(2);
        pool.shutdown();
        EXPECT_THROW(pool.submit([] { return 1; }), std::runtime_error);
        EXPECT_THROW(pool.post([] {}), std::runtime_error);
    });
}

POOL_TEST(ShutdownFromInsideATaskThrowsLogicError) {
    bounded(kDeadline, [] {
        Pool pool(2);
        auto f = pool.submit([&pool] { pool.shutdown(); });
        expect_logic_error_not_todo(f, "shutdown() from inside a task");
    });
}

POOL_TEST(CreateAndDestroyWithWorkAThousandTimes) {
    bounded(kHeavyWorkDeadline, [] {
        // The classic lost wake-up at shutdown: a worker checks "stopping?" (no), the destructor
        // sets stopping and notifies, the worker then goes to sleep and never wakes: join() hangs.
        // It is a narrow window, so we try it many times, with and without work in flight.
        std::atomic<int> ran{0};
        for (int round = 0; round < 1000; ++round) {
            Pool pool(round % 3 + 1);
            for (int i = 0; i < round % 4; ++i) {
                pool.post([&ran] { ran.fetch_add(1); });
            }
        }
        int expected = 0;
        for (int round = 0; round < 1000; ++round) {
            expected += round % 4;
        }
        EXPECT_EQ(ran.load(), expected);
    });
}

// --- an idle pool sleeps ---------------------------------------------------------------------

POOL_TEST(IdlePoolDoesNotSpin) {
    bounded(kDeadline, [] {
        Pool pool(4);
        for (int i = 0; i < 100; ++i) {
            pool.post([] {});
        }
        pool.wait_idle();
        std::this_thread::sleep_for(20ms);  // let the workers settle into their wait
        // Not wall time: sleeping threads demand no CPU; a spinning one demands a whole CPU,
        // running or runnable, however loaded the machine is.
        const double cpus = cpus_demanded_while_sleeping(500ms);
        EXPECT_LT(cpus, 0.25) << "the process demanded " << cpus
                              << " CPUs while the pool was idle: do idle workers spin "
                                 "instead of sleeping on the condition variable?";
    });
}
