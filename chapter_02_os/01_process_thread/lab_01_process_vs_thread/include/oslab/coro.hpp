// Lab 1, part 4: user-level switching with C++20 coroutines.
//
// A coroutine is a function that can stop in the middle (co_await) and be resumed later. Its
// locals live in a heap-allocated "frame", not on a thread stack, so switching from one coroutine
// to another is a plain function call into the other frame: no system call, no kernel, no saved
// registers beyond those of a call. A *scheduler* in user space decides who runs next:
//
//        ready queue (FIFO)        run(): pop the front, resume it until its next co_await
//      ┌────┬────┬────┐                   yield()       -> back of the ready queue
//      │ A  │ B  │ C  │ ──▶ resume ──▶    readable(fd)  -> waiting list, until poll() says ready
//      └────┴────┴────┘                   co_return     -> done: destroy the frame
//
// Cooperative: a task runs until it co_awaits; nobody preempts it. Single-threaded: one Scheduler
// and its tasks belong to one thread.
#pragma once

#include <chrono>
#include <coroutine>
#include <cstddef>
#include <deque>
#include <exception>
#include <utility>
#include <vector>

namespace oslab {

// The coroutine type of this lab: `Task f(...) { ...; co_await s.yield(); ... }`. (Given: the
// promise type is the compiler's customisation point, boilerplate rather than the lesson.)
class Task {
public:
    struct promise_type {
        std::exception_ptr exception;

        Task get_return_object() { return Task(Handle::from_promise(*this)); }
        // Created suspended: nothing runs until the scheduler resumes it the first time.
        std::suspend_always initial_suspend() noexcept { return {}; }
        // Suspended at the end too, so the frame stays alive until the scheduler has seen done()
        // and collected the exception; the scheduler then destroy()s it.
        std::suspend_always final_suspend() noexcept { return {}; }
        void return_void() noexcept {}
        void unhandled_exception() noexcept { exception = std::current_exception(); }
    };
    using Handle = std::coroutine_handle<promise_type>;

    Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
    Task& operator=(Task&& other) noexcept {
        if (this != &other) {
            if (handle_) handle_.destroy();
            handle_ = std::exchange(other.handle_, {});
        }
        return *this;
    }
    Task(const Task&) = delete;
    Task& operator=(const Task&) = delete;
    ~Task() {
        if (handle_) handle_.destroy();
    }

    // Gives the frame to the caller (the scheduler), who must destroy() it.
    Handle release() noexcept { return std::exchange(handle_, {}); }

private:
    explicit Task(Handle handle) noexcept : handle_(handle) {}
    Handle handle_;
};

class Scheduler;

// co_await scheduler.yield(): go to the back of the ready queue, let the others run.
struct YieldAwaiter {
    Scheduler* scheduler;
    bool await_ready() const noexcept { return false; }
    void await_suspend(Task::Handle handle);
    void await_resume() const noexcept {}
};

// co_await scheduler.readable(fd): sleep until fd has data to read (or is closed).
struct ReadableAwaiter {
    Scheduler* scheduler;
    int fd;
    bool await_ready() const noexcept { return false; }
    void await_suspend(Task::Handle handle);
    void await_resume() const noexcept {}
};

class Scheduler {
public:
    Scheduler() = default;
    ~Scheduler();  // destroys the frames of tasks that never finished (e.g. after an exception)
    Scheduler(const Scheduler&) = delete;
    Scheduler& operator=(const Scheduler&) = delete;

    // Adds a task at the back of the ready queue. It starts when run() reaches it.
    void spawn(Task task) { ready_.push_back(task.release()); }

    // Runs until every task has finished. Rethrows the first exception a task let escape (the
    // remaining tasks are destroyed with the scheduler).
    void run();

    YieldAwaiter yield() noexcept { return YieldAwaiter{this}; }
    ReadableAwaiter readable(int fd) noexcept { return ReadableAwaiter{this, fd}; }

    // How many times run() resumed a task: the number of user-level switches.
    std::size_t resumes() const noexcept { return resumes_; }

private:
    friend struct YieldAwaiter;
    friend struct ReadableAwaiter;

    struct Waiter {
        int fd;
        Task::Handle handle;
    };

    // Blocks in poll() until at least one waiting fd is readable, then moves the tasks waiting on
    // ready fds to the ready queue. Here the kernel comes back into the picture. (Given.)
    void wait_for_io();

    std::deque<Task::Handle> ready_;
    std::vector<Waiter> waiting_;
    std::size_t resumes_ = 0;
};

// How the token travels between the two coroutines.
enum class TokenChannel {
    memory,  // a shared variable: each pass is just a switch in user space
    pipe,    // a byte through a pipe: each pass is write() + poll() + read(), the kernel is back
};

// Two coroutines on one Scheduler pass a token back and forth `round_trips` times (A -> B -> A
// is one round trip). Returns the mean time of one round trip. round_trips == 0 is
// std::invalid_argument.
std::chrono::duration<double, std::nano> pass_token_coroutines(
    std::size_t round_trips, TokenChannel channel = TokenChannel::memory);

}  // namespace oslab
