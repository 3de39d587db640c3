// Lab 2 tests, shared by thread_pool_test.cpp and thread_pool_load_test.cpp: every test is
// written once as a template over the pool type and registered twice,
//   ThreadPool.<Test>                 your pool (the lab)
//   StretchStealingThreadPool.<Test>  the stretch part: same contract, per-worker queues
// Tests assert behaviour only (results, counts, exceptions, termination), never speed, and each
// body runs under a deadline (bounded.hpp): a deadlock fails with a message instead of hanging.
#pragma once

#include <gtest/gtest.h>

#include <future>
#include <stdexcept>

#include "bounded.hpp"
#include "oslab/not_implemented.hpp"
#include "oslab/stealing_thread_pool.hpp"
#include "oslab/thread_pool.hpp"

namespace oslab::testing {

// A logic_error that is really "not implemented yet" must not pass a test that expects the
// pool's own logic_error (NotImplemented derives from std::logic_error).
inline void expect_logic_error_not_todo(std::future<void>& f, const char* what) {
    try {
        f.get();
        ADD_FAILURE() << what << ": expected std::logic_error, nothing was thrown";
    } catch (const oslab::NotImplemented& e) {
        ADD_FAILURE() << what << ": " << e.what();
    } catch (const std::logic_error&) {
        SUCCEED();
    }
}

}  // namespace oslab::testing

// POOL_TEST(Name) { body using `Pool` }: one test per pool type.
#define POOL_TEST(name)                           \
    template <class Pool>                         \
    void name##_body();                           \
    TEST(ThreadPool, name) {                      \
        name##_body<oslab::ThreadPool>();         \
    }                                             \
    TEST(StretchStealingThreadPool, name) {       \
        name##_body<oslab::StealingThreadPool>(); \
    }                                             \
    template <class Pool>                         \
    void name##_body()
