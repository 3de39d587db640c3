// Every Lab 5 server must pass the shared echo conformance suite (chapter_02_os/common/testing),
// the same cases Lab 4's blocking server passes: one instantiation per row of the mode table
// (oslab/echo_server_modes.hpp), named after the mode: "Lab05/EchoConformance.OneEcho/epoll-et".
// A mode this build does not have (coro without Asio coroutines) skips with the row's reason.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "echo_conformance.hpp"
#include "oslab/coro_echo_server.hpp"
#include "oslab/echo_server_modes.hpp"
#include "oslab/uring_echo_server.hpp"

namespace oslab::testing {
namespace {

// The multi-thread modes run more threads than the course's 2-core machine has cores, on purpose:
// handlers of different sessions then really run in parallel (TSan checks the sharing).
constexpr std::size_t kThreadsOfMultiThreadModes = 4;

std::vector<EchoServerCase> every_mode() {
    std::vector<EchoServerCase> cases;
    for (const auto& mode : echo_modes()) {
        const std::size_t threads = mode.default_threads > 0 ? kThreadsOfMultiThreadModes : 0;
        cases.push_back({mode.name,
                         [name = mode.name, threads](const EchoServerOptions& options) {
                             return make_echo_server(name, options, threads);
                         },
                         mode.unavailable});
    }
    // io_uring as on an older kernel, on this one: single-shot recv, and COOP_TASKRUN instead of
    // DEFER_TASKRUN. Named after the mode, so `ctest -R uring` selects it too.
    cases.push_back({"uringFallbacks",
                     [](const EchoServerOptions& options) {
                         UringConfig config;
                         config.multishot_recv = false;
                         config.defer_taskrun = false;
                         return std::make_unique<UringEchoServer>(options, config);
                     },
                     echo_mode("uring").unavailable});
    return cases;
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(Lab05, EchoConformance, ::testing::ValuesIn(every_mode()));

}  // namespace oslab::testing

TEST(AsioCoroutines, BuiltOrSkippedWithAReason) {
    if (!oslab::CoroEchoServer::coroutines_supported()) {
        oslab::CoroEchoServer server({});
        EXPECT_THROW(server.start(), std::runtime_error);
        GTEST_SKIP() << "this compiler cannot build Boost.Asio C++20 coroutines (GCC 12 can): "
                        "the coro conformance cases skip";
    }
    EXPECT_TRUE(oslab::CoroEchoServer::coroutines_supported());
}
