// Lab 5, server 2: the same echo server written with C++20 coroutines (co_spawn, use_awaitable).
// The code reads top to bottom like the blocking server of Lab 4, yet every co_await suspends the
// session instead of a thread. Built where the compiler supports Asio coroutines (GCC 12);
// elsewhere coroutines_supported() is false and start() throws std::runtime_error saying so.
#pragma once

#include <memory>

#include "oslab/echo_server.hpp"

namespace oslab {

class CoroEchoServer : public EchoServer {
public:
    explicit CoroEchoServer(EchoServerOptions options);
    ~CoroEchoServer() override;
    CoroEchoServer(const CoroEchoServer&) = delete;
    CoroEchoServer& operator=(const CoroEchoServer&) = delete;

    // True when this build has Asio C++20 coroutines (CMake's OSLAB_HAVE_ASIO_COROUTINES).
    static bool coroutines_supported();

    std::uint16_t start() override;
    void stop() override;
    std::size_t active_connections() const override;
    std::size_t total_connections() const override;

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace oslab
