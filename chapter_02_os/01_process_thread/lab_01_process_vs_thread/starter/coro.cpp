// Lab 1, Step 5: a cooperative scheduler for C++20 coroutines, and a token passed between two.
// The contract and the diagram are in oslab/coro.hpp; README.md, "Step 5: Coroutines".
#include "oslab/coro.hpp"

#include <stdexcept>

#include "oslab/byte_pipe.hpp"
#include "oslab/not_implemented.hpp"
#include "oslab/sys_error.hpp"

namespace oslab {

// Scheduler::~Scheduler and Scheduler::wait_for_io (the poll() part) are in given/scheduler_io.cpp.

void YieldAwaiter::await_suspend(Task::Handle handle) {
    // TODO(student): Step 5.
    // Contract: `co_await scheduler.yield()` lets every task that is ready now run once before
    //   this one resumes (FIFO: the test checks the interleaving A1 B1 A2 B2 ...).
    // Language facts: when await_suspend runs, the coroutine is already suspended: its locals and
    //   resume point are saved in its heap frame, and `handle` is all it takes to resume it.
    // Think: what does "switching out" of a coroutine cost, compared with a kernel switch?
    OSLAB_TODO("queue a yielding coroutine", "Step 5: Coroutines");
}

void ReadableAwaiter::await_suspend(Task::Handle handle) {
    // TODO(student): Step 5.
    // Contract: `co_await scheduler.readable(fd)` resumes the task only once fd is readable (or
    //   closed). The given wait_for_io() poll()s the waiting list and moves ready tasks back.
    OSLAB_TODO("park a coroutine until its fd is readable", "Step 5: Coroutines");
}

void Scheduler::run() {
    // TODO(student): Step 5.
    // Contract: runs until no task is ready or waiting for I/O; counts every resume (resumes());
    //   destroys the frame of each task as soon as it has finished (ASan's leak check looks);
    //   rethrows the first exception a task let escape (the promise keeps it), and the tasks
    //   left are destroyed with the scheduler.
    // OS facts: when every task waits for I/O, only the kernel can say which fd is ready:
    //   wait_for_io() sleeps in poll(2). Resuming a ready task is a plain call, no system call.
    // Think: why must the frame be destroyed by the scheduler and not by the coroutine itself?
    OSLAB_TODO("the run loop of the user-level scheduler", "Step 5: Coroutines");
}

std::chrono::duration<double, std::nano> pass_token_coroutines(std::size_t round_trips,
                                                               TokenChannel channel) {
    // TODO(student): Step 5.
    // Contract: two coroutines on one Scheduler pass a token A -> B -> A `round_trips` times;
    //   returns the mean round trip. TokenChannel::memory: the token is a shared variable and a
    //   task waits for its turn by yielding; TokenChannel::pipe: each pass is a byte through a
    //   pipe, and a task waits with readable(fd). round_trips == 0 -> std::invalid_argument. No
    //   descriptor is left open (the test counts them), and the memory version never puts the
    //   thread to sleep (the test counts its voluntary context switches).
    // Think: a coroutine's parameters live in its frame. What must it take by reference, and why
    //   is that safe here but not in general?
    OSLAB_TODO("pass a token between two coroutines", "Step 5: Coroutines");
}

}  // namespace oslab
