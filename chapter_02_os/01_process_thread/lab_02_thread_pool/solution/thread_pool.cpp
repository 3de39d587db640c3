// Lab 2 reference: a fixed-size thread pool on one shared queue.
//
// The whole design is one mutex protecting one std::deque, and two condition variables:
//   work_available  workers sleep on it while the queue is empty (futex wait: 0 % CPU)
//   idle            wait_idle() sleeps on it until `unfinished` drops to zero
// Every shared field below is read and written with `mutex` held; that single rule is what makes
// the pool correct (and, with one producer and 2 workers, it is also where the time goes).
#include "oslab/thread_pool.hpp"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace oslab {

struct ThreadPool::State {
    explicit State(std::size_t n) : threads(n) {}

    void worker_loop();

    const std::size_t threads;
    std::mutex mutex;                        // guards everything down to `stopping`
    std::condition_variable work_available;  // queue non-empty, or stopping
    std::condition_variable idle;            // unfinished == 0
    std::deque<detail::Task> queue;          // accepted, not yet started (FIFO)
    std::size_t unfinished = 0;              // accepted, not yet finished: queued + running
    bool stopping = false;                   // shutdown() was called: refuse outside submits

    std::atomic<std::size_t> failed{0};  // post()ed tasks that threw (read without the lock)
    std::mutex join_mutex;               // two threads calling shutdown(): one joins at a time
    std::vector<std::thread> workers;
};

namespace {
// Which pool's worker is this thread? Set once at the top of worker_loop. It answers "is the
// caller one of my own tasks?" (wait_idle/shutdown would deadlock; submit during a drain is fine)
// without any locking: every thread has its own copy of a thread_local variable.
thread_local const void* current_pool = nullptr;
}  // namespace

void ThreadPool::State::worker_loop() {
    current_pool = this;
    std::unique_lock lock(mutex);
    for (;;) {
        // The predicate loop: wait() may return without a notify (a spurious wake-up), and by the
        // time a woken worker holds the lock another one may have taken the task already. So we
        // re-check the condition after every wake-up; the predicate overload is exactly
        //     while (!(stopping || !queue.empty())) work_available.wait(lock);
        // Checking under the lock is also what prevents the lost wake-up: a producer cannot push
        // and notify between our check and our going to sleep, because it needs the lock to push.
        work_available.wait(lock, [this] { return stopping || !queue.empty(); });
        if (queue.empty()) {
            return;  // stopping and nothing left to run: the drain is complete
        }
        detail::Task task = std::move(queue.front());
        queue.pop_front();

        lock.unlock();  // never run user code with the lock held: it would serialise the pool
        try {
            task();  // submit() tasks store exceptions in their future, post() tasks count them
        } catch (...) {
            failed.fetch_add(1, std::memory_order_relaxed);  // defensive: a wrapper never throws
        }
        task = detail::Task();  // destroy the callable (and its captures) before we say "finished"
        lock.lock();

        if (--unfinished == 0) {
            idle.notify_all();  // wake every wait_idle(); cheap when nobody waits
        }
    }
}

ThreadPool::ThreadPool(std::size_t threads) {
    if (threads == 0) {
        throw std::invalid_argument("ThreadPool: the number of threads must be at least 1");
    }
    state_ = std::make_unique<State>(threads);
    state_->workers.reserve(threads);
    try {
        for (std::size_t i = 0; i < threads; ++i) {
            // std::thread -> pthread_create -> clone(CLONE_VM | CLONE_THREAD | ...): a new task
            // in the kernel sharing our address space. Its 8 MiB stack is reserved, not touched.
            state_->workers.emplace_back([s = state_.get()] { s->worker_loop(); });
        }
    } catch (...) {
        shutdown();  // e.g. EAGAIN from clone: join the workers already started, then rethrow
        throw;
    }
}

ThreadPool::~ThreadPool() {
    shutdown();
}

void ThreadPool::enqueue(detail::Task task) {
    State& s = *state_;
    {
        std::lock_guard lock(s.mutex);
        // After shutdown() the pool refuses work, except from its own running tasks: their
        // children belong to work that was already accepted, and a worker is alive to run them.
        if (s.stopping && current_pool != &s) {
            throw std::runtime_error("ThreadPool: submit/post after shutdown()");
        }
        s.queue.push_back(std::move(task));
        ++s.unfinished;
    }
    // Notify after unlocking: the woken worker can take the lock at once instead of waking up
    // only to block on a mutex we still hold. No wake-up can be lost: the state changed under
    // the lock, so a worker either saw the task before sleeping or is already asleep now.
    s.work_available.notify_one();
}

void ThreadPool::record_failure() noexcept {
    state_->failed.fetch_add(1, std::memory_order_relaxed);
}

void ThreadPool::wait_idle() {
    State& s = *state_;
    if (current_pool == &s) {
        throw std::logic_error(
            "ThreadPool::wait_idle() called from one of the pool's own tasks: "
            "it would wait for itself forever");
    }
    std::unique_lock lock(s.mutex);
    s.idle.wait(lock, [&s] { return s.unfinished == 0; });
}

void ThreadPool::shutdown() {
    State& s = *state_;
    if (current_pool == &s) {
        throw std::logic_error(
            "ThreadPool::shutdown() called from one of the pool's own tasks: "
            "a worker cannot join itself");
    }
    std::lock_guard join_lock(s.join_mutex);
    {
        std::lock_guard lock(s.mutex);
        s.stopping = true;
    }
    s.work_available.notify_all();  // every sleeping worker must see `stopping`
    for (std::thread& worker : s.workers) {
        if (worker.joinable()) {
            worker.join();  // pthread_join: waits for the worker to leave worker_loop (futex)
        }
    }
    s.workers.clear();  // the second shutdown() finds nothing to join: idempotent
}

std::size_t ThreadPool::size() const noexcept {
    return state_->threads;
}

std::size_t ThreadPool::failed_tasks() const noexcept {
    return state_->failed.load(std::memory_order_relaxed);
}

}  // namespace oslab
