// Lab 2 reference, stretch part: per-worker queues with work stealing.
//
// The simple pool's cost on tiny tasks is its one lock: the producer and every worker take it for
// every task, so the cache line holding the mutex bounces between cores and threads queue up on
// it. Here each worker owns a deque with its own mutex; a lock is shared by at most a producer and
// one worker (plus a thief now and then). What stays shared is kept off the hot path:
//   unfinished    one atomic counter (wait_idle, and the exit condition of the drain)
//   sleepers      read by producers; written only when a worker goes to sleep or wakes up
//   wake_epoch    what sleeping workers wait on (an atomic wait: no lock for the producer)
//   wake_pending  a wake-up is on its way: producers need not send another
// Idle workers do not spin before sleeping: tried, it did not measurably help on 2 shared vCPUs,
// where a spinning worker takes the CPU the producer needs (see the README).
//
// Correctness: the invariant that rules out a lost wake-up is
//   (I) every accepted task that has not started is in some worker's queue, where every worker
//       can see it; and while one is queued and a worker sleeps, some worker is awake and will
//       scan the queues, or a wake-up is pending that will make one do so.
// Three rules keep (I):
//   1. A worker runs a task only after every other task it took is back in its own queue: a
//      thief moves what it steals into its own deque (where others may steal it again), and an
//      owner pops one task at a time. No task waits behind another in private hands, so a task
//      that waits for a sibling cannot block it away from an idle worker.
//   2. A producer that sees a sleeper and no pending wake-up sets wake_pending and wakes one.
//   3. Wake chaining: one pending wake-up may stand for many tasks (rule 2 skipped the others),
//      so the worker it wakes clears wake_pending, takes a task, and, if more tasks are
//      unfinished than the one it holds while workers still sleep, passes the wake-up on (rule 2
//      again). Without rule 3, two tasks submitted to two sleeping workers wake only one; if the
//      first task waits for the second, the pool hangs with a worker asleep and a task queued.
// Spurious chain links (the other unfinished tasks were running, not queued) cost one futex wake
// and one scan; under full load nobody sleeps and rules 2 and 3 cost one read of `sleepers`.
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
    // The owner's end: the oldest task first (FIFO), one at a time.
    bool pop(detail::Task& out) {
        std::lock_guard lock(mutex);
        if (tasks.empty()) {
            return false;
        }
        out = std::move(tasks.front());
        tasks.pop_front();
        return true;
    }
    // A thief's end: half of what is queued (at least one), from the back, so the owner keeps the
    // oldest tasks.
    std::vector<detail::Task> steal_half() {
        std::lock_guard lock(mutex);
        const std::size_t n = (tasks.size() + 1) / 2;
        std::vector<detail::Task> stolen;
        stolen.reserve(n);
        for (std::size_t i = 0; i < n; ++i) {
            stolen.push_back(std::move(tasks.back()));
            tasks.pop_back();
        }
        return stolen;
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

}  // namespace

struct StealingThreadPool::State {
    explicit State(std::size_t n) : queues(n) {}

    void worker_loop(std::size_t index);
    bool take_task(std::size_t index, detail::Task& out);
    bool sleep_until_woken();
    bool any_queued();
    void finish();
    void wake_one_if_sleeping();
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
    // wake-up, not per task). Cleared by workers as they enter and leave the sleep path; the
    // worker that leaves passes the wake-up on while work remains (rule 3 above).
    std::atomic<bool> wake_pending{false};

    std::mutex idle_mutex;  // wait_idle() sleeps on `idle` with it
    std::condition_variable idle;
    std::mutex join_mutex;
};

bool StealingThreadPool::State::take_task(std::size_t index, detail::Task& out) {
    if (queues[index].pop(out)) {
        return true;
    }
    // Steal: visit the other queues starting after our own, so thieves spread out.
    for (std::size_t k = 1; k < queues.size(); ++k) {
        std::vector<detail::Task> stolen = queues[(index + k) % queues.size()].steal_half();
        if (stolen.empty()) {
            continue;
        }
        out = std::move(stolen.back());  // the oldest of the stolen ones: run it now
        stolen.pop_back();
        if (!stolen.empty()) {
            for (detail::Task& task : stolen) {  // rule 1: the rest stay where others see them
                queues[index].push(std::move(task));
            }
            wake_one_if_sleeping();  // there is more to steal now
        }
        return true;
    }
    return false;
}

void StealingThreadPool::State::wake_one_if_sleeping() {
    // Test, then test-and-set: the plain loads keep the lines shared while nobody sleeps.
    if (sleepers.load() > 0 && !wake_pending.load() && !wake_pending.exchange(true)) {
        wake_one();
    }
}

bool StealingThreadPool::State::any_queued() {
    for (WorkerQueue& q : queues) {
        if (!q.empty()) {
            return true;
        }
    }
    return false;
}

void StealingThreadPool::State::finish() {
    if (unfinished.fetch_sub(1) == 1) {
        // Last unfinished task: wake wait_idle() and, during a drain, the workers waiting to exit.
        // Taking idle_mutex (even empty-handed) orders this notify after any waiter's check.
        { std::lock_guard lock(idle_mutex); }
        idle.notify_all();
        if (stopping.load()) {
            wake_all();
        }
    }
}

// Sleeps until a producer (or another worker) bumps wake_epoch. Returns false when the pool is
// drained and stopping: the worker exits. The order of the steps is the argument (all seq_cst):
//   we:        read epoch -> sleepers++ -> look at the queues -> wait(epoch unchanged)
//   producer:  push task  -> read sleepers -> if > 0: bump epoch, notify
// Either we see the task when we look, or the producer sees us in `sleepers` and bumps the epoch;
// if that bump comes before our wait(), wait() returns at once because the epoch is no longer the
// value we read. No lock, and still no lost wake-up.
bool StealingThreadPool::State::sleep_until_woken() {
    wake_pending.store(false);  // any earlier wake-up has been delivered (to us or another)
    const std::uint32_t seen = wake_epoch.load();
    sleepers.fetch_add(1);
    if (!any_queued()) {
        if (stopping.load() && unfinished.load() == 0) {
            sleepers.fetch_sub(1);
            return false;  // drained: nothing queued, nothing running, nothing more may come
        }
        wake_epoch.wait(seen);  // futex(FUTEX_WAIT) while wake_epoch == seen
    }
    sleepers.fetch_sub(1);
    // We are up and will scan every queue: a later submit may send the next wake-up.
    wake_pending.store(false);
    return true;
}

void StealingThreadPool::State::worker_loop(std::size_t index) {
    current_worker = {this, index};
    bool just_woken = false;
    for (;;) {
        detail::Task task;
        if (take_task(index, task)) {
            if (just_woken && unfinished.load() > 1) {
                wake_one_if_sleeping();  // rule 3: the wake-up we got may have stood for more
            }
            just_woken = false;
            try {
                task();
            } catch (...) {
                failed.fetch_add(1, std::memory_order_relaxed);
            }
            task = detail::Task();  // destroy the callable before the task counts as finished
            finish();
            continue;
        }
        if (!sleep_until_woken()) {
            return;
        }
        just_woken = true;
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
            s.finish();
            throw std::runtime_error("StealingThreadPool: submit/post after shutdown()");
        }
        const std::size_t i =
            s.next_queue.fetch_add(1, std::memory_order_relaxed) % s.queues.size();
        s.queues[i].push(std::move(task));
    }
    s.wake_one_if_sleeping();  // rule 2: only if one sleeps and no wake-up is on its way
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
