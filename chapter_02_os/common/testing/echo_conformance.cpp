// The echo conformance suite (see echo_conformance.hpp). Every case builds its own server with
// GetParam().make(options), starts it on an ephemeral loopback port, and stops it.
#include "echo_conformance.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <future>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <vector>

#include "eventually.hpp"
#include "oslab/net.hpp"
#include "oslab/proc_status.hpp"

namespace oslab::testing {

using namespace std::chrono_literals;

// ---------------------------------------------------------------------------------------------
// TestClient

namespace {

[[noreturn]] void timed_out(const char* what) {
    throw std::runtime_error(std::string(what) +
                             " timed out: the server neither answered nor closed the connection");
}

}  // namespace

TestClient::TestClient(std::uint16_t port, std::chrono::milliseconds timeout)
    : fd_(connect_tcp("127.0.0.1", port)) {
    set_socket_timeouts(fd_.get(), timeout);
}

void TestClient::send(std::span<const std::byte> data) {
    try {
        write_all(fd_.get(), data);
    } catch (const std::system_error& e) {
        if (e.code().value() == EAGAIN || e.code().value() == EWOULDBLOCK) timed_out("send");
        throw;
    }
}

void TestClient::send(const std::string& text) {
    send(std::as_bytes(std::span(text)));
}

void TestClient::receive(std::span<std::byte> buffer) {
    while (!buffer.empty()) {
        std::size_t n = 0;
        try {
            n = read_some(fd_.get(), buffer);
        } catch (const std::system_error& e) {
            if (e.code().value() == EAGAIN || e.code().value() == EWOULDBLOCK) timed_out("receive");
            throw;
        }
        if (n == 0) throw std::runtime_error("receive: the server closed the connection early");
        buffer = buffer.subspan(n);
    }
}

std::string TestClient::receive(std::size_t size) {
    std::string text(size, '\0');
    receive(std::as_writable_bytes(std::span(text)));
    return text;
}

std::string TestClient::echo(const std::string& text) {
    send(text);
    return receive(text.size());
}

TestClient::Outcome TestClient::read_once(std::size_t max, std::string* received) {
    std::string buffer(max, '\0');
    const ssize_t n = [&] {
        for (;;) {
            const ssize_t got = ::recv(fd_.get(), buffer.data(), buffer.size(), 0);
            if (got >= 0 || errno != EINTR) return got;
        }
    }();
    if (n > 0) {
        if (received != nullptr) received->append(buffer.data(), static_cast<std::size_t>(n));
        return Outcome::data;
    }
    if (n == 0) return Outcome::closed;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return Outcome::timed_out;
    if (errno == ECONNRESET || errno == EPIPE) return Outcome::reset;
    throw std::system_error(errno, std::generic_category(), "recv");
}

std::string TestClient::read_until_closed() {
    std::string all;
    for (;;) {
        switch (read_once(64 * 1024, &all)) {
            case Outcome::data:
                continue;
            case Outcome::closed:
                return all;
            case Outcome::reset:
                throw std::runtime_error("read_until_closed: connection reset instead of closed");
            case Outcome::timed_out:
                timed_out("read_until_closed");
        }
    }
}

void TestClient::shutdown_write() {
    if (::shutdown(fd_.get(), SHUT_WR) == -1) {
        throw std::system_error(errno, std::generic_category(), "shutdown(SHUT_WR)");
    }
}

void TestClient::close_with_reset() {
    // l_onoff = 1, l_linger = 0: close() discards unsent data and sends RST at once.
    const linger abort{1, 0};
    if (::setsockopt(fd_.get(), SOL_SOCKET, SO_LINGER, &abort, sizeof abort) == -1) {
        throw std::system_error(errno, std::generic_category(), "setsockopt(SO_LINGER)");
    }
    fd_.reset();
}

// ---------------------------------------------------------------------------------------------
// The cases

namespace {

// A running server, stopped (bounded) at the end of the case.
struct Running {
    std::unique_ptr<EchoServer> server;
    std::uint16_t port = 0;
};

Running start(const EchoServerOptions& options = {}) {
    Running running;
    running.server = EchoConformance::GetParam().make(options);
    running.port = running.server->start();
    return running;
}

std::string pattern(std::size_t size, std::size_t seed) {
    std::string text(size, '\0');
    for (std::size_t i = 0; i < size; ++i) {
        text[i] = static_cast<char>('a' + (i * 7 + seed * 13) % 26);
    }
    return text;
}

// Runs server.stop() on a detached thread so that a stop() that never returns fails the case
// instead of hanging the binary. On timeout the server is leaked on purpose (destroying it would
// call stop() again, and the stuck thread still uses it).
bool stop_returns(std::unique_ptr<EchoServer>& server, std::chrono::seconds limit = 5s) {
    std::promise<void> done;
    auto stopped = done.get_future();
    std::thread([raw = server.get(), done = std::move(done)]() mutable {
        try {
            raw->stop();
            done.set_value();
        } catch (...) {
            done.set_exception(std::current_exception());
        }
    }).detach();
    if (stopped.wait_for(limit) != std::future_status::ready) {
        ADD_FAILURE() << "stop() did not return within " << limit.count() << " s";
        (void)server.release();
        return false;
    }
    stopped.get();  // rethrows what stop() threw
    return true;
}

}  // namespace

TEST_P(EchoConformance, OneEcho) {
    auto running = start();
    TestClient client(running.port);
    EXPECT_EQ(client.echo("hello, echo"), "hello, echo");
}

TEST_P(EchoConformance, ThousandMessagesOnOneConnection) {
    auto running = start();
    TestClient client(running.port);
    for (std::size_t i = 0; i < 1000; ++i) {
        const auto message = pattern(1 + i % 200, i);
        ASSERT_EQ(client.echo(message), message) << "message " << i;
    }
}

TEST_P(EchoConformance, BinaryPayloadWithNulBytes) {
    auto running = start();
    TestClient client(running.port);
    std::string payload;
    for (int round = 0; round < 4; ++round) {
        for (int value = 0; value < 256; ++value)
            payload.push_back(static_cast<char>(value));
        payload.append(16, '\0');  // runs of NUL: a server using strlen() or C strings loses them
    }
    EXPECT_EQ(client.echo(payload), payload);
}

// 16 MiB is far more than the socket buffers hold. A server that reads everything before writing,
// or a client that writes everything before reading, would deadlock with both buffers full; here
// one thread writes while this one reads, and the server must keep both directions moving.
TEST_P(EchoConformance, SixteenMiBWrittenWhileReading) {
    auto running = start();
    TestClient client(running.port, 20s);
    const std::size_t size = 16u << 20;
    std::vector<std::byte> payload(size);
    for (std::size_t i = 0; i < size; ++i)
        payload[i] = static_cast<std::byte>((i * 2654435761u) >> 13);

    auto writer = std::async(std::launch::async, [&] { client.send(payload); });
    std::vector<std::byte> received(size);
    client.receive(received);
    ASSERT_EQ(writer.wait_for(20s), std::future_status::ready);
    writer.get();
    EXPECT_TRUE(received == payload) << "the 16 MiB came back altered";
}

// 200 clients connected at the same time; four threads drive them in rounds, each client with its
// own payload, so a server that mixes up connections (or serves one at a time) fails.
TEST_P(EchoConformance, TwoHundredConcurrentClients) {
    auto running = start();
    constexpr std::size_t clients = 200, threads = 4, rounds = 5;
    std::vector<std::unique_ptr<TestClient>> connected;
    for (std::size_t i = 0; i < clients; ++i) {
        connected.push_back(std::make_unique<TestClient>(running.port));
    }
    std::vector<std::future<std::size_t>> workers;
    for (std::size_t t = 0; t < threads; ++t) {
        workers.push_back(std::async(std::launch::async, [&, t] {
            std::size_t good = 0;
            for (std::size_t round = 0; round < rounds; ++round) {
                // All of this thread's clients send first, then all read: the server holds many
                // requests at once.
                for (std::size_t i = t; i < clients; i += threads) {
                    connected[i]->send("client " + std::to_string(i) + " round " +
                                       std::to_string(round) + ";" + pattern(i % 50, i));
                }
                for (std::size_t i = t; i < clients; i += threads) {
                    const auto expected = "client " + std::to_string(i) + " round " +
                                          std::to_string(round) + ";" + pattern(i % 50, i);
                    if (connected[i]->receive(expected.size()) == expected) ++good;
                }
            }
            return good;
        }));
    }
    std::size_t good = 0;
    for (auto& worker : workers) {
        ASSERT_EQ(worker.wait_for(30s), std::future_status::ready);
        good += worker.get();
    }
    EXPECT_EQ(good, clients * rounds);
    EXPECT_GE(running.server->total_connections(), clients);
}

// shutdown(SHUT_WR) sends a FIN: the server's read returns 0 (end of stream) after the data. It
// must still echo everything that came before, then close its side: the client reads EOF.
TEST_P(EchoConformance, HalfCloseEchoesTheRestThenCloses) {
    auto running = start();
    TestClient client(running.port);
    const auto payload = pattern(3000, 1);
    client.send(payload);
    client.shutdown_write();
    EXPECT_EQ(client.read_until_closed(), payload);
}

// A client that dies with unread echoes and unsent data: its connection is reset (RST), so the
// server's write fails with ECONNRESET/EPIPE. That must end this one connection, not the server.
TEST_P(EchoConformance, ClientResetMidTransferDoesNotHurtOthers) {
    auto running = start();
    TestClient bystander(running.port);
    ASSERT_EQ(bystander.echo("before"), "before");
    {
        TestClient rude(running.port, 200ms);
        const std::string chunk(64 * 1024, 'r');
        // Send without reading until the buffers fill up (the send times out) or 2 MiB went out:
        // the server is now blocked in, or in the middle of, echoing to this client.
        for (int i = 0; i < 32; ++i) {
            try {
                rude.send(chunk);
            } catch (const std::runtime_error&) {
                break;  // timed out: every buffer on the way is full
            }
        }
        rude.close_with_reset();
    }
    EXPECT_EQ(bystander.echo("after"), "after");
    TestClient newcomer(running.port);
    EXPECT_EQ(newcomer.echo("new"), "new");
    EXPECT_TRUE(eventually([&] { return running.server->active_connections() == 2; }))
        << "the reset connection should be gone: active_connections() = "
        << running.server->active_connections();
}

// stop() with connected clients (one of them in the middle of a message) must return promptly
// (the bound here is generous against CI noise; the property is "returns and joins"), close every
// client, and stop listening. It is idempotent.
TEST_P(EchoConformance, StopWithClientsConnectedReturnsAndClosesThem) {
    auto running = start();
    std::vector<std::unique_ptr<TestClient>> clients;
    for (int i = 0; i < 8; ++i) {
        clients.push_back(std::make_unique<TestClient>(running.port));
        ASSERT_EQ(clients.back()->echo("hi"), "hi");
    }
    clients.back()->send("half a mess");  // never completed
    ASSERT_TRUE(eventually([&] { return running.server->active_connections() == 8; }));

    ASSERT_TRUE(stop_returns(running.server));
    for (auto& client : clients) {
        std::string rest;
        TestClient::Outcome outcome;
        while ((outcome = client->read_once(4096, &rest)) == TestClient::Outcome::data) {
        }
        EXPECT_NE(outcome, TestClient::Outcome::timed_out) << "a client was left connected";
    }
    EXPECT_EQ(running.server->active_connections(), 0u);
    EXPECT_THROW(TestClient(running.port, 1s), std::system_error) << "still listening after stop";
    running.server->stop();  // idempotent: a second stop is harmless
    running.server.reset();  // and so is the destructor's
}

TEST_P(EchoConformance, StopWithoutClientsAndTwice) {
    auto running = start();
    ASSERT_TRUE(stop_returns(running.server));
    ASSERT_TRUE(stop_returns(running.server));
}

// Every descriptor the server opened (listener, accepted sockets, pipes, epoll...) is closed once
// it is stopped and destroyed. Counted in /proc/self/fd.
TEST_P(EchoConformance, NoDescriptorLeakedAfterStop) {
    const auto before = count_open_fds();
    {
        auto running = start();
        {
            std::vector<std::unique_ptr<TestClient>> clients;
            for (int i = 0; i < 10; ++i) {
                clients.push_back(std::make_unique<TestClient>(running.port));
                ASSERT_EQ(clients.back()->echo("leak?"), "leak?");
            }
            clients[0]->close();
            clients[1]->close_with_reset();
            ASSERT_EQ(clients[2]->echo("still"), "still");
        }  // the test's own client descriptors are closed here
        auto open_client = std::make_unique<TestClient>(running.port);  // open during stop
        ASSERT_EQ(open_client->echo("x"), "x");
        ASSERT_TRUE(stop_returns(running.server));
        open_client.reset();
        running.server.reset();
    }
    EXPECT_EQ(count_open_fds(), before) << "descriptors leaked by the server";
}

// max_connections = 3: the first three are served; more are refused or closed at once (never
// served, never left hanging); the three are unharmed; a freed slot can be used again.
TEST_P(EchoConformance, MaxConnectionsRefusesTheExtraOnes) {
    EchoServerOptions options;
    options.max_connections = 3;
    auto running = start(options);
    std::vector<std::unique_ptr<TestClient>> served;
    for (int i = 0; i < 3; ++i) {
        served.push_back(std::make_unique<TestClient>(running.port));
        ASSERT_EQ(served.back()->echo("ok" + std::to_string(i)), "ok" + std::to_string(i));
    }
    for (int extra = 0; extra < 2; ++extra) {
        try {
            TestClient client(running.port, 3s);
            try {
                client.send("extra");
            } catch (const std::exception&) {
                continue;  // already closed by the server: refused
            }
            std::string got;
            const auto outcome = client.read_once(4096, &got);
            EXPECT_NE(outcome, TestClient::Outcome::data) << "connection beyond the limit served";
            EXPECT_NE(outcome, TestClient::Outcome::timed_out)
                << "connection beyond the limit neither served nor closed";
        } catch (const std::system_error&) {
            // connect() refused: also fine
        }
    }
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(served[i]->echo("still" + std::to_string(i)), "still" + std::to_string(i));
    }
    EXPECT_LE(running.server->active_connections(), 3u);

    served[0]->close();
    ASSERT_TRUE(eventually([&] { return running.server->active_connections() < 3; }));
    TestClient again(running.port);
    EXPECT_EQ(again.echo("slot reused"), "slot reused");
}

// idle_timeout = 1 s: a silent client is dropped; a client that keeps talking (every 100 ms, for
// 1.5 s in all: longer than the timeout) is not, so the timeout counts silence, not connection
// age. The timeout is long against the ticks: a chatty client is dropped only if the test
// thread is kept off the CPU for about 900 ms, which even a loaded machine does not do.
TEST_P(EchoConformance, IdleClientIsDropped) {
    EchoServerOptions options;
    options.idle_timeout = 1s;
    auto running = start(options);
    TestClient idle(running.port);
    ASSERT_EQ(idle.echo("then silence"), "then silence");
    TestClient chatty(running.port);
    const auto talk_until = std::chrono::steady_clock::now() + 1500ms;
    for (int tick = 0; tick < 100 && std::chrono::steady_clock::now() < talk_until; ++tick) {
        ASSERT_EQ(chatty.echo("tick"), "tick") << "an active client was dropped at tick " << tick;
        std::this_thread::sleep_for(100ms);
    }
    const auto outcome = idle.read_once();
    EXPECT_TRUE(outcome == TestClient::Outcome::closed || outcome == TestClient::Outcome::reset)
        << "the idle client was not dropped";
    EXPECT_EQ(chatty.echo("tock"), "tock");
}

// Without idle_timeout a quiet client stays connected.
TEST_P(EchoConformance, NoIdleTimeoutByDefault) {
    auto running = start();
    TestClient quiet(running.port);
    ASSERT_EQ(quiet.echo("a"), "a");
    std::this_thread::sleep_for(400ms);
    EXPECT_EQ(quiet.echo("b"), "b");
}

TEST_P(EchoConformance, CountsConnections) {
    auto running = start();
    EXPECT_EQ(running.server->active_connections(), 0u);
    {
        TestClient a(running.port), b(running.port), c(running.port);
        ASSERT_EQ(a.echo("a"), "a");
        ASSERT_EQ(b.echo("b"), "b");
        ASSERT_EQ(c.echo("c"), "c");
        EXPECT_TRUE(eventually([&] { return running.server->active_connections() == 3; }));
        EXPECT_EQ(running.server->total_connections(), 3u);
    }
    EXPECT_TRUE(eventually([&] { return running.server->active_connections() == 0; }))
        << "active_connections() = " << running.server->active_connections();
    EXPECT_EQ(running.server->total_connections(), 3u);
}

}  // namespace oslab::testing
