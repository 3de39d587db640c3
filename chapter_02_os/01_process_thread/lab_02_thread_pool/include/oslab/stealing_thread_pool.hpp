// Lab 2, stretch part: a thread pool with one queue per worker and work stealing.
//
// Same interface and guarantees as oslab::ThreadPool (see thread_pool.hpp). What changes is
// inside: instead of one deque behind one mutex that every producer and every worker fight for,
// each worker owns a deque with its own lock.
//   - a task submitted from outside goes to the next worker's deque (round robin);
//   - a task submitted by a running task goes to its own worker's deque (no sharing at all);
//   - a worker whose deque is empty steals from the others before it goes to sleep.
// A producer now meets at most one worker on a lock, instead of all of them.
#pragma once

#include <cstddef>
#include <future>
#include <memory>
#include <thread>
#include <type_traits>
#include <utility>

#include "oslab/thread_pool.hpp"  // detail::Task, detail::package

namespace oslab {

class StealingThreadPool {
public:
    explicit StealingThreadPool(std::size_t threads = std::thread::hardware_concurrency());
    ~StealingThreadPool();
    StealingThreadPool(const StealingThreadPool&) = delete;
    StealingThreadPool& operator=(const StealingThreadPool&) = delete;

    template <class F, class... Args>
    auto submit(F&& f, Args&&... args)
        -> std::future<std::invoke_result_t<std::decay_t<F>, std::decay_t<Args>...>> {
        auto [task, future] = detail::package(std::forward<F>(f), std::forward<Args>(args)...);
        enqueue(std::move(task));
        return std::move(future);
    }

    template <class F>
    void post(F&& f) {
        enqueue(detail::Task([this, fn = std::forward<F>(f)]() mutable {
            try {
                fn();
            } catch (...) {
                record_failure();
            }
        }));
    }

    void wait_idle();
    void shutdown();
    std::size_t size() const noexcept;
    std::size_t failed_tasks() const noexcept;

private:
    void enqueue(detail::Task task);
    void record_failure() noexcept;

    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace oslab
