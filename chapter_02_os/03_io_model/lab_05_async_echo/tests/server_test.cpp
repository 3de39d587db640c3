// Lab 5 cases beyond the shared suite: the mode factory, the Nagle-prone "naive" tuning still
// echoing correctly, threads really used by the multi-thread layouts, and accept() running out of
// descriptors (EMFILE) without spinning.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "echo_conformance.hpp"
#include "eventually.hpp"
#include "oslab/asio_echo_server.hpp"
#include "oslab/asio_threaded_echo_server.hpp"
#include "oslab/cpu_time.hpp"
#include "oslab/echo_server_modes.hpp"
#include "oslab/epoll_echo_server.hpp"
#include "oslab/fd_limit.hpp"
#include "oslab/proc_status.hpp"
#include "oslab/uring_echo_server.hpp"

namespace {

using namespace std::chrono_literals;
using oslab::testing::TestClient;

TEST(Modes, EveryModeEchoes) {
    for (const auto& mode : oslab::echo_modes()) {
        if (!mode.unavailable.empty()) continue;
        SCOPED_TRACE("mode " + mode.name);
        auto server = oslab::make_echo_server(mode.name, {});
        const auto port = server->start();
        TestClient client(port);
        EXPECT_EQ(client.echo("mode " + mode.name), "mode " + mode.name);
        server->stop();
    }
}

TEST(Modes, BadModeOrThreadCountIsRejected) {
    EXPECT_THROW(oslab::make_echo_server("select", {}), std::invalid_argument);
    EXPECT_THROW(oslab::make_echo_server("epoll", {}, 4), std::invalid_argument);
    EXPECT_THROW(oslab::make_echo_server("asio", {}, 4), std::invalid_argument)
        << "asio is the one-thread server: the shared-context layout is its own mode, asio-mt";
    EXPECT_NO_THROW(oslab::make_echo_server("asio-mt", {}, 4));
}

TEST(Modes, AModeNotInThisBuildThrowsItsReason) {
    for (const auto& mode : oslab::echo_modes()) {
        if (mode.unavailable.empty()) continue;
        try {
            oslab::make_echo_server(mode.name, {});
            ADD_FAILURE() << mode.name << " is not in this build: make_echo_server must throw";
        } catch (const std::runtime_error& e) {
            EXPECT_NE(std::string(e.what()).find(mode.unavailable), std::string::npos) << e.what();
        }
    }
}

// AsioTuning::naive() is Asio's shipped example (1 KiB reads, Nagle on): slow on 4 KiB messages
// (see the benchmark), but it must still echo every byte in order.
TEST(AsioTuning, NaiveTuningStillEchoesCorrectly) {
    oslab::AsioEchoServer server({}, oslab::AsioTuning::naive());
    TestClient client(server.start());
    for (int i = 0; i < 3; ++i) {
        std::string message(4096, static_cast<char>('a' + i));
        message[0] = '#';
        EXPECT_EQ(client.echo(message), message);
    }
}

// The multi-thread layouts really run N threads (counted in /proc/self/task), and stop() joins
// them all.
TEST(AsioThreaded, StartsAndJoinsItsThreads) {
    // A first thread start lets runtimes that add a helper thread of their own (ThreadSanitizer's
    // background thread) do so before we count.
    std::thread([] {}).join();
    for (auto model :
         {oslab::AsioThreadModel::shared_context, oslab::AsioThreadModel::context_per_thread}) {
        const auto before = oslab::count_tasks();
        oslab::AsioThreadedEchoServer server({}, {3, model});
        TestClient client(server.start());
        EXPECT_EQ(client.echo("x"), "x");
        EXPECT_EQ(oslab::count_tasks(), before + 3);
        server.stop();
        // stop() joins the threads; a joined thread leaves /proc/self/task a moment later (the
        // kernel wakes the joiner as it clears the thread's id, before the task is released).
        EXPECT_TRUE(oslab::testing::eventually([&] { return oslab::count_tasks() == before; }))
            << oslab::count_tasks() << " tasks, " << before << " before the server started";
    }
}

// Sessions of the context-per-thread layout are spread over the contexts: 16 clients on 4 threads
// are all served at once (a session pinned to a blocked context would time out).
TEST(AsioThreaded, ManyClientsOverContexts) {
    oslab::AsioThreadedEchoServer server({}, {4, oslab::AsioThreadModel::context_per_thread});
    const auto port = server.start();
    std::vector<std::unique_ptr<TestClient>> clients;
    for (int i = 0; i < 16; ++i)
        clients.push_back(std::make_unique<TestClient>(port));
    for (int i = 0; i < 16; ++i)
        clients[i]->send("c" + std::to_string(i));
    for (int i = 0; i < 16; ++i)
        EXPECT_EQ(clients[i]->receive(2 + (i >= 10)), "c" + std::to_string(i));
    EXPECT_EQ(server.active_connections(), 16u);
}

// Runs out of descriptors on purpose: with the soft limit a few above what is open, clients are
// connected (the kernel completes the handshake) until the server's accept() fails with EMFILE.
// The server must not spin while the client waits in the backlog, and must serve it once a
// descriptor is free again.
//
// limit_before_start: lower the limit before start(), not after the first client. io_uring's
// accept reads RLIMIT_NOFILE when its SQE is prepared (the kernel's io_accept_prep), so a
// multishot accept armed by start() keeps the limit of that moment for as long as it stays armed.
void emfile_case(oslab::EchoServer& server, bool limit_before_start = false) {
    oslab::ScopedFdLimit guard;
    rlim_t soft = 0;
    if (limit_before_start) {
        // The server's listener, eventfd and ring, the warm client's two ends, and 4 to spare.
        soft = oslab::count_open_fds() + 9;
        guard.set_soft(soft);
    }
    const auto port = server.start();
    std::vector<std::unique_ptr<TestClient>> clients;
    clients.push_back(std::make_unique<TestClient>(port, 300ms));
    ASSERT_EQ(clients.back()->echo("warm"), "warm");

    if (!limit_before_start) {
        soft = oslab::count_open_fds() + 4;
        guard.set_soft(soft);
    }
    bool starved = false;
    for (int i = 0; i < 12 && !starved; ++i) {
        try {
            clients.push_back(std::make_unique<TestClient>(port, 300ms));
        } catch (const std::system_error&) {
            guard.set_soft(++soft);  // this process ran out first: one more for the client
            continue;
        }
        clients.back()->send("hello");
        std::string got;
        if (clients.back()->read_once(16, &got) == TestClient::Outcome::timed_out) starved = true;
    }
    ASSERT_TRUE(starved) << "the server never ran out of descriptors";

    // A spin keeps a CPU busy, or waits for one on a loaded machine: about 1 CPU demanded.
    const auto demand = oslab::cpus_demanded_while_sleeping(1000ms);
    EXPECT_LT(demand.cpus, 0.5) << "the server's threads demanded " << demand.cpus
                                << " CPUs while accept() failed (" << demand.by_thread
                                << "): a spin";

    // Free descriptors: the waiting client must now be accepted and served.
    clients.erase(clients.begin());
    guard.set_soft(guard.saved().rlim_cur);
    std::string got;
    for (int i = 0; i < 10 && got.size() < 5; ++i) {
        const auto outcome = clients.back()->read_once(16, &got);
        ASSERT_TRUE(outcome == TestClient::Outcome::data ||
                    outcome == TestClient::Outcome::timed_out)
            << "the waiting client was dropped instead of served";
    }
    EXPECT_EQ(got, "hello");
    TestClient newcomer(port);
    EXPECT_EQ(newcomer.echo("after EMFILE"), "after EMFILE");
    server.stop();
}

// io_uring: the multishot accept completes with -EMFILE; the server pauses it (a timeout SQE) and
// re-arms it, and says so in its counters.
TEST(Emfile, uringBacksOffAndRecovers) {
    if (const auto probe = oslab::probe_io_uring(); !probe.ok) GTEST_SKIP() << probe.reason;
    oslab::UringEchoServer server({});
    emfile_case(server, /*limit_before_start=*/true);
    EXPECT_GE(server.counters().accept_backoffs, 1u);
}

TEST(Emfile, AsioHandlersBackOffAndRecover) {
    oslab::AsioEchoServer server({});
    emfile_case(server);
}

TEST(Emfile, EpollLevelTriggeredBacksOffAndRecovers) {
    oslab::EpollEchoServer server({}, {false});
    emfile_case(server);
}

TEST(Emfile, EpollEdgeTriggeredBacksOffAndRecovers) {
    oslab::EpollEchoServer server({}, {true});
    emfile_case(server);
}

}  // namespace
