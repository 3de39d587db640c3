// Tests of the echo load generator's engine against small in-test servers on loopback.
#include "oslab/echo_load.hpp"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "eventually.hpp"
#include "oslab/net.hpp"
#include "oslab/proc_status.hpp"

namespace {

using namespace std::chrono_literals;

// A minimal thread-per-connection echo server; `corrupt` flips one byte in every echo so the
// generator's verification has something to catch; `close_after` closes each client after that
// many bytes.
class TinyEchoServer {
public:
    explicit TinyEchoServer(bool corrupt = false, std::size_t close_after = 0)
        : listener_(oslab::listen_tcp("127.0.0.1", 0)),
          port_(oslab::local_port(listener_.get())),
          corrupt_(corrupt),
          close_after_(close_after),
          acceptor_([this] { accept_loop(); }) {}
    ~TinyEchoServer() {
        stopping_ = true;
        acceptor_.join();  // polls with a timeout and checks stopping_
        std::vector<std::thread> threads;
        {
            std::lock_guard lock(mutex_);
            for (int fd : clients_)
                ::shutdown(fd, SHUT_RDWR);
            threads.swap(threads_);
        }
        for (auto& thread : threads)
            thread.join();  // without the lock: serve() needs it to end
    }
    std::size_t active() {
        std::lock_guard lock(mutex_);
        return clients_.size();
    }
    std::uint16_t port() const { return port_; }

private:
    void accept_loop() {
        while (!stopping_) {
            pollfd waiting{listener_.get(), POLLIN, 0};
            if (::poll(&waiting, 1, 50) <= 0) continue;
            oslab::UniqueFd client(::accept(listener_.get(), nullptr, nullptr));
            if (!client) continue;
            std::lock_guard lock(mutex_);
            clients_.push_back(client.get());
            threads_.emplace_back(
                [this, fd = std::move(client)]() mutable { serve(std::move(fd)); });
        }
    }
    void serve(oslab::UniqueFd fd) {
        std::vector<std::byte> buffer(4096);
        std::size_t total = 0;
        try {
            for (;;) {
                const auto n = oslab::read_some(fd.get(), buffer);
                if (n == 0) break;
                if (corrupt_) buffer[n - 1] ^= std::byte{0x5a};
                oslab::write_all(fd.get(), std::span(buffer.data(), n));
                total += n;
                if (close_after_ != 0 && total >= close_after_) break;
            }
        } catch (const std::system_error&) {
        }
        std::lock_guard lock(mutex_);
        std::erase(clients_, fd.get());
        fd.reset();
    }

    oslab::UniqueFd listener_;
    std::uint16_t port_;
    bool corrupt_;
    std::size_t close_after_;
    std::atomic<bool> stopping_{false};
    std::mutex mutex_;
    std::vector<int> clients_;
    std::vector<std::thread> threads_;
    std::thread acceptor_;  // last: started once everything above exists
};

oslab::LoadOptions options_for(std::uint16_t port, std::size_t connections, std::size_t size) {
    oslab::LoadOptions options;
    options.port = port;
    options.connections = connections;
    options.message_size = size;
    options.duration = 300ms;
    options.warmup = 50ms;
    return options;
}

TEST(EchoLoad, DrivesEveryConnectionAndVerifies) {
    TinyEchoServer server;
    const auto result = oslab::run_echo_load(options_for(server.port(), 8, 64));
    EXPECT_EQ(result.connections, 8u);
    EXPECT_EQ(result.errors, 0u);
    EXPECT_GT(result.messages, 8u);
    EXPECT_EQ(result.bytes, result.messages * 64);
    EXPECT_GT(result.seconds, 0.2);
    EXPECT_GT(result.messages_per_second, 0);
    EXPECT_GT(result.megabytes_per_second, 0);
    EXPECT_GT(result.p50_us, 0);
    EXPECT_LE(result.p50_us, result.p99_us);
    EXPECT_LE(result.p99_us, result.p999_us);
}

// A fixed amount of work: the measured phase ends at max_messages (within the messages in flight,
// one per connection), and the callbacks bracket it exactly once each, in order, after the
// warm-up and while the connections are open.
TEST(EchoLoad, MaxMessagesEndsTheRunAndCallbacksBracketIt) {
    TinyEchoServer server;
    auto options = options_for(server.port(), 4, 64);
    options.duration = 30s;  // the bound if max_messages were ignored: the test would time out
    options.warmup = 50ms;
    options.max_messages = 500;
    int starts = 0, ends = 0;
    std::size_t open_at_end = 0;
    options.on_measure_start = [&] {
        EXPECT_EQ(ends, 0);
        ++starts;
    };
    options.on_measure_end = [&] {
        EXPECT_EQ(starts, 1);
        ++ends;
        open_at_end = server.active();
    };
    const auto result = oslab::run_echo_load(options);
    EXPECT_EQ(starts, 1);
    EXPECT_EQ(ends, 1);
    EXPECT_EQ(open_at_end, 4u);
    EXPECT_EQ(result.errors, 0u);
    // Checked between epoll rounds: one round may finish every connection's message.
    EXPECT_GE(result.messages, 500u);
    EXPECT_LT(result.messages, 500u + 4u);
    EXPECT_LT(result.seconds, 30.0);
}

// Messages larger than the socket buffers: the engine must read while it is still sending.
TEST(EchoLoad, LargeMessagesDoNotDeadlock) {
    TinyEchoServer server;
    auto options = options_for(server.port(), 2, 4u << 20);
    const auto result = oslab::run_echo_load(options);
    EXPECT_EQ(result.errors, 0u);
    EXPECT_GT(result.messages, 0u);
}

TEST(EchoLoad, CorruptedEchoesAreErrors) {
    TinyEchoServer server(/*corrupt=*/true);
    const auto result = oslab::run_echo_load(options_for(server.port(), 4, 32));
    EXPECT_EQ(result.connections, 4u);
    EXPECT_EQ(result.errors, 4u) << "every connection gets a wrong byte";
    EXPECT_EQ(result.messages, 0u);
}

TEST(EchoLoad, ServerClosingConnectionsCountsErrorsAndEndsEarly) {
    TinyEchoServer server(false, /*close_after=*/640);
    auto options = options_for(server.port(), 3, 64);
    options.duration = 10s;  // ends long before: every connection is closed by the server
    const auto started = std::chrono::steady_clock::now();
    const auto result = oslab::run_echo_load(options);
    EXPECT_EQ(result.errors, 3u);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 9s);
}

TEST(EchoLoad, NobodyListeningGivesZeroConnections) {
    std::uint16_t port = 0;
    {
        auto listener = oslab::listen_tcp("127.0.0.1", 0);
        port = oslab::local_port(listener.get());
    }
    const auto result = oslab::run_echo_load(options_for(port, 5, 64));
    EXPECT_EQ(result.connections, 0u);
    EXPECT_EQ(result.errors, 5u);
    EXPECT_EQ(result.messages, 0u);
}

TEST(EchoLoad, RejectsEmptyMessages) {
    EXPECT_THROW(oslab::run_echo_load(options_for(1, 1, 0)), std::invalid_argument);
}

TEST(EchoLoad, NoDescriptorLeak) {
    TinyEchoServer server;
    const auto server_idle = [&] {
        // The server's accepted sockets close asynchronously (its threads see end of stream).
        return oslab::testing::eventually([&] { return server.active() == 0; }, 3s);
    };
    ASSERT_TRUE(server_idle());
    const auto before = oslab::count_open_fds();
    (void)oslab::run_echo_load(options_for(server.port(), 4, 64));
    ASSERT_TRUE(server_idle());
    EXPECT_EQ(oslab::count_open_fds(), before);
}

TEST(HoldConnections, HoldsChecksAndCallsBack) {
    TinyEchoServer server;
    oslab::HoldOptions options;
    options.port = server.port();
    options.connections = 50;
    options.hold = 200ms;
    int calls = 0;
    std::size_t open_during_hold = 0;
    const auto result = oslab::hold_connections(options, [&] {
        ++calls;
        open_during_hold = oslab::count_open_fds();
    });
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(result.opened, 50u);
    EXPECT_EQ(result.echoed_at_end, 50u);
    EXPECT_EQ(result.errors, 0u);
    EXPECT_GE(open_during_hold, 100u) << "50 client + 50 server sockets during the hold";
}

TEST(HoldConnections, ServerClosingMeansNotEchoedAtEnd) {
    TinyEchoServer server(false, /*close_after=*/1);  // closes after the first echo
    oslab::HoldOptions options;
    options.port = server.port();
    options.connections = 5;
    options.hold = 100ms;
    const auto result = oslab::hold_connections(options);
    EXPECT_EQ(result.opened, 5u);
    EXPECT_EQ(result.echoed_at_end, 0u);
    EXPECT_EQ(result.errors, 5u);
}

}  // namespace
