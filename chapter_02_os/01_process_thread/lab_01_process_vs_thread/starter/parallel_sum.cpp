// Lab 1, Step 1 and Step 2: the parallel sum with processes and with threads.
// Read README.md, "Step 1: Sum with processes" and "Step 2: Sum with threads", before you start.
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
namespace {

// Exit status for a child whose code threw: anything but 0 tells the parent "no valid result".
constexpr int kChildError = 70;

// What the parent keeps for each child. (Given.)
struct Worker {
    pid_t pid = -1;
    UniqueFd result;  // read end of this worker's pipe
};

// Runs in the child after fork(): must never return and never throw.
[[noreturn]] void run_child(std::uint64_t n, std::size_t workers, std::size_t index, int write_fd,
                            const ChildHook& in_child) {
    // TODO(student): inside a try block:
    //   - call in_child(index) if in_child is set (tests use it to make children fail);
    //   - compute sum_chunk(chunk_of(n, workers, index));
    //   - write its 8 bytes to write_fd: loop until all 8 are written, retry on EINTR;
    //   - ::_exit(0).
    // catch (...) -> ::_exit(kChildError). Why _exit and not exit or return? See the README.
    ::_exit(kChildError);
}

// Reads up to 8 bytes into result; returns how many arrived before EOF.
std::size_t read_result(int fd, std::uint64_t& result) {
    // TODO(student): loop on ::read until 8 bytes or EOF (read returns 0). A read may return
    // fewer bytes than asked (a "short read"): keep going from where it stopped. Retry on EINTR;
    // other errors: oslab::check_syscall(r, "read") throws for you.
    OSLAB_TODO("read one child's 8-byte result, handling short reads",
               "Step 1: Sum with processes");
}

// Waits for one child; returns "" for a clean exit (status 0), else a description of the failure
// that names the worker, e.g. "worker 2 (pid 123) exited with status 3" or
// "worker 1 (pid 124) was killed by signal 9 (Killed)".
std::string reap(std::size_t index, pid_t pid) {
    // TODO(student): ::waitpid(pid, &status, 0), retried on EINTR; then decode the status with
    // WIFEXITED / WEXITSTATUS and WIFSIGNALED / WTERMSIG (::strsignal gives the name).
    OSLAB_TODO("reap one child with waitpid and decode its status", "Step 1: Sum with processes");
}

}  // namespace

std::uint64_t sum_with_processes(std::uint64_t n, std::size_t workers, const ChildHook& in_child) {
    // TODO(student):
    //  1. workers == 0 -> throw std::invalid_argument.
    //  2. For each worker i: ::pipe2(fds, O_CLOEXEC) (wrap both ends in UniqueFd at once), then
    //     ::fork(). In the child (pid == 0): run_child(n, workers, i, write end, in_child).
    //     In the parent: close the write end NOW (write_end.reset()) - think about what a read()
    //     returns when a child dies without writing, if the parent still holds a write end -
    //     and keep Worker{pid, read end}.
    //     If pipe2 or fork fails half-way: stop creating, but still do step 3 for the workers
    //     already started, then throw std::system_error(saved errno, std::generic_category(),
    //     "fork").
    //  3. For every worker: read_result, close the read end, reap. Collect every child even when
    //     one failed (no zombie, no fd left), remember the first failure (a non-empty reap
    //     message, or fewer than 8 bytes received).
    //  4. Throw ChildFailed("sum_with_processes: " + failure) if anything failed, else return the
    //     total.
    (void)run_child;
    (void)read_result;
    (void)reap;
    OSLAB_TODO("fork one child per chunk, collect results over pipes, reap every child",
               "Step 1: Sum with processes");
}

std::uint64_t sum_with_threads(std::uint64_t n, std::size_t workers) {
    // TODO(student): workers == 0 -> std::invalid_argument. Start `workers` std::jthread (or
    // std::thread + join), thread i storing sum_chunk(chunk_of(n, workers, i)) into
    // partial[i] of a std::vector<std::uint64_t>. After every thread is joined, add the slots.
    // Why is it safe without a mutex? (Each thread writes only its own slot, and join() orders
    // those writes before your reads.)
    OSLAB_TODO("start one std::thread per chunk and add their results", "Step 2: Sum with threads");
}

}  // namespace oslab
