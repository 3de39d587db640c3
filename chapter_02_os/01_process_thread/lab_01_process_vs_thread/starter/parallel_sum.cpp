// Lab 1, Step 1 and Step 2: the parallel sum with processes and with threads.
// The contract is in oslab/parallel_sum.hpp; README.md, "Step 1: Sum with processes" and
// "Step 2: Sum with threads", say what each step must make true.
#include "oslab/parallel_sum.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "oslab/not_implemented.hpp"
#include "oslab/sys_error.hpp"
#include "oslab/unique_fd.hpp"

namespace oslab {

std::uint64_t sum_with_processes(std::uint64_t n, std::size_t workers, const ChildHook& in_child) {
    // TODO(student): Step 1.
    // Contract: one child process per chunk (chunk_of), each computing sum_chunk of its chunk and
    //   handing the 8-byte result to the parent over a pipe; the parent returns the total. In the
    //   child, in_child(i) (if set) runs first: tests use it to make children exit, throw or die.
    // Errors: workers == 0 -> std::invalid_argument. A child that exits with a status other than
    //   0, is killed by a signal or delivers fewer than 8 bytes -> ChildFailed, whose message names
    //   the worker and says "status N" or "signal N". A failed system call -> std::system_error
    //   naming it. On every path, success or failure: every child is reaped (no zombie) and every
    //   descriptor is closed (the tests count /proc/self/fd and call waitpid(-1, WNOHANG)).
    // OS facts: after fork(2) the child is a copy of the whole parent, test framework included,
    //   and holds copies of all its descriptors. read(2) on a pipe returns 0 (EOF) only once every
    //   write end is closed, in every process, and may return fewer bytes than asked. waitpid(2)
    //   fills a status you decode with WIFEXITED/WEXITSTATUS and WIFSIGNALED/WTERMSIG (wait(2));
    //   strsignal(3) names a signal. _exit(2) leaves at once; exit(3) runs atexit handlers and
    //   flushes stdio buffers inherited from the parent. Blocking calls may fail with EINTR.
    // Think: a child dies without writing. Which descriptor, held by which process, decides
    //   whether the parent's read returns or blocks for ever? And what must the child do so that
    //   an exception thrown inside it never unwinds into the parent's code?
    OSLAB_TODO("fork one child per chunk, collect the results over pipes, reap every child",
               "Step 1: Sum with processes");
}

std::uint64_t sum_with_threads(std::uint64_t n, std::size_t workers) {
    // TODO(student): Step 2.
    // Contract: one std::thread (or std::jthread) per chunk, the same chunks as Step 1; returns
    //   the total once every thread has finished. workers == 0 -> std::invalid_argument.
    // OS facts: a thread shares the address space: what it writes, the others can read, with no
    //   pipe in between. std::thread::join returns after the thread has finished, and everything
    //   the thread wrote happens-before what the joiner reads next ([thread.thread.member]).
    // Think: where does each thread put its result, and why does that need no mutex?
    OSLAB_TODO("start one std::thread per chunk and add their results", "Step 2: Sum with threads");
}

}  // namespace oslab
