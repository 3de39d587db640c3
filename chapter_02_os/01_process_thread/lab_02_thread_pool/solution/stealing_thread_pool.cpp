// Lab 2 reference, stretch part: per-worker queues with work stealing.
//
// The simple pool's cost on tiny tasks is its one lock: the producer and every worker take it for
// every task, so the cache line holding the mutex bounces between cores and threads queue up on
// it. Here each worker owns a deque with its own mutex; a lock is shared by at most a producer and
// one worker (plus a thief now and then). What stays shared is kept off the hot path:
//   unfinished  one atomic counter (wait_idle, and the exit condition of the drain)
//   sleepers    read by producers; written only when a worker goes to sleep or wakes up
//   wake_epoch  what sleeping workers wait on (an atomic wait: no lock for the producer)
// and a worker takes a small batch from its queue at once (one lock and one counter update per
// batch). Idle workers do not spin before sleeping: tried, it did not measurably help on 2
// shared vCPUs, where a spinning worker takes the CPU the producer needs (see the README).
#include "oslab/stealing_thread_pool.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
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
    // Moves up to `max` tasks from the front into `out` (FIFO), under one lock: the owner takes a
    // small batch at a time so that it locks (and meets the producer on this lock) once per batch,
    // not once per task. A thief takes half of what it finds, at most `max`.
    std::size_t take(std::vector<detail::Task>& out, std::size_t max, bool thief) {
        std::lock_guard lock(mutex);
        std::size_t n = std::min(max, tasks.size());
        if (thief && n > 1) {
            n = std::min(n, tasks.size() / 2);
        }
        for (std::size_t i = 0; i < n; ++i) {
            out.push_back(std::move(tasks.front()));
            tasks.pop_front();
        }
        return n;
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

// The most tasks a worker takes from a queue at once. Small, so that a burst of long tasks is
// still spread over the workers. The price of batching: a batch taken cannot be stolen any more,
// so a task that blocks until a later task of the same batch has run would wait for ever even
// with idle workers around (the simple pool has no such trap; blocking on sibling tasks is risky
// in any pool, and this makes it worse).
constexpr std::size_t kBatch = 16;

}  // namespace

struct StealingThreadPool::State {
    explicit State(std::size_t n) : queues(n) {}

    void worker_loop(std::size_t index);
    bool find_tasks(std::size_t index, std::vector<detail::Task>& out);
    bool any_queued();
    void finish(std::size_t n);
    void wake_one() {
        wake_epoch.fetch_add(1);
        wake_epoch.notify_one();
    }
    void wake_all() {
        wake_epoch.fetch_add(1);
        wake_epoch.notify_all();
    }

    std::vector<WorkerQueue> queues;  // queues[i] belongs to worker i
    std::vector<std::thread> workers;
    alignas(64) std::atomic<std::size_t> next_queue{0};  // round robin for outside submits
    alignas(64) std::atomic<std::size_t> unfinished{0};  // accepted, not finished
    alignas(64) std::atomic<std::size_t> sleepers{0};    // workers inside the sleep path
    std::atomic<bool> stopping{false};
    std::atomic<std::size_t> failed{0};

    // Sleeping workers wait for `wake_epoch` to change (C++20 atomic wait: a futex on Linux).
    // A producer that sees a sleeper bumps it and notifies, without taking any lock.
    alignas(64) std::atomic<std::uint32_t> wake_epoch{0};
    // A wake-up is on its way: further producers need not send another (one futex call per
    // wake-up, not per task). Cleared by workers as they enter and leave the sleep path.
    std::atomic<bool> wake_pending{false};

    std::mutex idle_mutex;  // wait_idle() sleeps on `idle` with it
    std::condition_variable idle;
    std::mutex join_mutex;
};

bool StealingThreadPool::State::find_tasks(std::size_t index, std::vector<detail::Task>& out) {
    if (queues[index].take(out, kBatch, false) > 0) {
        return true;
    }
    // Steal: visit the other queues starting after our own, so thieves spread out.
    for (std::size_t k = 1; k < queues.size(); ++k) {
        if (queues[(index + k) % queues.size()].take(out, kBatch, true) > 0) {
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

void StealingThreadPool::State::finish(std::size_t n) {
    if (unfinished.fetch_sub(n) == n) {
        // Last unfinished task: wake wait_idle() and, during a drain, the workers waiting to exit.
        // Taking idle_mutex (even empty-handed) orders this notify after any waiter's check.
        { std::lock_guard lock(idle_mutex); }
        idle.notify_all();
        if (stopping.load()) {
            wake_all();
        }
    }
}

void StealingThreadPool::State::worker_loop(std::size_t index) {
    current_worker = {this, index};
    std::vector<detail::Task> batch;
    batch.reserve(kBatch);
    for (;;) {
        if (find_tasks(index, batch)) {
            for (detail::Task& task : batch) {
                try {
                    task();
                } catch (...) {
                    failed.fetch_add(1, std::memory_order_relaxed);
                }
                task = detail::Task();
            }
            const std::size_t done = batch.size();
            batch.clear();
            finish(done);  // one atomic update per batch, not per task
            continue;
        }

        // Slow path: sleep until a producer bumps wake_epoch. The order of the steps is the whole
        // correctness argument (all seq_cst):
        //   we:        read epoch -> sleepers++ -> look at the queues -> wait(epoch unchanged)
        //   producer:  push task  -> read sleepers -> if > 0: bump epoch, notify
        // Either we see the task when we look, or the producer sees us in `sleepers` and bumps
        // the epoch; if that bump comes before our wait(), wait() returns at once because the
        // epoch is no longer the value we read. No lock, and still no lost wake-up.
        wake_pending.store(false);  // any earlier wake-up has been delivered (to us or another)
        const std::uint32_t seen = wake_epoch.load();
        sleepers.fetch_add(1);
        if (!any_queued()) {
            if (stopping.load() && unfinished.load() == 0) {
                sleepers.fetch_sub(1);
                return;  // drained: nothing queued, nothing running, nothing more may come
            }
            wake_epoch.wait(seen);  // futex(FUTEX_WAIT) while wake_epoch == seen
        }
        sleepers.fetch_sub(1);
        wake_pending.store(false);  // we are up and will scan every queue: the next one may wake
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
            s.finish(1);
            throw std::runtime_error("StealingThreadPool: submit/post after shutdown()");
        }
        const std::size_t i =
            s.next_queue.fetch_add(1, std::memory_order_relaxed) % s.queues.size();
        s.queues[i].push(std::move(task));
    }
    // Wake a sleeper only if there is one and no wake-up is already on its way.
    // (Test, then test-and-set: the plain load keeps the line shared while a wake-up is pending.)
    if (s.sleepers.load() > 0 && !s.wake_pending.load() && !s.wake_pending.exchange(true)) {
        s.wake_one();
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
    std::unique_lock lock(s.idle_mutex);
    s.idle.wait(lock, [&s] { return s.unfinished.load() == 0; });
}

void StealingThreadPool::shutdown() {
    State& s = *state_;
    if (current_worker.pool == &s) {
        throw std::logic_error(
            "StealingThreadPool::shutdown() called from one of the pool's own tasks");
    }
    std::lock_guard join_lock(s.join_mutex);
    s.stopping.store(true);
    s.wake_all();  // after the store: a worker that wakes up sees `stopping`
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
