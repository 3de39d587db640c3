// Lab 2 contract: a fixed-size thread pool.
//
//   oslab::ThreadPool pool(4);
//   auto answer = pool.submit([](int a, int b) { return a + b; }, 40, 2);  // std::future<int>
//   pool.post([] { std::puts("fire and forget"); });
//   pool.wait_idle();            // every accepted task has finished
//   answer.get();                // 42 (or the exception the task threw)
//
// What is given and what is yours: this header does the C++ part (turning any callable and its
// arguments into one move-only "void()" task, and wiring results and exceptions into a future).
// The concurrency part (the queue, the workers, sleeping and waking, shutdown, idle tracking) lives
// in thread_pool.cpp, behind the private members declared at the bottom: that file is the exercise.
#pragma once

#include <cstddef>
#include <functional>
#include <future>
#include <memory>
#include <thread>
#include <type_traits>
#include <utility>

namespace oslab {

namespace detail {

// A move-only, type-erased "void()" callable: what the queue stores.
//
// Why not std::function<void()>? It requires a *copyable* callable, and neither a
// std::packaged_task nor a lambda owning a std::unique_ptr can be copied. C++23 has
// std::move_only_function for exactly this, but GCC 12 in C++20 mode does not. The classic
// recipe is small: a virtual base class with run(), one derived class per callable type
// (made by the template constructor), owned through a std::unique_ptr. One heap allocation per
// task, one virtual call to run it.
class Task {
public:
    Task() = default;

    template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, Task>>>
    explicit Task(F&& f) : impl_(std::make_unique<Model<std::decay_t<F>>>(std::forward<F>(f))) {}

    Task(Task&&) noexcept = default;
    Task& operator=(Task&&) noexcept = default;

    explicit operator bool() const noexcept { return impl_ != nullptr; }
    void operator()() { impl_->run(); }

private:
    struct Concept {
        virtual ~Concept() = default;
        virtual void run() = 0;
    };
    template <class F>
    struct Model final : Concept {
        explicit Model(F&& f) : fn(std::move(f)) {}
        explicit Model(const F& f) : fn(f) {}
        void run() override { fn(); }
        F fn;
    };
    std::unique_ptr<Concept> impl_;
};

// submit()'s packaging, shared by every pool of the lab: the callable and copies of its arguments
// go into a std::packaged_task, whose future receives the return value or the exception.
template <class F, class... Args>
auto package(F&& f, Args&&... args) {
    using R = std::invoke_result_t<std::decay_t<F>, std::decay_t<Args>...>;
    // Arguments are stored by value (decayed), like std::thread and std::async do: the task may
    // run long after the caller's references have gone.
    std::packaged_task<R()> task(
        [fn = std::forward<F>(f), ... as = std::forward<Args>(args)]() mutable -> R {
            return std::invoke(std::move(fn), std::move(as)...);
        });
    std::future<R> future = task.get_future();
    return std::pair<Task, std::future<R>>(Task(std::move(task)), std::move(future));
}

}  // namespace detail

class ThreadPool {
public:
    // Starts `threads` workers. 0 threads -> std::invalid_argument.
    explicit ThreadPool(std::size_t threads = std::thread::hardware_concurrency());
    // Same as shutdown(): runs every task already accepted, then joins the workers.
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    // Runs f(args...) on a worker. Its result, or the exception it threw, arrives through the
    // returned future. Throws std::runtime_error after shutdown().
    template <class F, class... Args>
    auto submit(F&& f, Args&&... args)
        -> std::future<std::invoke_result_t<std::decay_t<F>, std::decay_t<Args>...>> {
        auto [task, future] = detail::package(std::forward<F>(f), std::forward<Args>(args)...);
        enqueue(std::move(task));
        return std::move(future);
    }

    // Fire and forget. An exception escaping f is caught and counted in failed_tasks(): it never
    // kills a worker. Throws std::runtime_error after shutdown().
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

    // Returns when every task accepted so far has finished (queued ones included). Called from
    // one of this pool's own tasks it would wait for itself forever: throws std::logic_error.
    void wait_idle();

    // Stops accepting new tasks, finishes every accepted task, joins the workers. Idempotent.
    // (While it drains, the pool's own tasks may still submit: their children are accepted work.)
    // Called from one of this pool's own tasks it would join itself: throws std::logic_error.
    void shutdown();

    std::size_t size() const noexcept;
    // Number of post()ed tasks that ended with an exception.
    std::size_t failed_tasks() const noexcept;

private:
    // Implemented in thread_pool.cpp (the exercise).
    void enqueue(detail::Task task);  // hand one task to the workers
    void record_failure() noexcept;   // a post()ed task threw

    struct State;  // the queue, the lock, the workers...: see thread_pool.cpp
    std::unique_ptr<State> state_;
};

}  // namespace oslab
