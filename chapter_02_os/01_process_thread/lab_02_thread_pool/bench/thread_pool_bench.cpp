// Lab 2 benchmarks: what a task costs on your pool, on boost::asio::thread_pool, with std::async
// and with a new thread per task; how that changes with the task size and the thread count; and
// how long a task waits between submit() and its start.
//
// Every figure is wall-clock (UseRealTime): the work happens on the pools' threads, not on the
// benchmark's. items_per_second = tasks per second; ns_per_task = its inverse.
// Run: scripts/lab bench 2   (or build/<dir>/bin/lab02_solution_bench)
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <initializer_list>
#include <memory>
#include <thread>
#include <vector>

#include "oslab/asio.hpp"
#include "oslab/bench_support.hpp"
#include "oslab/cpu_time.hpp"
#include "oslab/stealing_thread_pool.hpp"
#include "oslab/thread_pool.hpp"

namespace {

using Clock = std::chrono::steady_clock;

const int kCores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
constexpr std::int64_t kMillion = 1'000'000;

// Busy work for `us` microseconds of wall time (0: an empty task).
void spin_for_us(std::int64_t us) {
    if (us == 0) {
        return;
    }
    const auto end = Clock::now() + std::chrono::microseconds(us);
    while (Clock::now() < end) {
    }
}

// When a timed loop started, in wall time and in process CPU time.
struct Meter {
    Clock::time_point wall = Clock::now();
    double cpu = oslab::process_cpu_seconds();  // all threads, user + system
};

// items_per_second (tasks/s) and, per task: ns_per_task (wall time) and cpu_ns_per_task (CPU
// time of every thread of the process, producer and workers, spinning and system calls
// included). On a shared machine the wall time also counts the time others held the CPUs; the
// CPU time is what the design itself costs.
void report_tasks(benchmark::State& state, std::int64_t tasks_per_iteration, const Meter& since) {
    const std::int64_t tasks = state.iterations() * tasks_per_iteration;
    state.SetItemsProcessed(tasks);
    const double ns = std::chrono::duration<double, std::nano>(Clock::now() - since.wall).count();
    const double cpu_ns = (oslab::process_cpu_seconds() - since.cpu) * 1e9;
    state.counters["ns_per_task"] = tasks > 0 ? ns / double(tasks) : 0.0;
    state.counters["cpu_ns_per_task"] = tasks > 0 ? cpu_ns / double(tasks) : 0.0;
}

// boost::asio::thread_pool behind the interface of the lab's pools (post, submit, wait_idle), so
// that every case below is written once, as a template over the pool.
// Asio 1.18 (Boost 1.74) cannot wait until its pool is idle and keep the threads: wait() and
// join() end them. So wait_idle() joins, and an AsioPool serves one round: a case that keeps one
// pool over its rounds (kKeepsThreads) builds a new AsioPool per round instead; starting 2-4
// threads is ~0.1 ms against the ~100 ms a round of tasks takes.
class AsioPool {
public:
    static constexpr bool kKeepsThreads = false;
    explicit AsioPool(std::size_t threads) : pool_(threads) {}
    template <class F>
    void post(F&& f) {
        boost::asio::post(pool_, std::forward<F>(f));
    }
    template <class F>
    auto submit(F f) -> std::future<decltype(f())> {
        auto task = std::make_shared<std::packaged_task<decltype(f())()>>(std::move(f));
        auto result = task->get_future();
        boost::asio::post(pool_, [task] { (*task)(); });
        return result;
    }
    void wait_idle() { pool_.join(); }

private:
    boost::asio::thread_pool pool_;
};

// The lab's pools keep their threads after wait_idle(): one pool serves every round.
template <class Pool>
constexpr bool keeps_threads() {
    if constexpr (requires { Pool::kKeepsThreads; }) {
        return Pool::kKeepsThreads;
    } else {
        return true;
    }
}

// Runs `round(pool)` then pool.wait_idle() once per benchmark iteration, on one pool made before
// the timing where the pool can serve several rounds, on a new pool per round where it cannot.
template <class Pool, class Round>
void rounds_on(benchmark::State& state, std::size_t threads, Round round) {
    if constexpr (keeps_threads<Pool>()) {
        Pool pool(threads);
        for (auto _ : state) {
            round(pool);
            pool.wait_idle();
        }
    } else {
        for (auto _ : state) {
            Pool pool(threads);
            round(pool);
            pool.wait_idle();
        }
    }
}

// The probe: skip (with the "not implemented" message) while the student's pool is unfinished.
template <class Pool>
bool pool_works(benchmark::State& state) {
    return oslab::implemented(state, [] {
        Pool pool(1);
        pool.submit([] {}).get();
        pool.post([] {});
        pool.wait_idle();
    });
}

// ---- 1. Throughput of empty tasks: a pool is created, fed N tasks, drained and joined. ------

template <class Pool>
void BM_Empty_Post(benchmark::State& state) {
    if (!pool_works<Pool>(state)) return;
    const std::int64_t n = state.range(0);
    const Meter start;
    for (auto _ : state) {
        Pool pool(static_cast<std::size_t>(kCores));
        for (std::int64_t i = 0; i < n; ++i) {
            pool.post([] {});
        }
        pool.wait_idle();
    }  // the destructor joins: inside the timing, as asio's join() is
    report_tasks(state, n, start);
}

template <class Pool>
void BM_Empty_Submit(benchmark::State& state) {
    if (!pool_works<Pool>(state)) return;
    const std::int64_t n = state.range(0);
    const Meter start;
    for (auto _ : state) {
        Pool pool(static_cast<std::size_t>(kCores));
        for (std::int64_t i = 0; i < n; ++i) {
            auto f = pool.submit([] {});  // a future per task (dropped: never waited for)
            benchmark::DoNotOptimize(f);
        }
        pool.wait_idle();
    }
    report_tasks(state, n, start);
}

// std::async(std::launch::async): libstdc++ starts a new thread for every call. Batches of 64
// futures, so at most 64 threads exist at once.
void BM_Empty_StdAsync(benchmark::State& state) {
    const std::int64_t n = state.range(0);
    const Meter start;
    for (auto _ : state) {
        std::vector<std::future<void>> batch;
        for (std::int64_t i = 0; i < n; i += 64) {
            for (std::int64_t j = i; j < std::min(n, i + 64); ++j) {
                batch.push_back(std::async(std::launch::async, [] {}));
            }
            for (auto& f : batch) {
                f.get();
            }
            batch.clear();
        }
    }
    report_tasks(state, n, start);
}

// Lab 1's way: one std::thread per task, created and joined (clone + exit + futex wake).
void BM_Empty_ThreadPerTask(benchmark::State& state) {
    const std::int64_t n = state.range(0);
    const Meter start;
    for (auto _ : state) {
        for (std::int64_t i = 0; i < n; ++i) {
            std::thread t([] {});
            t.join();
        }
    }
    report_tasks(state, n, start);
}

// ---- 1b. Fan-out: tasks that submit tasks (recursive algorithms, pipelines). -------------------
// 1000 root tasks each post 1000 children from inside the pool. Here a child goes to its
// worker's own queue in the stealing pool (and to the thread-private queue in asio), while the
// simple pool pushes every child through the one shared lock.

template <class Pool>
void BM_FanOut(benchmark::State& state) {
    if (!pool_works<Pool>(state)) return;
    constexpr int kRoots = 1000;
    constexpr int kChildren = 1000;
    const Meter start;
    for (auto _ : state) {
        Pool pool(static_cast<std::size_t>(kCores));
        for (int r = 0; r < kRoots; ++r) {
            pool.post([&pool] {
                for (int c = 0; c < kChildren; ++c) {
                    pool.post([] {});
                }
            });
        }
        pool.wait_idle();
    }
    report_tasks(state, std::int64_t(kRoots) * (kChildren + 1), start);
}

// ---- 2. Task-size sweep (0, 1, 10, 100 µs of spinning), kCores threads. -----------------------
// N is chosen so an iteration is ~50 ms of work whatever the size. efficiency = achieved tasks/s
// divided by the ideal kCores / size: 1.0 means every core did nothing but the tasks' own work.

std::int64_t sweep_tasks(std::int64_t us) {
    return us == 0 ? 200'000 : 50'000 * kCores / us;
}

void report_efficiency(benchmark::State& state, std::int64_t us, std::int64_t n,
                       const Meter& start) {
    report_tasks(state, n, start);
    if (us > 0) {
        const double ideal = double(state.iterations() * n * us) * 1e-6 / kCores;
        const double real = std::chrono::duration<double>(Clock::now() - start.wall).count();
        state.counters["efficiency"] = ideal / real;  // 1.0: the cores did only the tasks' work
    }
}

template <class Pool>
void BM_TaskSize(benchmark::State& state) {
    if (!pool_works<Pool>(state)) return;
    const std::int64_t us = state.range(0);
    const std::int64_t n = sweep_tasks(us);
    const Meter start;
    rounds_on<Pool>(state, static_cast<std::size_t>(kCores), [&](Pool& pool) {
        for (std::int64_t i = 0; i < n; ++i) {
            pool.post([us] { spin_for_us(us); });
        }
    });
    report_efficiency(state, us, n, start);
}

// ---- 3. Thread-count sweep: 1 .. 2 x cores threads, empty and 10 µs tasks. --------------------

template <class Pool>
void BM_Threads(benchmark::State& state) {
    if (!pool_works<Pool>(state)) return;
    const auto threads = static_cast<std::size_t>(state.range(0));
    const std::int64_t us = state.range(1);
    const std::int64_t n = us == 0 ? 100'000 : 5'000;
    const Meter start;
    rounds_on<Pool>(state, threads, [&](Pool& pool) {
        for (std::int64_t i = 0; i < n; ++i) {
            pool.post([us] { spin_for_us(us); });
        }
    });
    report_tasks(state, n, start);
}

void thread_sweep(benchmark::internal::Benchmark* b, std::initializer_list<std::int64_t> sizes) {
    b->ArgNames({"workers", "us"});  // not "threads": GB reserves it
    for (std::int64_t us : sizes) {
        for (int t = 1; t <= 2 * kCores; ++t) {
            b->Args({t, us});
        }
    }
}
void sweep_empty_and_10us(benchmark::internal::Benchmark* b) {
    thread_sweep(b, {0, 10});
}
void sweep_empty(benchmark::internal::Benchmark* b) {
    thread_sweep(b, {0});
}

// ---- 4. Latency from submit to the task's first instruction, on an idle pool. ----------------
// Each sample: take the time, hand over a task that reads the clock, wait for it. The worker was
// asleep, so this is mostly the wake-up: futex wake, the scheduler, a context switch.

void report_latency(benchmark::State& state, std::vector<double>& us) {
    std::sort(us.begin(), us.end());
    state.counters["p50_us"] = us[us.size() / 2];
    state.counters["p99_us"] = us[us.size() * 99 / 100];
    state.SetItemsProcessed(static_cast<std::int64_t>(us.size()));
}

constexpr int kLatencySamples = 200;

template <class Pool>
void BM_Latency(benchmark::State& state) {
    if (!pool_works<Pool>(state)) return;
    Pool pool(static_cast<std::size_t>(kCores));  // one pool, never waited idle: Asio's too
    std::vector<double> samples;
    for (auto _ : state) {
        for (int i = 0; i < kLatencySamples; ++i) {
            const auto t0 = Clock::now();
            auto started = pool.submit([t0] { return Clock::now() - t0; });
            samples.push_back(std::chrono::duration<double, std::micro>(started.get()).count());
        }
    }
    report_latency(state, samples);
}

void BM_Latency_NewThread(benchmark::State& state) {
    std::vector<double> samples;
    for (auto _ : state) {
        for (int i = 0; i < kLatencySamples; ++i) {
            Clock::duration delay{};
            const auto t0 = Clock::now();
            std::thread t([t0, &delay] { delay = Clock::now() - t0; });
            t.join();
            samples.push_back(std::chrono::duration<double, std::micro>(delay).count());
        }
    }
    report_latency(state, samples);
}

// Registration options shared by several cases.
void million_tasks(benchmark::internal::Benchmark* b) {
    b->Arg(kMillion)->UseRealTime()->Unit(benchmark::kMillisecond);
}
void few_tasks(benchmark::internal::Benchmark* b) {  // for the thread-creating baselines
    b->Arg(2048)->UseRealTime()->Unit(benchmark::kMillisecond);
}
void wall_ms(benchmark::internal::Benchmark* b) {
    b->UseRealTime()->Unit(benchmark::kMillisecond);
}
void task_sizes(benchmark::internal::Benchmark* b) {
    b->ArgName("us")->Arg(0)->Arg(1)->Arg(10)->Arg(100)->UseRealTime()->Unit(
        benchmark::kMillisecond);
}
void wall_us(benchmark::internal::Benchmark* b) {
    b->UseRealTime()->Unit(benchmark::kMicrosecond);
}

}  // namespace

using oslab::StealingThreadPool;
using oslab::ThreadPool;

// Short, stable names (scripts/lab report reads them): BM_<what>_<Pool|Stealing|Asio|...>.

// 1. Empty tasks. The pools get a million; the thread-creating baselines far fewer (each
// costs ~10^4 times more), which is fine: the figure is per task.
BENCHMARK(BM_Empty_Post<ThreadPool>)->Name("BM_Pool_Post")->Apply(million_tasks);
BENCHMARK(BM_Empty_Submit<ThreadPool>)->Name("BM_Pool_Submit")->Apply(million_tasks);
BENCHMARK(BM_Empty_Post<AsioPool>)->Name("BM_Asio_Post")->Apply(million_tasks);
BENCHMARK(BM_Empty_Post<StealingThreadPool>)->Name("BM_Stealing_Post")->Apply(million_tasks);
BENCHMARK(BM_Empty_Submit<StealingThreadPool>)->Name("BM_Stealing_Submit")->Apply(million_tasks);
BENCHMARK(BM_Empty_StdAsync)->Name("BM_StdAsync")->Apply(few_tasks);
BENCHMARK(BM_Empty_ThreadPerTask)->Name("BM_ThreadPerTask")->Apply(few_tasks);

BENCHMARK(BM_FanOut<ThreadPool>)->Name("BM_FanOut_Pool")->Apply(wall_ms);
BENCHMARK(BM_FanOut<StealingThreadPool>)->Name("BM_FanOut_Stealing")->Apply(wall_ms);
BENCHMARK(BM_FanOut<AsioPool>)->Name("BM_FanOut_Asio")->Apply(wall_ms);

// 2. Task size.
BENCHMARK(BM_TaskSize<ThreadPool>)->Name("BM_TaskSize_Pool")->Apply(task_sizes);
BENCHMARK(BM_TaskSize<StealingThreadPool>)->Name("BM_TaskSize_Stealing")->Apply(task_sizes);
BENCHMARK(BM_TaskSize<AsioPool>)->Name("BM_TaskSize_Asio")->Apply(task_sizes);

// 3. Thread count.
BENCHMARK(BM_Threads<ThreadPool>)
    ->Name("BM_Threads_Pool")
    ->Apply(sweep_empty_and_10us)
    ->Apply(wall_ms);
BENCHMARK(BM_Threads<StealingThreadPool>)
    ->Name("BM_Threads_Stealing")
    ->Apply(sweep_empty)
    ->Apply(wall_ms);
BENCHMARK(BM_Threads<AsioPool>)->Name("BM_Threads_Asio")->Apply(sweep_empty)->Apply(wall_ms);

// 4. Latency.
BENCHMARK(BM_Latency<ThreadPool>)->Name("BM_Latency_Pool")->Apply(wall_us);
BENCHMARK(BM_Latency<StealingThreadPool>)->Name("BM_Latency_Stealing")->Apply(wall_us);
BENCHMARK(BM_Latency<AsioPool>)->Name("BM_Latency_Asio")->Apply(wall_us);
BENCHMARK(BM_Latency_NewThread)->Name("BM_Latency_NewThread")->Apply(wall_us);
