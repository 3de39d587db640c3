// Lab 2, stretch part: a pool with one queue per worker and work stealing.
// Do the main lab first. Then read the README's "Step 7 (stretch): Work stealing".
#include "oslab/stealing_thread_pool.hpp"

#include "oslab/not_implemented.hpp"

namespace oslab {

// TODO(student): Step 7 (stretch). Your design's shared state: for instance one
// {mutex, deque<detail::Task>} per worker, the workers, an atomic count of unfinished tasks,
// a count of sleeping workers and the mutex + condition variables they sleep on.
struct StealingThreadPool::State {};

StealingThreadPool::StealingThreadPool(std::size_t threads) {
    // TODO(student): Step 7 (stretch). Start the workers; each pops from its own queue first,
    // then steals from the others, and sleeps only when every queue is empty.
    OSLAB_TODO("start the per-worker queues and their workers", "Step 7 (stretch): Work stealing");
}

StealingThreadPool::~StealingThreadPool() = default;  // TODO(student): shut down first

void StealingThreadPool::enqueue(detail::Task task) {
    // TODO(student): Step 7 (stretch). From a worker: its own queue. From outside: round robin.
    // Then wake a sleeper only if there is one (and mind the lost wake-up: see the README).
    OSLAB_TODO("push into a worker's queue", "Step 7 (stretch): Work stealing");
}

void StealingThreadPool::record_failure() noexcept {}  // TODO(student): Step 7 (stretch)

void StealingThreadPool::wait_idle() {
    OSLAB_TODO("wait until every accepted task has finished", "Step 7 (stretch): Work stealing");
}

void StealingThreadPool::shutdown() {
    OSLAB_TODO("stop, drain every queue, join", "Step 7 (stretch): Work stealing");
}

std::size_t StealingThreadPool::size() const noexcept {
    return 0;
}  // TODO(student)

std::size_t StealingThreadPool::failed_tasks() const noexcept {
    return 0;
}  // TODO(student)

}  // namespace oslab
