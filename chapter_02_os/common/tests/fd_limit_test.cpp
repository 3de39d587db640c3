// RLIMIT_NOFILE helpers: raising the soft limit, and a guard that always restores it.
#include "oslab/fd_limit.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace {

TEST(RaiseFdLimit, ReturnsAtLeastTheCurrentSoftLimit) {
    const rlimit before = oslab::fd_limit();
    EXPECT_GE(oslab::raise_fd_limit(16), std::min<std::size_t>(before.rlim_cur, 1u << 30));
    // Lower the soft limit, ask for more: it comes back up (to at most the hard limit).
    oslab::ScopedFdLimit guard;
    guard.set_soft(256);
    const auto raised = oslab::raise_fd_limit(512);
    EXPECT_EQ(raised, std::min<std::size_t>(512, before.rlim_max));
    EXPECT_EQ(oslab::fd_limit().rlim_cur, raised);
}

TEST(ScopedFdLimit, RestoresTheLimit) {
    const rlimit before = oslab::fd_limit();
    {
        oslab::ScopedFdLimit guard;
        guard.set_soft(64);
        EXPECT_EQ(oslab::fd_limit().rlim_cur, 64u);
    }
    EXPECT_EQ(oslab::fd_limit().rlim_cur, before.rlim_cur);
}

}  // namespace
