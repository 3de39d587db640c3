// The Lab 5 servers by name: ONE table that the program (--mode), the tests (a conformance and a
// program-contract instantiation per row), the benchmark (Echo/<mode>/...), lab05_c10k and the
// chapter report (which reads the mode names from the benchmark names) all iterate.
//
// Adding a server = its own files (include/oslab/<x>_echo_server.hpp, starter/ and solution/)
// plus one row in given/echo_server_modes.cpp. A server this build cannot have (no compiler
// support, a missing library) keeps its row with `unavailable` saying why: tests skip with that
// reason, programs print it in one line and exit non-zero.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "oslab/echo_server.hpp"

namespace oslab {

struct EchoMode {
    std::string name;  // --mode value; also in benchmark names and C10K rows ("epoll-et")
    std::string help;  // one line for --help
    // Threads the server runs when --threads is not given. 0: a single-threaded design that
    // does not take --threads at all.
    std::size_t default_threads = 0;
    // Builds the server (not started) with this many threads (already defaulted and checked).
    std::function<std::unique_ptr<EchoServer>(const EchoServerOptions&, std::size_t threads)>
        factory;
    // Empty: built here. Else why not, in words a student can act on.
    std::string unavailable = {};
    // In the benchmark grid and C10K (false: a demonstration, e.g. the Nagle trap of asio-naive).
    bool compared = true;
};

// Every mode, in the order programs and reports list them.
const std::vector<EchoMode>& echo_modes();

// The row named `name`; throws std::invalid_argument "unknown mode 'x' (asio, asio-mt, ...)".
const EchoMode& echo_mode(std::string_view name);

// "asio, asio-mt, asio-pool, ..." (for help and error text).
std::string echo_mode_names();

// The row's server. threads 0 means the row's default. Throws std::invalid_argument for an
// unknown mode or a thread count the mode does not take, std::runtime_error (the row's reason)
// for a mode this build does not have.
std::unique_ptr<EchoServer> make_echo_server(std::string_view mode,
                                             const EchoServerOptions& options,
                                             std::size_t threads = 0);

}  // namespace oslab
