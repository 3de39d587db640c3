// Lab 5, server 4: the event loop Asio hides, written by hand on epoll(7).
// One thread, non-blocking sockets, one epoll_wait loop; a connection is a small struct holding
// the bytes the kernel would not take yet. Level-triggered by default; edge-triggered on request.
#pragma once

#include <memory>

#include "oslab/echo_server.hpp"

namespace oslab {

struct EpollConfig {
    // false: level-triggered (EPOLLIN reported as long as data is waiting).
    // true:  edge-triggered (EPOLLET: reported once per arrival; read and write until EAGAIN).
    bool edge_triggered = false;
};

class EpollEchoServer : public EchoServer {
public:
    explicit EpollEchoServer(EchoServerOptions options, EpollConfig config = {});
    ~EpollEchoServer() override;
    EpollEchoServer(const EpollEchoServer&) = delete;
    EpollEchoServer& operator=(const EpollEchoServer&) = delete;

    std::uint16_t start() override;
    void stop() override;
    std::size_t active_connections() const override;
    std::size_t total_connections() const override;

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace oslab
