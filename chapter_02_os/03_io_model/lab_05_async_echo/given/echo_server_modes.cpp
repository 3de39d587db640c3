// Given code (identical in starter/ and solution/): the table of Lab 5 servers. One row per mode.
#include "oslab/echo_server_modes.hpp"

#include <algorithm>
#include <stdexcept>

#include "oslab/asio_echo_server.hpp"
#include "oslab/asio_threaded_echo_server.hpp"
#include "oslab/coro_echo_server.hpp"
#include "oslab/epoll_echo_server.hpp"
#include "oslab/uring_echo_server.hpp"

namespace oslab {
namespace {

using Options = EchoServerOptions;

// io_uring can be missing at run time (old kernel, sysctl, seccomp) or at build time (no
// liburing): the probe says which, in one line, and the row carries it.
std::string uring_unavailable() {
    const UringAvailability availability = probe_io_uring();
    return availability.ok ? "" : availability.reason;
}

std::vector<EchoMode> make_table() {
    return {
        {"asio", "Boost.Asio completion handlers, one io_context on one thread", 0,
         [](const Options& o, std::size_t) { return std::make_unique<AsioEchoServer>(o); }},
        {"asio-mt", "Boost.Asio, one io_context run by --threads threads (strands)", 2,
         [](const Options& o, std::size_t threads) {
             return std::make_unique<AsioThreadedEchoServer>(
                 o, AsioThreadConfig{threads, AsioThreadModel::shared_context});
         }},
        {"asio-pool", "Boost.Asio, one io_context per thread, --threads of them", 2,
         [](const Options& o, std::size_t threads) {
             return std::make_unique<AsioThreadedEchoServer>(
                 o, AsioThreadConfig{threads, AsioThreadModel::context_per_thread});
         }},
        {"asio-naive", "Boost.Asio's own example: 1 KiB reads, no TCP_NODELAY (the Nagle trap)", 0,
         [](const Options& o, std::size_t) {
             return std::make_unique<AsioEchoServer>(o, AsioTuning::naive());
         },
         "", /*compared=*/false},
        {"coro", "Boost.Asio with C++20 coroutines (co_spawn, use_awaitable)", 0,
         [](const Options& o, std::size_t) { return std::make_unique<CoroEchoServer>(o); },
         CoroEchoServer::coroutines_supported()
             ? ""
             : "Boost.Asio C++20 coroutines are not supported by this compiler (GCC 12 builds "
               "them; Clang 14 with Boost 1.74 does not)"},
        {"epoll", "raw epoll(7), level-triggered, one thread", 0,
         [](const Options& o, std::size_t) {
             return std::make_unique<EpollEchoServer>(o, EpollConfig{false});
         }},
        {"epoll-et", "raw epoll(7), edge-triggered (EPOLLET), one thread", 0,
         [](const Options& o, std::size_t) {
             return std::make_unique<EpollEchoServer>(o, EpollConfig{true});
         }},
        {"uring",
         "io_uring(7): multishot accept and recv into one provided-buffer ring, one thread", 0,
         [](const Options& o, std::size_t) { return std::make_unique<UringEchoServer>(o); },
         uring_unavailable()},
    };
}

}  // namespace

const std::vector<EchoMode>& echo_modes() {
    static const std::vector<EchoMode> table = make_table();
    return table;
}

std::string echo_mode_names() {
    std::string names;
    for (const auto& mode : echo_modes())
        names += (names.empty() ? "" : ", ") + mode.name;
    return names;
}

const EchoMode& echo_mode(std::string_view name) {
    for (const auto& mode : echo_modes()) {
        if (mode.name == name) return mode;
    }
    throw std::invalid_argument("unknown mode '" + std::string(name) + "' (" + echo_mode_names() +
                                ")");
}

std::unique_ptr<EchoServer> make_echo_server(std::string_view name,
                                             const EchoServerOptions& options,
                                             std::size_t threads) {
    const EchoMode& mode = echo_mode(name);
    if (!mode.unavailable.empty()) {
        throw std::runtime_error("mode " + mode.name + ": " + mode.unavailable);
    }
    if (mode.default_threads == 0 && threads > 1) {
        std::string threaded;
        for (const auto& other : echo_modes()) {
            if (other.default_threads > 0) threaded += (threaded.empty() ? "" : ", ") + other.name;
        }
        throw std::invalid_argument("mode " + mode.name + " runs one thread: --threads is for " +
                                    threaded);
    }
    return mode.factory(options,
                        threads == 0 ? std::max<std::size_t>(1, mode.default_threads) : threads);
}

}  // namespace oslab
