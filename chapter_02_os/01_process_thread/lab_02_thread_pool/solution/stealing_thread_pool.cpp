// Lab 2 reference, stretch part: per-worker queues with work stealing.
//
// The simple pool's cost on tiny tasks is its one lock: the producer and every worker take it for
// every task, so the cache line holding the mutex bounces between cores and threads queue up on
// it. Here each worker owns a deque with its own mutex; a lock is shared by at most a producer and
// one worker (plus a thief now and then). What stays shared is kept off the hot path:
//   unfinished  one atomic counter (wait_idle, and the exit condition of the drain)
//   sleepers    read by producers; written only when a worker goes to sleep or wakes up
//   sleep_mutex + wake/idle condition variables: the slow path, when there is nothing to do.
#include "oslab/stealing_thread_pool.hpp"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace oslab {

namespace {
// One queue per worker, on its own cache line(s) so two workers' locks never share a line.
struct alignas(64) WorkerQueue {
    std::mutex mutex;
    std::deque<detail::Task> tasks;

    void push(detail::Task task) {
        std::lock_guard lock(mutex);
        tasks.push_back(std::move(task));
    }
    bool try_pop(detail::Task& out) {
        std::lock_guard lock(mutex);
        if (tasks.empty()) {
            return false;
        }
        out = std::move(tasks.front());
        tasks.pop_front();
        return true;
    }
    bool empty() {
        std::lock_guard lock(mutex);
        return tasks.empty();
    }
};

// This thread's pool and queue index, when it is a worker.
struct WorkerIdentity {
    const void* pool = nullptr;
    std::size_t index = 0;
};
thread_local WorkerIdentity current_worker;

// How many rounds an idle worker looks for work (yielding the CPU in between) before it sleeps.
// Going to sleep and being woken costs two futex system calls and a context switch (several µs);
// a short look first catches the next task of a busy producer. Kept small: an idle pool must not
// burn CPU (the "idle pool does not spin" test measures it).
constexpr int kSpinRounds = 16;
}  // namespace

struct StealingThreadPool::State {
    explicit State(std::size_t n) : queues(n) {}

    void worker_loop(std::size_t index);
    bool find_task(std::size_t index, detail::Task& out);
    bool any_queued();
    void finish_one();

    std::vector<WorkerQueue> queues;  // queues[i] belongs to worker i
    std::vector<std::thread> workers;
    alignas(64) std::atomic<std::size_t> next_queue{0};  // round robin for outside submits
    alignas(64) std::atomic<std::size_t> unfinished{0};  // accepted, not finished
    alignas(64) std::atomic<std::size_t> sleepers{0};    // workers inside the sleep path
    std::atomic<bool> stopping{false};
    std::atomic<std::size_t> failed{0};

    std::mutex sleep_mutex;  // the slow path: sleeping, waking, wait_idle, stopping
    std::condition_variable wake;
    std::condition_variable idle;
    std::mutex join_mutex;
};

bool StealingThreadPool::State::find_task(std::size_t index, detail::Task& out) {
    if (queues[index].try_pop(out)) {
        return true;
    }
    // Steal: visit the other queues starting after our own, so thieves spread out.
    for (std::size_t k = 1; k < queues.size(); ++k) {
        if (queues[(index + k) % queues.size()].try_pop(out)) {
            return true;
        }
    }
    return false;
}

bool StealingThreadPool::State::any_queued() {
    for (WorkerQueue& q : queues) {
        if (!q.empty()) {
            return true;
        }
    }
    return false;
}

void StealingThreadPool::State::finish_one() {
    if (unfinished.fetch_sub(1) == 1) {
        // Last unfinished task: wake wait_idle() and, during a drain, the workers waiting to exit.
        // Taking sleep_mutex (even empty-handed) orders this notify after any waiter's check.
        std::lock_guard lock(sleep_mutex);
        idle.notify_all();
        if (stopping.load()) {
            wake.notify_all();
        }
    }
}

void StealingThreadPool::State::worker_loop(std::size_t index) {
    current_worker = {this, index};
    detail::Task task;
    for (;;) {
        bool found = find_task(index, task);
        for (int round = 0; !found && round < kSpinRounds; ++round) {
            std::this_thread::yield();  // sched_yield: let the producer (maybe on our CPU) run
            found = find_task(index, task);
        }
        if (found) {
            try {
                task();
            } catch (...) {
                failed.fetch_add(1, std::memory_order_relaxed);
            }
            task = detail::Task();
            finish_one();
            continue;
        }

        // Slow path: announce that we sleep, then check again. A producer pushes first and reads
        // `sleepers` second; we raise `sleepers` first and look at the queues second. Whatever the
        // interleaving, one of us sees the other: either we find the task, or the producer sees a
        // sleeper and notifies (taking sleep_mutex, so it cannot slip in before our wait()).
        std::unique_lock lock(sleep_mutex);
        sleepers.fetch_add(1);
        for (;;) {
            if (any_queued()) {
                break;
            }
            if (stopping.load() && unfinished.load() == 0) {
                sleepers.fetch_sub(1);
                return;  // drained: nothing queued, nothing running, nothing more may come
            }
            wake.wait(lock);
        }
        sleepers.fetch_sub(1);
    }
}

StealingThreadPool::StealingThreadPool(std::size_t threads) {
    if (threads == 0) {
        throw std::invalid_argument("StealingThreadPool: the number of threads must be at least 1");
    }
    state_ = std::make_unique<State>(threads);
    state_->workers.reserve(threads);
    try {
        for (std::size_t i = 0; i < threads; ++i) {
            state_->workers.emplace_back([s = state_.get(), i] { s->worker_loop(i); });
        }
    } catch (...) {
        shutdown();
        throw;
    }
}

StealingThreadPool::~StealingThreadPool() {
    shutdown();
}

void StealingThreadPool::enqueue(detail::Task task) {
    State& s = *state_;
    // Count the task before it becomes visible, so `unfinished` can never drop below the truth.
    s.unfinished.fetch_add(1);
    if (current_worker.pool == &s) {
        s.queues[current_worker.index].push(std::move(task));  // a child task: our own deque
    } else {
        // Raise `unfinished`, then read `stopping`; shutdown() writes `stopping`, then its workers
        // read `unfinished`. Both seq_cst, so either we see the stop, or the draining workers see
        // our task and wait for it: a task is never accepted and then abandoned.
        if (s.stopping.load()) {
            s.finish_one();
            throw std::runtime_error("StealingThreadPool: submit/post after shutdown()");
        }
        const std::size_t i =
            s.next_queue.fetch_add(1, std::memory_order_relaxed) % s.queues.size();
        s.queues[i].push(std::move(task));
    }
    if (s.sleepers.load() > 0) {
        { std::lock_guard lock(s.sleep_mutex); }
        s.wake.notify_one();
    }
}

void StealingThreadPool::record_failure() noexcept {
    state_->failed.fetch_add(1, std::memory_order_relaxed);
}

void StealingThreadPool::wait_idle() {
    State& s = *state_;
    if (current_worker.pool == &s) {
        throw std::logic_error(
            "StealingThreadPool::wait_idle() called from one of the pool's own tasks");
    }
    std::unique_lock lock(s.sleep_mutex);
    s.idle.wait(lock, [&s] { return s.unfinished.load() == 0; });
}

void StealingThreadPool::shutdown() {
    State& s = *state_;
    if (current_worker.pool == &s) {
        throw std::logic_error(
            "StealingThreadPool::shutdown() called from one of the pool's own tasks");
    }
    std::lock_guard join_lock(s.join_mutex);
    {
        std::lock_guard lock(s.sleep_mutex);
        s.stopping.store(true);
    }
    s.wake.notify_all();
    for (std::thread& worker : s.workers) {
        if (worker.joinable()) {
            worker.join();
        }
    }
    s.workers.clear();
}

std::size_t StealingThreadPool::size() const noexcept {
    return state_->queues.size();
}

std::size_t StealingThreadPool::failed_tasks() const noexcept {
    return state_->failed.load(std::memory_order_relaxed);
}

}  // namespace oslab
