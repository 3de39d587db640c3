// Lab 5, server 3: Boost.Asio on several threads, in the two classic layouts.
//   shared_context:      one io_context whose run() is called by N threads. Any thread may run any
//                        handler, so each session's handlers go through a strand (never two at
//                        once).
//   context_per_thread:  N io_contexts, one thread each ("io_context per core"). A session lives on
//                        one context for its whole life: no strand, no sharing, like nginx workers.
#pragma once

#include <cstddef>
#include <memory>

#include "oslab/echo_server.hpp"

namespace oslab {

enum class AsioThreadModel { shared_context, context_per_thread };

struct AsioThreadConfig {
    std::size_t threads = 2;  // at least 1
    AsioThreadModel model = AsioThreadModel::shared_context;
};

class AsioThreadedEchoServer : public EchoServer {
public:
    AsioThreadedEchoServer(EchoServerOptions options, AsioThreadConfig config);
    ~AsioThreadedEchoServer() override;
    AsioThreadedEchoServer(const AsioThreadedEchoServer&) = delete;
    AsioThreadedEchoServer& operator=(const AsioThreadedEchoServer&) = delete;

    std::uint16_t start() override;
    void stop() override;
    std::size_t active_connections() const override;
    std::size_t total_connections() const override;

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace oslab
