// RLIMIT_NOFILE: how many file descriptors a process may hold open at once. Every socket, pipe and
// open file is one, so a server with 10,000 clients needs more than the usual soft limit of 1024.
// The soft limit is what the kernel enforces (open/socket/accept fail with EMFILE beyond it); an
// unprivileged process may move it anywhere up to the hard limit (`ulimit -Sn` / `ulimit -Hn`).
#pragma once

#include <sys/resource.h>

#include <cstddef>

namespace oslab {

// The current limits (getrlimit). RLIM_INFINITY means no limit.
rlimit fd_limit();

// Raises the soft limit as far as needed, up to the hard limit, and returns the new soft limit
// (never lowers it). Throws std::system_error naming the call on failure.
std::size_t raise_fd_limit(std::size_t wanted);

// Raises the soft limit to the hard limit, as nginx does with worker_rlimit_nofile. Best effort:
// a failure leaves the limit as it was.
void raise_fd_limit_to_hard() noexcept;

// Saves RLIMIT_NOFILE when made and restores it when destroyed, whatever happens in between: a
// test may lower the limit to run out of descriptors on purpose without harming the next test.
class ScopedFdLimit {
public:
    ScopedFdLimit();
    ~ScopedFdLimit();
    ScopedFdLimit(const ScopedFdLimit&) = delete;
    ScopedFdLimit& operator=(const ScopedFdLimit&) = delete;

    // Sets the soft limit (the hard one stays). Throws std::system_error on failure.
    void set_soft(rlim_t soft) const;
    const rlimit& saved() const { return saved_; }

private:
    rlimit saved_{};
};

}  // namespace oslab
