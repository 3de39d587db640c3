// The Lab 5 servers by name, for the program, the tests, the benchmark and the C10K experiment.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "oslab/echo_server.hpp"

namespace oslab {

// "asio" (threads 1: AsioEchoServer; threads > 1: one io_context run by N threads, strands),
// "asio-pool" (one io_context per thread), "asio-naive" (Asio's example: 1 KiB, no TCP_NODELAY),
// "coro", "epoll", "epoll-et", "uring" (io_uring; where it is unavailable, start() throws saying
// why).
std::vector<std::string> echo_server_modes();

// threads 0 means the mode's default (1; 2 for asio-pool). Throws std::invalid_argument for an
// unknown mode, or a thread count the mode does not take.
std::unique_ptr<EchoServer> make_echo_server(std::string_view mode,
                                             const EchoServerOptions& options,
                                             std::size_t threads = 0);

}  // namespace oslab
