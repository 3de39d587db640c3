// Reference: the parallel sum with processes (fork + pipe + waitpid) and with threads.
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

#include "oslab/sys_error.hpp"
#include "oslab/unique_fd.hpp"

namespace oslab {
namespace {

// Exit status of a child whose code threw: anything but 0 tells the parent "no valid result".
constexpr int kChildError = 70;

struct Worker {
    pid_t pid = -1;
    UniqueFd result;  // read end of this worker's pipe
};

// Runs in the child: compute, send 8 bytes, _exit. Never returns and never throws: after fork()
// the child is a copy of the parent, and unwinding into the parent's code (a test framework, the
// caller's destructors, atexit handlers flushing the parent's stdio buffers a second time) would be
// a bug. _exit() leaves at once; only the kernel cleans up (closes fds, frees memory).
[[noreturn]] void run_child(std::uint64_t n, std::size_t workers, std::size_t index, int write_fd,
                            const ChildHook& in_child) {
    try {
        if (in_child) in_child(index);
        const std::uint64_t result = sum_chunk(chunk_of(n, workers, index));
        // write() may write less than asked in general; into a pipe, a write of at most PIPE_BUF
        // (4096) bytes is atomic, but the loop costs nothing and states the rule.
        const char* data = reinterpret_cast<const char*>(&result);
        std::size_t sent = 0;
        while (sent < sizeof result) {
            const ssize_t w = ::write(write_fd, data + sent, sizeof result - sent);
            if (w == -1 && errno == EINTR) continue;
            if (w == -1) ::_exit(kChildError);
            sent += static_cast<std::size_t>(w);
        }
        ::_exit(0);
    } catch (...) {
        ::_exit(kChildError);
    }
}

// Reads exactly 8 bytes, looping over short reads. Returns how many bytes arrived before EOF.
std::size_t read_result(int fd, std::uint64_t& result) {
    char* data = reinterpret_cast<char*>(&result);
    std::size_t got = 0;
    while (got < sizeof result) {
        const ssize_t r = ::read(fd, data + got, sizeof result - got);
        if (r == -1 && errno == EINTR) continue;
        check_syscall(r, "read");
        if (r == 0) break;  // EOF: every write end is closed and the child sent no more
        got += static_cast<std::size_t>(r);
    }
    return got;
}

// waitpid() for one child, retrying on EINTR. Returns "" if it exited with status 0, else what
// went wrong.
std::string reap(std::size_t index, pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) == -1) {
        if (errno != EINTR) throw_errno("waitpid");
    }
    const std::string who =
        "worker " + std::to_string(index) + " (pid " + std::to_string(pid) + ")";
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
    if (WIFEXITED(status))
        return who + " exited with status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) {
        const int sig = WTERMSIG(status);
        return who + " was killed by signal " + std::to_string(sig) + " (" + ::strsignal(sig) + ")";
    }
    return who + " ended with wait status " + std::to_string(status);
}

}  // namespace

std::uint64_t sum_with_processes(std::uint64_t n, std::size_t workers, const ChildHook& in_child) {
    if (workers == 0) throw std::invalid_argument("sum_with_processes: workers must be > 0");

    std::vector<Worker> children;
    children.reserve(workers);
    // If pipe2() or fork() fails half-way, stop creating workers but still collect the ones
    // already running, then report the failed call.
    int setup_errno = 0;
    const char* setup_call = nullptr;
    for (std::size_t i = 0; i < workers; ++i) {
        // O_CLOEXEC: the descriptors do not leak into a program some other thread exec()s.
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) == -1) {
            setup_errno = errno;
            setup_call = "pipe2";
            break;
        }
        UniqueFd read_end(fds[0]);
        UniqueFd write_end(fds[1]);

        const pid_t pid = ::fork();
        if (pid == -1) {
            setup_errno = errno;
            setup_call = "fork";
            break;
        }
        if (pid == 0) {
            // Child. It inherited copies of every descriptor, including the read ends of earlier
            // workers; they close automatically at _exit. It only needs its write end.
            run_child(n, workers, i, write_end.get(), in_child);
        }
        // Parent: close our copy of the write end NOW. Otherwise the pipe keeps a writer (us)
        // forever and a read() after a child died without writing would block instead of
        // returning EOF.
        write_end.reset();
        children.push_back(Worker{pid, std::move(read_end)});
    }

    // Collect every result, then reap every child: even when something went wrong, so that no
    // zombie and no descriptor outlives this call.
    std::uint64_t total = 0;
    std::string failure;
    for (std::size_t i = 0; i < children.size(); ++i) {
        std::uint64_t part = 0;
        std::size_t got = 0;
        try {
            got = read_result(children[i].result.get(), part);
        } catch (const std::system_error& e) {
            if (failure.empty()) failure = e.what();
        }
        children[i].result.reset();
        const std::string how = reap(i, children[i].pid);
        if (failure.empty() && !how.empty()) failure = how;
        if (failure.empty() && got != sizeof part) {
            failure = "worker " + std::to_string(i) + " sent " + std::to_string(got) + " of " +
                      std::to_string(sizeof part) + " bytes";
        }
        total += part;
    }
    if (setup_call != nullptr)
        throw std::system_error(setup_errno, std::generic_category(), setup_call);
    if (!failure.empty()) throw ChildFailed("sum_with_processes: " + failure);
    return total;
}

std::uint64_t sum_with_threads(std::uint64_t n, std::size_t workers) {
    if (workers == 0) throw std::invalid_argument("sum_with_threads: workers must be > 0");
    // One slot per thread: each thread writes only its own element, so there is no data race and
    // no lock. join() makes the writes visible to this thread (it "happens before" join returns).
    std::vector<std::uint64_t> partial(workers, 0);
    {
        std::vector<std::jthread> threads;
        threads.reserve(workers);
        for (std::size_t i = 0; i < workers; ++i) {
            threads.emplace_back([&partial, n, workers, i] {  //
                partial[i] = sum_chunk(chunk_of(n, workers, i));
            });
        }
    }  // jthread joins in its destructor
    std::uint64_t total = 0;
    for (const auto part : partial)
        total += part;
    return total;
}

}  // namespace oslab
