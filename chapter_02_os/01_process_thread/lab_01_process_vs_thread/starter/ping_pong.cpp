// Lab 1, Step 4: ping-pong between two threads and between two processes. The contract is in
// oslab/ping_pong.hpp; README.md, "Step 4: Ping-pong", says what must hold.
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

// pipe_transfer_baseline (the single-thread baseline) is in given/pipe_baseline.cpp: a worked
// example of make_pipe, write_byte and read_byte (oslab/byte_pipe.hpp).

Nanos ping_pong_threads(std::size_t round_trips, Placement placement) {
    // TODO(student): Step 4.
    // Contract: the calling thread (ping) and a new std::thread (pong) bounce one byte over two
    //   pipes, to_pong and to_ping, `round_trips` times; returns the mean round trip. Each side
    //   is pinned to its Placement CPU if >= 0 (ping only for the duration of the call: the
    //   previous mask is restored, see ScopedPin). When the call returns, the pong thread has
    //   ended and every descriptor is closed; an error on either side is rethrown here.
    // Errors: round_trips == 0 -> std::invalid_argument; a side that sees EOF too early, or a
    //   failed system call, -> an exception (std::runtime_error / std::system_error).
    // OS facts: read(2) on an empty pipe sleeps until a byte arrives (the other side's write(2)
    //   wakes it: a context switch), and returns 0 once every write end is closed. write(2) to a
    //   pipe whose read ends are all closed raises SIGPIPE, whose default action kills the whole
    //   process (pipe(7)), and a failing pong side (a CPU it cannot run on) must be an
    //   exception here, never a dead process. An exception that leaves a std::thread's function
    //   calls std::terminate.
    // Think: how does pong learn that the game is over? Who must close to_pong's write end, and
    //   why must nobody else keep a copy of it open?
    OSLAB_TODO("ping-pong between this thread and a std::thread", "Step 4: Ping-pong");
}

Nanos ping_pong_processes(std::size_t round_trips, Placement placement) {
    // TODO(student): Step 4.
    // Contract: the same game with pong in a child made by fork(2). The child is reaped before
    //   the call returns; a child that does not exit with status 0 -> std::runtime_error.
    // OS facts: after fork(2) both processes hold all four pipe ends; a process that keeps a
    //   write end it never writes keeps its reader from ever seeing EOF. The child must leave with
    //   _exit(2), never by returning or throwing into the parent's code.
    // Think: which ends must the child close at once, which must the parent close, and what would
    //   each forgotten one do to the other side? Is there an end a side should keep open although
    //   it never uses it?
    OSLAB_TODO("ping-pong between this process and a forked child", "Step 4: Ping-pong");
}

}  // namespace oslab
