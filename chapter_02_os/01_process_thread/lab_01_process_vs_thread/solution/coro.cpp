// Reference: a cooperative scheduler for C++20 coroutines, and a token passed between two of them.
#include "oslab/coro.hpp"

#include <stdexcept>

#include "oslab/byte_pipe.hpp"
#include "oslab/sys_error.hpp"

namespace oslab {

// Scheduler::~Scheduler and Scheduler::wait_for_io (the poll() part) are in given/scheduler_io.cpp.

// ---- The switch: where a suspended coroutine goes ------------------------------------------

// By the time await_suspend runs, the compiler has already saved everything the coroutine needs
// (its locals and where to continue) in its frame. "Switching out" is just remembering the handle.
void YieldAwaiter::await_suspend(Task::Handle handle) {
    scheduler->ready_.push_back(handle);
}

void ReadableAwaiter::await_suspend(Task::Handle handle) {
    scheduler->waiting_.push_back(Scheduler::Waiter{fd, handle});
}

// ---- The run loop: the whole "kernel" of a user-level scheduler ----------------------------

void Scheduler::run() {
    while (!ready_.empty() || !waiting_.empty()) {
        if (ready_.empty()) {  // every task waits for I/O: only the kernel can help now
            wait_for_io();
            continue;
        }
        const Task::Handle handle = ready_.front();
        ready_.pop_front();
        ++resumes_;
        handle.resume();  // an ordinary call: returns at the task's next co_await or at its end
        if (handle.done()) {
            const std::exception_ptr error = handle.promise().exception;
            handle.destroy();  // the frame is ours (Task::release): free it exactly once
            if (error) std::rethrow_exception(error);
        }
    }
}

// ---- The token ------------------------------------------------------------------------------

namespace {

struct Table {
    int holder = 0;  // who has the token: player 0 or player 1
};

// Each pass: wait (yielding) until the token is mine, hand it to the other player.
Task pass_in_memory(Scheduler& scheduler, Table& table, int me, std::size_t passes) {
    for (std::size_t i = 0; i < passes; ++i) {
        while (table.holder != me)
            co_await scheduler.yield();
        table.holder = 1 - me;
    }
}

// Player 0 starts: write, then sleep until the answer is readable, read it.
Task serve_over_pipes(Scheduler& scheduler, int out, int in, std::size_t passes) {
    for (std::size_t i = 0; i < passes; ++i) {
        write_byte(out);
        co_await scheduler.readable(in);
        if (!read_byte(in)) throw std::runtime_error("pass_token_coroutines: pipe closed");
    }
}

// Player 1 answers: sleep until readable, read, write back.
Task answer_over_pipes(Scheduler& scheduler, int in, int out, std::size_t passes) {
    for (std::size_t i = 0; i < passes; ++i) {
        co_await scheduler.readable(in);
        if (!read_byte(in)) throw std::runtime_error("pass_token_coroutines: pipe closed");
        write_byte(out);
    }
}

}  // namespace

std::chrono::duration<double, std::nano> pass_token_coroutines(std::size_t round_trips,
                                                               TokenChannel channel) {
    if (round_trips == 0) throw std::invalid_argument("pass_token_coroutines: round_trips == 0");
    Scheduler scheduler;
    Table table;
    Pipe to_b = make_pipe();
    Pipe to_a = make_pipe();
    if (channel == TokenChannel::memory) {
        scheduler.spawn(pass_in_memory(scheduler, table, 0, round_trips));
        scheduler.spawn(pass_in_memory(scheduler, table, 1, round_trips));
    } else {
        scheduler.spawn(
            serve_over_pipes(scheduler, to_b.write.get(), to_a.read.get(), round_trips));
        scheduler.spawn(
            answer_over_pipes(scheduler, to_b.read.get(), to_a.write.get(), round_trips));
    }
    const auto start = std::chrono::steady_clock::now();
    scheduler.run();
    const std::chrono::duration<double, std::nano> elapsed =
        std::chrono::steady_clock::now() - start;
    return elapsed / static_cast<double>(round_trips);
}

}  // namespace oslab
