// Lab 1, part 2b: ping-pong. A one-byte token bounced between two sides over a pair of pipes:
//
//      ping side                       pong side
//      write(to_pong) ───── byte ────▶ read(to_pong)     (pong was asleep in read: wake it up)
//      read(to_ping)  ◀──── byte ───── write(to_ping)    (ping was asleep in read: wake it up)
//
// Each side blocks in read() until the other writes, so every round trip is two context switches
// (plus four pipe system calls, which the single-thread baseline measures alone).
#pragma once

#include <chrono>
#include <cstddef>

namespace oslab {

// Where each side runs: a CPU number, or -1 for "wherever the scheduler likes".
struct Placement {
    int ping_cpu = -1;
    int pong_cpu = -1;
};

// A mean duration in nanoseconds (a double: a mean is rarely a whole number of ns).
using Nanos = std::chrono::duration<double, std::nano>;

// The ping side runs on the calling thread (pinned for the duration of the call if asked, the
// previous affinity is restored), the pong side on a new std::thread. Returns the mean time of one
// round trip over `round_trips` (> 0, else std::invalid_argument).
Nanos ping_pong_threads(std::size_t round_trips, Placement placement = {});

// Same, with the pong side in a child process made by fork(). The child is reaped before the
// function returns; a child that fails is reported with std::runtime_error.
Nanos ping_pong_processes(std::size_t round_trips, Placement placement = {});

// The baseline: one thread writes one byte into a pipe and reads it back, `round_trips` x 2 times,
// so the same system calls as a ping-pong happen with no switch at all. Returns the mean time of
// one write+read pair (one "transfer"); a round trip contains two transfers. (Given: it is the
// worked example of pipe2(), UniqueFd and checked read/write for the rest of the file.)
Nanos pipe_transfer_baseline(std::size_t transfers);

}  // namespace oslab
