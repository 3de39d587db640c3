// Lab 2: your thread pool, built from scratch. The README's Steps say what each step must make
// true, and `scripts/lab check 2 --step K` runs the tests of step K.
//
// Given: the header (the move-only detail::Task, and submit/post turning any callable into one
// and wiring results and exceptions into a future). Yours: everything below, including the
// private State, which is empty on purpose. The tests use only the public contract.
#include "oslab/thread_pool.hpp"

#include <stdexcept>

#include "oslab/not_implemented.hpp"

namespace oslab {

// Everything the workers and the callers share: your design. Add the fields (and helpers) you
// need. Whatever you choose, it must make possible:
//   - workers that sleep while there is nothing to run, blocked in the kernel (0 % CPU), and that
//     wake for every task;
//   - counting the accepted tasks that have not finished yet (queued or running): wait_idle;
//   - telling whether the calling thread is one of *this* pool's workers: wait_idle and shutdown
//     from inside a task must throw, and a draining pool still accepts its own tasks' children;
//   - shutdown() from two threads at once, and twice.
// It lives behind a std::unique_ptr: its address never changes, so workers may keep a pointer.
struct ThreadPool::State {};

// The workers are yours too (a member function of State, a lambda: your choice).
// Contract: a worker runs each accepted task exactly once, with no lock of the pool held (a task
//   may take long, may submit tasks, may wait at a latch for other tasks); a task is destroyed
//   before it counts as finished; a throwing task never ends the worker (post() and submit()
//   already catch, but a worker that dies takes the process with it: an exception leaving a
//   thread's function calls std::terminate). A worker leaves only when shutdown has begun and no
//   accepted task is left to start (the drain, Step 2).
// OS facts: an idle worker must be blocked in std::condition_variable::wait (a futex(2) wait: the
//   kernel does not schedule it), not spinning or polling with a timeout. wait() may return with
//   nobody having notified (a spurious wake-up, allowed by pthread_cond_wait(3p)), and a notified
//   worker may find that another one took the task first.
// Think: after a return from wait(), what may a worker assume about the queue? Which of your
//   fields may be read or written without the mutex, and what could a worker miss if one were?

ThreadPool::ThreadPool(std::size_t threads) {
    // TODO(student): Step 1.
    // Contract: starts `threads` workers; threads == 0 throws std::invalid_argument. Afterwards
    //   size() == threads, and every worker sleeps until there is work or a shutdown.
    // Errors: std::thread throws std::system_error when the kernel refuses a thread (EAGAIN from
    //   clone(2), see pthread_create(3)); the exception must leave no thread behind.
    // OS facts: a std::thread destroyed while still joinable calls std::terminate; a constructor
    //   that throws runs no destructor, so ~ThreadPool will not clean up for you.
    // Think: the third thread fails to start. What must happen to the two already running before
    //   the exception leaves the constructor?
    OSLAB_TODO("start the workers, asleep until there is work", "Step 1: Start and stop");
}

ThreadPool::~ThreadPool() {
    shutdown();  // given: the contract says the destructor is shutdown()
}

void ThreadPool::enqueue(detail::Task task) {
    // TODO(student): Step 2, completed in Step 4. submit() and post() end here.
    // Contract: the task runs exactly once, on a worker, never on the calling thread; any number
    //   of threads may enqueue at once, and so may running tasks. It counts as unfinished from
    //   now until it has run and been destroyed (wait_idle, Step 3).
    // Errors (Step 4): once shutdown() has begun, throws std::runtime_error, except when the
    //   caller is one of this pool's own tasks: its children belong to work already accepted.
    // OS facts: notify_one() wakes at most one thread that is *already* waiting; a notification
    //   nobody waits for is not remembered (pthread_cond_signal(3p)). Each wake-up of a sleeping
    //   worker is a futex(2) FUTEX_WAKE system call.
    // Think: a worker has just found nothing to do and is about to sleep when you add this task.
    //   What in your design guarantees it does not sleep through it? Why may you notify after
    //   unlocking?
    OSLAB_TODO("hand a task to the workers", "Step 2: Running tasks");
}

void ThreadPool::record_failure() noexcept {
    // TODO(student): Step 5. Called by post()'s wrapper, on a worker, when a posted task threw.
    // Contract: counts one failure; safe from every worker at once, without the pool's mutex.
    // (noexcept: it cannot throw "not implemented". Until you write it, nothing is counted.)
}

void ThreadPool::wait_idle() {
    // TODO(student): Step 3.
    // Contract: returns once every task accepted so far has finished (run and destroyed): queued
    //   ones, running ones, and the children they submit before they finish. On an idle pool, or
    //   after shutdown(), it returns at once. Any number of threads may wait at once.
    // Errors: called from one of this pool's own tasks it would wait for itself (the caller is
    //   unfinished while it waits): throws std::logic_error.
    // OS facts: a thread_local variable has one instance per thread, so each worker can record
    //   which pool it belongs to, and any code on that thread can read it without a lock.
    // Think: why is "the queue is empty" not the same as "idle"? Which thread knows the moment
    //   the pool becomes idle, and how does it tell the waiters?
    OSLAB_TODO("wait until every accepted task has finished", "Step 3: Waiting for idle");
}

void ThreadPool::shutdown() {
    // TODO(student): Step 1, completed in Step 4.
    // Contract: stops accepting, runs every task already accepted (Step 2: the drain), joins every
    //   worker, then returns. Idempotent (the destructor calls it again), and safe when two
    //   threads call it at once.
    // Errors (Step 4): called from one of this pool's own tasks: throws std::logic_error (a thread
    //   cannot join itself: pthread_join(3) reports EDEADLK).
    // OS facts: std::thread::join is pthread_join(3): the caller sleeps until that thread has
    //   returned from its function. notify_one wakes one waiter, notify_all every waiter.
    // Think: a worker checked "shutting down?" a moment before you set the flag, and is about to
    //   sleep. What makes sure it still wakes up and leaves? (The 1000-pools test hunts for it.)
    OSLAB_TODO("stop the workers, let them finish what was accepted, join them",
               "Step 1: Start and stop");
}

std::size_t ThreadPool::size() const noexcept {
    // TODO(student): Step 1. The number of workers the pool was built with.
    return 0;
}

std::size_t ThreadPool::failed_tasks() const noexcept {
    // TODO(student): Step 5. The number of post()ed tasks that ended with an exception (a
    // submit()ed task's exception belongs to its future, not to this count).
    return 0;
}

}  // namespace oslab
