// Lab 2 tests: run a test body with a deadline, so a deadlock fails the test with a message
// instead of hanging until ctest kills the binary.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <exception>
#include <future>
#include <memory>
#include <thread>
#include <utility>

namespace oslab::testing {

// Runs body() on its own thread and waits at most `limit` for it. On time: rethrows whatever body
// threw (so a "not implemented" message reaches the test report). Too late: the test fails and
// the stuck thread is abandoned (detached). So body must own everything it uses: capture by value.
// On time, the thread is joined: its thread-local data (GoogleTest keeps some per thread that made
// an assertion) is freed before the process exits, so LeakSanitizer has nothing to report.
template <class Body>
void bounded(std::chrono::seconds limit, Body body) {
    auto done = std::make_shared<std::promise<void>>();
    std::future<void> finished = done->get_future();
    std::thread runner([done, body = std::move(body)]() mutable {
        try {
            body();
            done->set_value();
        } catch (...) {
            done->set_exception(std::current_exception());
        }
    });
    if (finished.wait_for(limit) != std::future_status::ready) {
        runner.detach();
        ADD_FAILURE() << "the test did not finish within " << limit.count()
                      << " s: a deadlock? (a lost wake-up, a worker that never exits, wait_idle "
                         "that never returns...). See the README's Hints.";
        return;
    }
    runner.join();
    finished.get();
}

// A generous deadline: a correct pool finishes every test body in well under a second
// (a few seconds under the sanitizers).
inline constexpr std::chrono::seconds kDeadline{30};

// For the tests that do a large fixed amount of work (a million tasks, a thousand pools): on a
// loaded 2-vCPU machine under a sanitizer (load average 30 seen in the course's own stress runs)
// they took more than 30 s while being correct. The deadline is there to catch a deadlock, not to
// time the pool, so it is generous; ctest's own limit for the lab (TEST_TIMEOUT) stays above it.
inline constexpr std::chrono::seconds kHeavyWorkDeadline{120};

}  // namespace oslab::testing
