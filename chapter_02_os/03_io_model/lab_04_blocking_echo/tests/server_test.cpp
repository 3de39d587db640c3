// Lab 4's own cases, beyond the shared conformance suite: one thread per connection (seen in
// /proc/self/task), reaping of finished threads, running out of descriptors, start() errors.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "echo_conformance.hpp"
#include "eventually.hpp"
#include "oslab/blocking_echo_server.hpp"
#include "oslab/cpu_time.hpp"
#include "oslab/fd_limit.hpp"
#include "oslab/net.hpp"
#include "oslab/proc_status.hpp"

namespace {

using namespace std::chrono_literals;
using oslab::testing::eventually;
using oslab::testing::TestClient;

// VmSize (virtual memory) of this process in KiB. A thread that ended but was never joined keeps
// its whole stack mapped (8 MiB by default), so unreaped threads show up here.
std::size_t vm_size_kib() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmSize:", 0) == 0) return std::stoul(line.substr(7));
    }
    return 0;
}

// Sanitizers (TSan) start a helper thread of their own with the first thread a process creates:
// create (and join) one first, so that the counts below see only the server's threads.
void settle_helper_threads() {
    std::thread([] {}).join();
}

TEST(BlockingEchoServer, OneThreadPerConnectionThenBackToOne) {
    settle_helper_threads();
    oslab::BlockingEchoServer server;
    const auto before = oslab::count_tasks();
    const auto port = server.start();
    EXPECT_TRUE(eventually([&] { return oslab::count_tasks() == before + 1; }))
        << "start() should add exactly one thread (the acceptor), tasks: " << oslab::count_tasks();
    {
        std::vector<std::unique_ptr<TestClient>> clients;
        for (int i = 0; i < 10; ++i) {
            clients.push_back(std::make_unique<TestClient>(port));
            ASSERT_EQ(clients.back()->echo("t"), "t");
        }
        EXPECT_TRUE(eventually([&] { return oslab::count_tasks() == before + 11; }))
            << "10 clients: expected " << before + 11 << " tasks, /proc/self/task has "
            << oslab::count_tasks();
    }
    EXPECT_TRUE(eventually([&] { return oslab::count_tasks() == before + 1; }))
        << "clients gone: expected " << before + 1 << " tasks, /proc/self/task has "
        << oslab::count_tasks();
    server.stop();
    EXPECT_TRUE(eventually([&] { return oslab::count_tasks() == before; }));
}

// 200 short connections, one after the other, on a long-running server. A thread whose client
// left must be joined while the server runs: unjoined, each would keep its 8 MiB stack mapped.
TEST(BlockingEchoServer, FinishedThreadsAreReapedWhileRunning) {
    oslab::BlockingEchoServer server;
    const auto port = server.start();
    for (int i = 0; i < 20; ++i) {  // warm up: glibc's stack cache, allocator arenas
        TestClient client(port);
        ASSERT_EQ(client.echo("w"), "w");
    }
    ASSERT_TRUE(eventually([&] { return server.active_connections() == 0; }));
    const auto before = vm_size_kib();
    for (int i = 0; i < 200; ++i) {
        TestClient client(port);
        ASSERT_EQ(client.echo("r"), "r");
        client.close();
        ASSERT_TRUE(eventually([&] { return server.active_connections() == 0; }));
    }
    std::this_thread::sleep_for(50ms);  // the acceptor joins the last thread when it wakes
    const auto grown_mib = (static_cast<long>(vm_size_kib()) - static_cast<long>(before)) / 1024;
    EXPECT_LT(grown_mib, 400) << "virtual memory grew by " << grown_mib
                              << " MiB over 200 finished connections: are their threads joined?";
}

// Closes the filler descriptors and then restores the descriptor limit (members are destroyed in
// reverse order), whatever happens in the test.
struct FdExhaustion {
    oslab::ScopedFdLimit limit;
    std::vector<oslab::UniqueFd> fillers;
};

// EMFILE: accept4() cannot create the descriptor of the next client. The server must survive,
// must not spin on the still-readable listener, and must serve the waiting clients once
// descriptors are free again.
TEST(BlockingEchoServer, DescriptorExhaustionDoesNotSpinAndRecovers) {
    oslab::BlockingEchoServer server;
    const auto port = server.start();
    TestClient old_client(port);
    ASSERT_EQ(old_client.echo("before"), "before");

    FdExhaustion guard;
    // A low limit, so that exhausting it is quick (and leaves the rest of the machine alone).
    guard.limit.set_soft(
        std::min<rlim_t>(guard.limit.saved().rlim_cur, oslab::count_open_fds() + 64));

    // Client sockets first (they need descriptors), then fill every remaining descriptor.
    std::vector<oslab::UniqueFd> waiting;
    for (int i = 0; i < 4; ++i) {
        waiting.emplace_back(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
        ASSERT_TRUE(waiting.back().valid());
        oslab::set_socket_timeouts(waiting.back().get(), 10s);
    }
    for (;;) {
        oslab::UniqueFd filler(::dup(STDIN_FILENO));
        if (!filler) {
            ASSERT_EQ(errno, EMFILE);
            break;
        }
        guard.fillers.push_back(std::move(filler));
        ASSERT_LT(guard.fillers.size(), 100000u);
    }
    // connect() needs no new descriptor: the kernel completes the handshakes; accept4() fails.
    const auto address = oslab::ipv4_address("127.0.0.1", port);
    for (auto& fd : waiting) {
        ASSERT_EQ(::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address),
                  0);
    }

    // A server that retries accept() at once keeps a CPU busy, or waits for one on a loaded
    // machine: about 1 CPU demanded (CPU time alone would shrink on a loaded machine).
    const auto demand = oslab::cpus_demanded_while_sleeping(1500ms);
    EXPECT_LT(demand.cpus, 0.5) << "the accept loop spins while out of descriptors: the server's "
                                << "threads demanded " << demand.cpus
                                << " CPUs while accept4() failed (" << demand.by_thread << ")";
    EXPECT_EQ(old_client.echo("during"), "during") << "existing clients must be unharmed";

    guard.fillers.clear();  // descriptors are free again
    for (std::size_t i = 0; i < waiting.size(); ++i) {
        const std::string message = "waited " + std::to_string(i);
        oslab::write_all(waiting[i].get(), message);
        std::string got(message.size(), '\0');
        ASSERT_TRUE(oslab::read_exact(waiting[i].get(), std::as_writable_bytes(std::span(got))))
            << "a client that waited through EMFILE was closed";
        EXPECT_EQ(got, message);
    }
    TestClient new_client(port);
    EXPECT_EQ(new_client.echo("after"), "after");
}

TEST(BlockingEchoServer, PortInUseThrowsFromStart) {
    oslab::BlockingEchoServer first;
    oslab::EchoServerOptions options;
    options.port = first.start();
    oslab::BlockingEchoServer second(options);
    try {
        second.start();
        FAIL() << "start() on a port in use must throw";
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code().value(), EADDRINUSE) << e.what();
    }
    second.stop();  // harmless after a failed start
}

TEST(BlockingEchoServer, StartTwiceIsAnError) {
    oslab::BlockingEchoServer server;
    server.start();
    EXPECT_THROW(server.start(), std::logic_error);
}

TEST(BlockingEchoServer, DestructorStopsARunningServer) {
    settle_helper_threads();
    const auto before = oslab::count_tasks();
    std::unique_ptr<TestClient> client;
    {
        oslab::BlockingEchoServer server;
        client = std::make_unique<TestClient>(server.start());
        ASSERT_EQ(client->echo("x"), "x");
    }
    EXPECT_EQ(client->read_once(), TestClient::Outcome::closed);
    EXPECT_TRUE(eventually([&] { return oslab::count_tasks() == before; }));
}

TEST(BlockingEchoServer, LogsConnectsAndDisconnects) {
    std::mutex mutex;
    std::vector<std::string> lines;
    oslab::BlockingEchoServer server({}, [&](oslab::LogLevel, const std::string& line) {
        std::lock_guard lock(mutex);
        lines.push_back(line);
    });
    const auto port = server.start();
    {
        TestClient client(port);
        ASSERT_EQ(client.echo("log"), "log");
    }
    ASSERT_TRUE(eventually([&] { return server.active_connections() == 0; }));
    server.stop();
    std::lock_guard lock(mutex);
    ASSERT_GE(lines.size(), 2u);
    EXPECT_NE(lines[0].find("connected"), std::string::npos) << lines[0];
}

}  // namespace
