// Lab 5, server 1: Boost.Asio with completion handlers, one io_context run by one thread.
//
// Asio offers a *proactor* interface ("read into this buffer and call me when done") and, on
// Linux, implements it with a *reactor* inside: one epoll instance, one thread calling epoll_wait,
// and non-blocking sockets. Thousands of sessions therefore cost one thread and a small object
// each.
#pragma once

#include <cstddef>
#include <memory>

#include "oslab/echo_server.hpp"

namespace oslab {

// Per-session knobs. The defaults are what a real server wants; AsioTuning::naive() is what
// Boost.Asio's shipped echo example does, and it stalls ~40 ms on every 4 KiB message (see README,
// "The Nagle trap").
struct AsioTuning {
    // Bytes per async_read_some. Each session owns one buffer for its whole life, so this is
    // most of what an idle connection costs in user space (C10K: 10,000 x 4 KiB = 40 MiB).
    std::size_t buffer_size = 4 * 1024;
    bool no_delay = true;  // TCP_NODELAY on every accepted socket
    static AsioTuning naive() { return AsioTuning{1024, false}; }
};

class AsioEchoServer : public EchoServer {
public:
    explicit AsioEchoServer(EchoServerOptions options, AsioTuning tuning = {});
    ~AsioEchoServer() override;
    AsioEchoServer(const AsioEchoServer&) = delete;
    AsioEchoServer& operator=(const AsioEchoServer&) = delete;

    std::uint16_t start() override;
    void stop() override;
    std::size_t active_connections() const override;
    std::size_t total_connections() const override;

    struct Impl;  // defined in asio_echo_server.cpp (yours to shape)

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace oslab
