// Reference: a one-byte ping-pong between two threads and between two processes.
#include "oslab/ping_pong.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <exception>
#include <stdexcept>
#include <string>
#include <thread>

#include "oslab/affinity.hpp"
#include "oslab/byte_pipe.hpp"

namespace oslab {
namespace {

using Clock = std::chrono::steady_clock;

void check_round_trips(std::size_t round_trips) {
    if (round_trips == 0) throw std::invalid_argument("ping-pong: round_trips must be > 0");
}

// The pong side: echo every byte until the ping side closes its write end (read() returns EOF).
void echo_until_eof(int in, int out) {
    while (read_byte(in))
        write_byte(out);
}

// The ping side, on the calling thread: send, then sleep in read() until the answer comes.
Nanos run_ping(int out, int in, std::size_t round_trips, int cpu) {
    ScopedPin pin(cpu);
    const auto start = Clock::now();
    for (std::size_t i = 0; i < round_trips; ++i) {
        write_byte(out);
        if (!read_byte(in)) throw std::runtime_error("ping-pong: the pong side closed early");
    }
    return Nanos(Clock::now() - start) / static_cast<double>(round_trips);
}

}  // namespace

// pipe_transfer_baseline (the single-thread baseline) is in given/pipe_baseline.cpp.

Nanos ping_pong_threads(std::size_t round_trips, Placement placement) {
    check_round_trips(round_trips);
    Pipe to_pong = make_pipe();
    Pipe to_ping = make_pipe();

    // The pong thread owns its write end: when it returns (done or failed) that end closes, so a
    // ping side waiting for an answer gets EOF instead of waiting forever. Its read end stays
    // open here until pong has been joined: a write to a pipe with no reader left raises SIGPIPE
    // (pipe(7)), which would kill the process when pong fails before reading.
    std::exception_ptr pong_error;
    std::thread pong([&pong_error, cpu = placement.pong_cpu, in = to_pong.read.get(),
                      out = std::move(to_ping.write)] {
        try {
            if (cpu >= 0) pin_to_cpu(cpu);  // this thread ends soon: nothing to restore
            echo_until_eof(in, out.get());
        } catch (...) {
            pong_error = std::current_exception();
        }
    });

    Nanos result{};
    std::exception_ptr ping_error;
    try {
        result = run_ping(to_pong.write.get(), to_ping.read.get(), round_trips, placement.ping_cpu);
    } catch (...) {
        ping_error = std::current_exception();
    }
    to_pong.write.reset();  // EOF for the pong thread: it leaves its loop
    pong.join();            // join() also makes pong_error visible here
    if (pong_error) std::rethrow_exception(pong_error);
    if (ping_error) std::rethrow_exception(ping_error);
    return result;
}

Nanos ping_pong_processes(std::size_t round_trips, Placement placement) {
    check_round_trips(round_trips);
    Pipe to_pong = make_pipe();
    Pipe to_ping = make_pipe();

    const pid_t pid = check_syscall(::fork(), "fork");
    if (pid == 0) {
        // Child = pong. Close the parent's ends in this copy of the fd table: if the child kept
        // to_pong.write open, its own read() would never see EOF.
        try {
            to_pong.write.reset();
            to_ping.read.reset();
            if (placement.pong_cpu >= 0) pin_to_cpu(placement.pong_cpu);
            echo_until_eof(to_pong.read.get(), to_ping.write.get());
            ::_exit(0);
        } catch (...) {
            ::_exit(70);
        }
    }
    // Parent = ping. Close the child's write end here, for the same reason. Keep to_pong's read
    // end although ping never reads it: if the child dies before reading, ping's next write then
    // fills the pipe instead of raising SIGPIPE (pipe(7)), and its read sees EOF: an error, not a
    // killed process.
    to_ping.write.reset();

    Nanos result{};
    std::exception_ptr ping_error;
    try {
        result = run_ping(to_pong.write.get(), to_ping.read.get(), round_trips, placement.ping_cpu);
    } catch (...) {
        ping_error = std::current_exception();
    }
    to_pong.write.reset();  // EOF for the child: it leaves its loop and _exits
    int status = 0;
    while (::waitpid(pid, &status, 0) == -1) {
        if (errno != EINTR) throw_errno("waitpid");
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        throw std::runtime_error("ping_pong_processes: the pong process failed (wait status " +
                                 std::to_string(status) + ")");
    }
    if (ping_error) std::rethrow_exception(ping_error);
    return result;
}

}  // namespace oslab
