// Lab 1, Step 4: ping-pong between two threads and between two processes.
// Read README.md, "Step 4: Ping-pong".
#include "oslab/ping_pong.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <exception>
#include <stdexcept>
#include <string>
#include <thread>

#include "oslab/affinity.hpp"
#include "oslab/byte_pipe.hpp"
#include "oslab/not_implemented.hpp"

namespace oslab {
namespace {

using Clock = std::chrono::steady_clock;

void check_round_trips(std::size_t round_trips) {
    if (round_trips == 0) throw std::invalid_argument("ping-pong: round_trips must be > 0");
}

// The pong side: echo every byte back until read_byte() reports EOF.
void echo_until_eof(int in, int out) {
    // TODO(student): two lines with read_byte / write_byte (oslab/byte_pipe.hpp).
    OSLAB_TODO("echo bytes until EOF", "Step 4: Ping-pong");
}

// The ping side, on the calling thread: pin with ScopedPin(cpu), start the clock, then
// round_trips x (write_byte(out); read_byte(in) - false means the other side closed: throw
// std::runtime_error). Return (elapsed) / round_trips as Nanos.
Nanos run_ping(int out, int in, std::size_t round_trips, int cpu) {
    // TODO(student)
    OSLAB_TODO("time round_trips write+read pairs", "Step 4: Ping-pong");
}

}  // namespace

// pipe_transfer_baseline (the single-thread baseline) is in given/pipe_baseline.cpp.

Nanos ping_pong_threads(std::size_t round_trips, Placement placement) {
    check_round_trips(round_trips);
    // TODO(student):
    //  - two pipes: to_pong and to_ping (make_pipe()).
    //  - a std::thread for pong that takes ownership (std::move into the lambda) of to_pong.read
    //    and to_ping.write, pins itself if placement.pong_cpu >= 0, runs echo_until_eof, and
    //    stores any exception in a std::exception_ptr. Owning its write end matters: when the
    //    thread ends, the end closes and a waiting ping side gets EOF instead of hanging.
    //  - run_ping on this thread with to_pong.write / to_ping.read (catch its exception too).
    //  - close to_pong.write (pong then sees EOF and returns), join, rethrow any error, return.
    (void)run_ping;
    (void)echo_until_eof;
    OSLAB_TODO("ping-pong between this thread and a std::thread", "Step 4: Ping-pong");
}

Nanos ping_pong_processes(std::size_t round_trips, Placement placement) {
    check_round_trips(round_trips);
    // TODO(student): the same with fork():
    //  - child: close the ends that belong to the parent (to_pong.write, to_ping.read) - else
    //    its own read() never sees EOF -, pin if asked, echo_until_eof, ::_exit(0); any exception
    //    -> ::_exit(70).
    //  - parent: close the child's ends (to_pong.read, to_ping.write), run_ping, close
    //    to_pong.write, waitpid the child (retry on EINTR), throw std::runtime_error if it did not
    //    exit with status 0, rethrow a ping error, return the time.
    OSLAB_TODO("ping-pong between this process and a forked child", "Step 4: Ping-pong");
}

}  // namespace oslab
