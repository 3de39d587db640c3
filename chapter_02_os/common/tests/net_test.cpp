// Tests of the TCP helpers (oslab/net.hpp) over loopback.
#include "oslab/net.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
#include <future>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "oslab/proc_status.hpp"

namespace {

struct Pair {
    oslab::UniqueFd client;
    oslab::UniqueFd server;
};

Pair connected_pair() {
    auto listener = oslab::listen_tcp("127.0.0.1", 0);
    const auto port = oslab::local_port(listener.get());
    auto client = oslab::connect_tcp("127.0.0.1", port);
    oslab::UniqueFd server(::accept(listener.get(), nullptr, nullptr));
    if (!server) throw std::system_error(errno, std::generic_category(), "accept");
    return {std::move(client), std::move(server)};
}

TEST(Net, ListenOnPortZeroGetsARealPort) {
    auto listener = oslab::listen_tcp("127.0.0.1", 0);
    EXPECT_TRUE(listener.valid());
    EXPECT_NE(oslab::local_port(listener.get()), 0);
}

TEST(Net, BindingAPortInUseThrowsNamingBind) {
    auto first = oslab::listen_tcp("127.0.0.1", 0);
    const auto port = oslab::local_port(first.get());
    try {
        oslab::listen_tcp("127.0.0.1", port);
        FAIL() << "a second listener on the same port must fail";
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code().value(), EADDRINUSE);
        EXPECT_NE(std::string(e.what()).find("bind"), std::string::npos) << e.what();
    }
}

TEST(Net, BadHostIsRejected) {
    EXPECT_THROW(oslab::listen_tcp("not an address", 0), std::invalid_argument);
}

// One strict parser (inet_pton): a dotted quad only, no host names, and an error that says so.
TEST(Net, HostNamesAreRejectedWithAClearError) {
    try {
        oslab::listen_tcp("localhost", 0);
        FAIL() << "a host name must be rejected: the labs take IPv4 addresses only";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("not an IPv4 address: 'localhost'"), std::string::npos)
            << e.what();
    }
    EXPECT_THROW(oslab::connect_tcp("127.1", 7), std::invalid_argument);
    EXPECT_EQ(oslab::ipv4_address("127.0.0.1", 7007).sin_port, htons(7007));
}

TEST(Net, ConnectToAClosedPortThrowsConnectionRefused) {
    std::uint16_t port = 0;
    {
        auto listener = oslab::listen_tcp("127.0.0.1", 0);
        port = oslab::local_port(listener.get());
    }
    try {
        oslab::connect_tcp("127.0.0.1", port);
        FAIL() << "nobody listens there";
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code().value(), ECONNREFUSED);
    }
}

TEST(Net, TextRoundTrip) {
    auto [client, server] = connected_pair();
    oslab::write_all(client.get(), std::string("hello"));
    EXPECT_EQ(oslab::read_exact(server.get(), 5), "hello");
}

TEST(Net, ReadSomeReturnsZeroAtEndOfStream) {
    auto [client, server] = connected_pair();
    client.reset();
    std::byte buffer[16];
    EXPECT_EQ(oslab::read_some(server.get(), buffer), 0u);
}

TEST(Net, ReadExactReportsEarlyEnd) {
    auto [client, server] = connected_pair();
    oslab::write_all(client.get(), std::string("abc"));
    client.reset();
    std::vector<std::byte> buffer(10);
    EXPECT_FALSE(oslab::read_exact(server.get(), buffer));
}

TEST(Net, ReadExactTextThrowsOnEarlyEnd) {
    auto [client, server] = connected_pair();
    client.reset();
    EXPECT_THROW(oslab::read_exact(server.get(), 4), std::runtime_error);
}

// 8 MiB is far more than a socket buffer holds: write_all must loop over partial writes while
// the other side reads concurrently.
TEST(Net, LargeWriteIsCompleteDespitePartialWrites) {
    auto [client, server] = connected_pair();
    std::vector<std::byte> data(8u << 20);
    for (std::size_t i = 0; i < data.size(); ++i)
        data[i] = static_cast<std::byte>(i * 131 + 7);
    auto reader = std::async(std::launch::async, [fd = server.get(), size = data.size()] {
        std::vector<std::byte> got(size);
        return oslab::read_exact(fd, got) ? got : std::vector<std::byte>{};
    });
    oslab::write_all(client.get(), data);
    ASSERT_EQ(reader.wait_for(std::chrono::seconds(20)), std::future_status::ready);
    EXPECT_TRUE(reader.get() == data);
}

// MSG_NOSIGNAL: writing to a connection the peer closed gives EPIPE (or ECONNRESET), and the
// process is not killed by SIGPIPE (it would be, and this test binary would die, without it).
TEST(Net, WriteToClosedPeerThrowsInsteadOfSigpipe) {
    auto [client, server] = connected_pair();
    server.reset();
    const std::string chunk(64 * 1024, 'x');
    try {
        for (int i = 0; i < 100; ++i)
            oslab::write_all(client.get(), chunk);
        FAIL() << "writing to a closed peer must fail";
    } catch (const std::system_error& e) {
        EXPECT_TRUE(e.code().value() == EPIPE || e.code().value() == ECONNRESET) << e.what();
    }
}

TEST(Net, WriteAllWorksOnAPipe) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    oslab::UniqueFd read_end(fds[0]), write_end(fds[1]);
    oslab::write_all(write_end.get(), std::string("pipe"));
    EXPECT_EQ(oslab::read_exact(read_end.get(), 4), "pipe");
}

TEST(Net, NoDescriptorLeaks) {
    const auto before = oslab::count_open_fds();
    {
        auto [client, server] = connected_pair();
        oslab::write_all(client.get(), std::string("x"));
        EXPECT_EQ(oslab::read_exact(server.get(), 1), "x");
    }
    EXPECT_EQ(oslab::count_open_fds(), before);
}

}  // namespace
