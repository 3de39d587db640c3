// Lab 2: your thread pool. Read the README's Steps first; the tests say what is still missing.
//
// Given: the header (the task type, submit/post wrapping callables into tasks) and the State
// below: one mutex that protects the queue and the counters, and two condition variables.
// Yours: the concurrency, every function marked TODO(student).
#include "oslab/thread_pool.hpp"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "oslab/not_implemented.hpp"

namespace oslab {

// Everything the pool shares between threads. Rule: read or write a field only with `mutex` held
// (except `failed`, an atomic, and `threads`, which never changes). You may add fields.
struct ThreadPool::State {
    explicit State(std::size_t n) : threads(n) {}

    void worker_loop();  // what every worker thread runs

    const std::size_t threads;
    std::mutex mutex;                        // guards queue, unfinished, stopping
    std::condition_variable work_available;  // "the queue is not empty, or we are stopping"
    std::condition_variable idle;            // "unfinished dropped to 0"
    std::deque<detail::Task> queue;          // accepted tasks not started yet, FIFO
    std::size_t unfinished = 0;              // accepted tasks not finished yet (queued + running)
    bool stopping = false;                   // shutdown() has begun

    std::atomic<std::size_t> failed{0};  // post()ed tasks that threw
    std::mutex join_mutex;               // lets two threads call shutdown() safely
    std::vector<std::thread> workers;
};

namespace {
// Set to the State's address by each worker at the start of worker_loop: then
// `current_pool == state_.get()` tells whether the caller is one of this pool's own tasks.
thread_local const void* current_pool = nullptr;
}  // namespace

void ThreadPool::State::worker_loop() {
    // TODO(student): Step 2. Remember who you are (current_pool = this), then loop:
    //   - take the lock and wait on work_available until there is a task or `stopping` is set.
    //     Use the predicate form of wait(): see the hints on spurious and lost wake-ups;
    //   - queue empty (so we are stopping and the drain is done): return;
    //   - move the front task out of the queue, UNLOCK, run it, destroy it, LOCK again;
    //   - one task less unfinished; if none is left, wake wait_idle() (Step 5).
    // Never run a task with the mutex held: every other thread would wait for it.
    OSLAB_TODO("the worker loop: wait for a task, run it outside the lock", "Step 2: Workers");
}

ThreadPool::ThreadPool(std::size_t threads) {
    // TODO(student): Step 2.
    //   - threads == 0: throw std::invalid_argument;
    //   - state_ = std::make_unique<State>(threads);
    //   - start `threads` std::threads running state_->worker_loop() (capture the State pointer);
    //   - if starting one throws (the kernel may refuse: EAGAIN), shut down the ones already
    //     started before rethrowing, or their std::thread destructors call std::terminate.
    OSLAB_TODO("check the thread count and start the workers", "Step 2: Workers");
}

ThreadPool::~ThreadPool() {
    shutdown();
}

void ThreadPool::enqueue(detail::Task task) {
    // TODO(student): Step 1, then Step 4.
    //   - with the lock held: push the task at the back of the queue, count it as unfinished;
    //   - wake one sleeping worker (notify after unlocking is fine, and a little faster: why is
    //     no wake-up lost?);
    //   - Step 4: once `stopping` is set, throw std::runtime_error, except when the caller is one
    //     of this pool's own tasks (it may add children while the pool drains).
    OSLAB_TODO("push a task into the queue and wake a worker", "Step 1: The queue");
}

void ThreadPool::record_failure() noexcept {
    // TODO(student): Step 6. Count one failed post()ed task. (This function is noexcept, so it
    // cannot throw "not implemented": until you write it, the errors test sees 0 failures.)
}

void ThreadPool::wait_idle() {
    // TODO(student): Step 5.
    //   - called from one of this pool's own tasks: throw std::logic_error (it would wait for
    //     itself: `unfinished` cannot reach 0 while the caller runs);
    //   - otherwise wait on `idle` until unfinished == 0.
    OSLAB_TODO("wait until every accepted task has finished", "Step 5: Waiting for idle");
}

void ThreadPool::shutdown() {
    // TODO(student): Step 4.
    //   - called from one of this pool's own tasks: throw std::logic_error (cannot join itself);
    //   - hold join_mutex for the whole function (two callers must not join the same thread);
    //   - set `stopping` WITH THE LOCK HELD, then wake ALL workers: each must see the flag;
    //   - join every worker, then clear the vector so that a second call is a no-op.
    OSLAB_TODO("stop accepting, drain the queue, join the workers", "Step 4: Shutdown");
}

std::size_t ThreadPool::size() const noexcept {
    return state_->threads;
}

std::size_t ThreadPool::failed_tasks() const noexcept {
    // TODO(student): Step 6. Return the count kept by record_failure(). (noexcept: see above.)
    return 0;
}

}  // namespace oslab
