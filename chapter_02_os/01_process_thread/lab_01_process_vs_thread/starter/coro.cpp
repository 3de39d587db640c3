// Lab 1, Step 5: a cooperative scheduler for C++20 coroutines, and a token passed between two.
// Read README.md, "Step 5: Coroutines" and the diagram at the top of oslab/coro.hpp.
#include "oslab/coro.hpp"

#include <stdexcept>

#include "oslab/byte_pipe.hpp"
#include "oslab/not_implemented.hpp"
#include "oslab/sys_error.hpp"

namespace oslab {

// Scheduler::~Scheduler and Scheduler::wait_for_io (the poll() part) are in given/scheduler_io.cpp.

// ---- The switch: where a suspended coroutine goes ------------------------------------------

void YieldAwaiter::await_suspend(Task::Handle handle) {
    // TODO(student): the coroutine is already suspended (its state is in its frame). Put its
    // handle at the back of scheduler->ready_. One line.
    OSLAB_TODO("queue a yielding coroutine", "Step 5: Coroutines");
}

void ReadableAwaiter::await_suspend(Task::Handle handle) {
    // TODO(student): remember (fd, handle) in scheduler->waiting_; wait_for_io() will move it to
    // the ready queue once fd is readable. One line.
    OSLAB_TODO("park a coroutine until its fd is readable", "Step 5: Coroutines");
}

// ---- The run loop ---------------------------------------------------------------------------

void Scheduler::run() {
    // TODO(student): while some task is ready or waiting:
    //   - nothing ready -> wait_for_io(), and loop again;
    //   - else pop the front handle, ++resumes_, handle.resume() (runs it up to its next
    //     co_await), and if handle.done(): take handle.promise().exception, destroy() the frame,
    //     and rethrow the exception if there was one.
    OSLAB_TODO("the run loop of the user-level scheduler", "Step 5: Coroutines");
}

// ---- The token ------------------------------------------------------------------------------

std::chrono::duration<double, std::nano> pass_token_coroutines(std::size_t round_trips,
                                                               TokenChannel channel) {
    // TODO(student): round_trips == 0 -> std::invalid_argument.
    // Write two coroutines (free functions in an anonymous namespace returning Task; take the
    // Scheduler and shared state by reference, they outlive run()):
    //   memory: a shared `int holder`; each player does round_trips times:
    //             while (holder != me) co_await scheduler.yield();  holder = other;
    //   pipe:   two pipes (make_pipe()); player A round_trips times: write_byte(to_b);
    //             co_await scheduler.readable(from_b); read_byte(from_b);
    //           player B: co_await readable(from_a); read_byte; write_byte(to_a).
    // spawn both, time scheduler.run(), return elapsed / round_trips.
    OSLAB_TODO("pass a token between two coroutines", "Step 5: Coroutines");
}

}  // namespace oslab
