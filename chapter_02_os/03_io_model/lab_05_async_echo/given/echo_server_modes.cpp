// Given code (identical in starter/ and solution/): maps a mode name to a server.
#include "oslab/echo_server_modes.hpp"

#include <stdexcept>

#include "oslab/asio_echo_server.hpp"
#include "oslab/asio_threaded_echo_server.hpp"
#include "oslab/coro_echo_server.hpp"
#include "oslab/epoll_echo_server.hpp"
#include "oslab/uring_echo_server.hpp"

namespace oslab {

std::vector<std::string> echo_server_modes() {
    return {"asio", "asio-pool", "asio-naive", "coro", "epoll", "epoll-et", "uring"};
}

std::unique_ptr<EchoServer> make_echo_server(std::string_view mode,
                                             const EchoServerOptions& options,
                                             std::size_t threads) {
    auto single_thread_only = [&] {
        if (threads > 1) {
            throw std::invalid_argument("--threads applies to modes asio and asio-pool only");
        }
    };
    if (mode == "asio") {
        if (threads > 1) {
            return std::make_unique<AsioThreadedEchoServer>(
                options, AsioThreadConfig{threads, AsioThreadModel::shared_context});
        }
        return std::make_unique<AsioEchoServer>(options);
    }
    if (mode == "asio-pool") {
        return std::make_unique<AsioThreadedEchoServer>(
            options,
            AsioThreadConfig{threads == 0 ? 2 : threads, AsioThreadModel::context_per_thread});
    }
    if (mode == "asio-naive") {
        single_thread_only();
        return std::make_unique<AsioEchoServer>(options, AsioTuning::naive());
    }
    if (mode == "coro") {
        single_thread_only();
        return std::make_unique<CoroEchoServer>(options);
    }
    if (mode == "epoll" || mode == "epoll-et") {
        single_thread_only();
        return std::make_unique<EpollEchoServer>(options, EpollConfig{mode == "epoll-et"});
    }
    if (mode == "uring") {
        single_thread_only();
        return std::make_unique<UringEchoServer>(options);
    }
    throw std::invalid_argument("unknown mode '" + std::string(mode) +
                                "' (asio, asio-pool, asio-naive, coro, epoll, epoll-et)");
}

}  // namespace oslab
