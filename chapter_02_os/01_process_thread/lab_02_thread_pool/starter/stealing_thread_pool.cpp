// Lab 2, stretch part: a pool with one queue per worker and work stealing. Do the main lab first,
// then read the README's "Step 6 (stretch): Work stealing". Same public contract as ThreadPool
// (oslab/thread_pool.hpp); the tests are the same, in the suite StretchStealingThreadPool.
#include "oslab/stealing_thread_pool.hpp"

#include <stdexcept>

#include "oslab/not_implemented.hpp"

namespace oslab {

// Your design. It must make possible:
//   - a task submitted from outside reaching some worker's queue without a lock that every
//     worker takes, and a task submitted by a running task staying on that worker's queue;
//   - a worker whose queue is empty finding the tasks queued elsewhere before it sleeps;
//   - sleeping without a lost wake-up although no single mutex guards "all the queues": while a
//     task is queued and a worker sleeps, some worker must be awake and about to look, or a
//     wake-up must be on its way (C++20 std::atomic::wait/notify are futex(2) waits too);
//   - everything ThreadPool's State makes possible (idle count, "am I one of its workers?",
//     shutdown from two threads).
// Think: a worker takes several tasks at once and runs them one by one. One of them waits for
//   another of the same batch. What do the idle workers see?
struct StealingThreadPool::State {};

StealingThreadPool::StealingThreadPool(std::size_t threads) {
    // TODO(student): Step 6 (stretch). Contract as ThreadPool::ThreadPool.
    OSLAB_TODO("start the workers and their queues", "Step 6 (stretch): Work stealing");
}

StealingThreadPool::~StealingThreadPool() {
    shutdown();  // given: the destructor is shutdown(), as for ThreadPool
}

void StealingThreadPool::enqueue(detail::Task task) {
    // TODO(student): Step 6 (stretch). Contract as ThreadPool::enqueue.
    // Think: when may a producer skip waking a worker, and what must then still wake one?
    OSLAB_TODO("hand a task to a worker's queue", "Step 6 (stretch): Work stealing");
}

void StealingThreadPool::record_failure() noexcept {
    // TODO(student): Step 6 (stretch). Contract as ThreadPool::record_failure.
}

void StealingThreadPool::wait_idle() {
    // TODO(student): Step 6 (stretch). Contract as ThreadPool::wait_idle.
    OSLAB_TODO("wait until every accepted task has finished", "Step 6 (stretch): Work stealing");
}

void StealingThreadPool::shutdown() {
    // TODO(student): Step 6 (stretch). Contract as ThreadPool::shutdown: every queue drained.
    OSLAB_TODO("stop, drain every queue, join", "Step 6 (stretch): Work stealing");
}

std::size_t StealingThreadPool::size() const noexcept {
    // TODO(student): Step 6 (stretch).
    return 0;
}

std::size_t StealingThreadPool::failed_tasks() const noexcept {
    // TODO(student): Step 6 (stretch).
    return 0;
}

}  // namespace oslab
