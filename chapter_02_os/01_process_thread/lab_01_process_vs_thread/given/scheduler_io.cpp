// Given (compiled into both variants): the parts of the coroutine Scheduler that are not the
// exercise - freeing unfinished frames, and sleeping in poll() when every task waits for I/O.
#include <poll.h>

#include <cerrno>

#include "oslab/coro.hpp"
#include "oslab/sys_error.hpp"

namespace oslab {

Scheduler::~Scheduler() {
    for (const auto handle : ready_)
        handle.destroy();
    for (const auto& waiter : waiting_)
        waiter.handle.destroy();
}

void Scheduler::wait_for_io() {
    std::vector<pollfd> fds;
    fds.reserve(waiting_.size());
    for (const auto& waiter : waiting_)
        fds.push_back(pollfd{waiter.fd, POLLIN, 0});
    // Nothing else can run: sleep in the kernel until one of the fds is readable (or closed:
    // POLLHUP counts too, the task's read() then sees EOF). This is the moment a user-level
    // scheduler hands control back to the kernel's.
    int ready = 0;
    do {
        ready = ::poll(fds.data(), fds.size(), -1);
    } while (ready == -1 && errno == EINTR);
    check_syscall(ready, "poll");
    std::vector<Waiter> still_waiting;
    for (std::size_t i = 0; i < fds.size(); ++i) {
        if (fds[i].revents != 0) {
            ready_.push_back(waiting_[i].handle);
        } else {
            still_waiting.push_back(waiting_[i]);
        }
    }
    waiting_.swap(still_waiting);
}

}  // namespace oslab
