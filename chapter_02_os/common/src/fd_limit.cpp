// RLIMIT_NOFILE helpers (see oslab/fd_limit.hpp).
#include "oslab/fd_limit.hpp"

#include <algorithm>
#include <limits>

#include "oslab/sys_error.hpp"

namespace oslab {

rlimit fd_limit() {
    rlimit limit{};
    check_syscall(::getrlimit(RLIMIT_NOFILE, &limit), "getrlimit(RLIMIT_NOFILE)");
    return limit;
}

std::size_t raise_fd_limit(std::size_t wanted) {
    rlimit limit = fd_limit();
    if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted) {
        // An unprivileged process may raise its soft limit up to the hard limit, not beyond.
        limit.rlim_cur = limit.rlim_max == RLIM_INFINITY
                             ? static_cast<rlim_t>(wanted)
                             : std::min<rlim_t>(static_cast<rlim_t>(wanted), limit.rlim_max);
        check_syscall(::setrlimit(RLIMIT_NOFILE, &limit), "setrlimit(RLIMIT_NOFILE)");
    }
    return limit.rlim_cur == RLIM_INFINITY ? std::numeric_limits<std::size_t>::max()
                                           : static_cast<std::size_t>(limit.rlim_cur);
}

void raise_fd_limit_to_hard() noexcept {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);  // best effort: the old limit stays on failure
    }
}

ScopedFdLimit::ScopedFdLimit() : saved_(fd_limit()) {}

ScopedFdLimit::~ScopedFdLimit() {
    ::setrlimit(RLIMIT_NOFILE, &saved_);
}

void ScopedFdLimit::set_soft(rlim_t soft) const {
    rlimit lowered = saved_;
    lowered.rlim_cur = soft;
    check_syscall(::setrlimit(RLIMIT_NOFILE, &lowered), "setrlimit(RLIMIT_NOFILE)");
}

}  // namespace oslab
