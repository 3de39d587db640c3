// Bounded waits for tests. Much of what a test checks happens on another thread or in another
// process (a server's thread ends, a descriptor is closed, a kernel task disappears from /proc):
// poll for it, up to a deadline, instead of sleeping a guessed time. Header-only.
#pragma once

#include <chrono>
#include <thread>

namespace oslab::testing {

// True as soon as condition() holds; false if it still does not after `limit`. Checks every 10 ms.
//   EXPECT_TRUE(eventually([&] { return server.active_connections() == 0; }));
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds limit = std::chrono::seconds(5)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!condition()) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
}

}  // namespace oslab::testing
