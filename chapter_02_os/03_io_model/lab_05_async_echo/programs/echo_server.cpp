// lab05_echo_server: run one of the Lab 5 servers until SIGINT/SIGTERM.
//   lab05_echo_server --mode epoll --port 7007
//   lab05_echo_server --mode asio-mt --threads 4
// The modes are the rows of oslab/echo_server_modes.hpp (--help lists them).
// Contract (same as lab04_echo_server): the first line of standard output is exactly
// "listening on HOST:PORT" (the real port with --port 0), flushed at once; exit 0 after a clean
// stop on SIGINT/SIGTERM; one line on standard error and a non-zero exit on bad input, on a mode
// this build does not have, and when it cannot listen.
#include <fmt/core.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "oslab/cli.hpp"
#include "oslab/echo_server_modes.hpp"
#include "oslab/fd_limit.hpp"

namespace {

// "--mode" help: one line per row of the table.
std::string mode_help() {
    std::string help = "the server:";
    for (const auto& mode : oslab::echo_modes()) {
        help += fmt::format("\n  {:<11} {}", mode.name, mode.help);
        if (mode.default_threads > 0) help += fmt::format(" (default {})", mode.default_threads);
        if (!mode.unavailable.empty()) help += " [not in this build]";
    }
    return help;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Lab 5 echo server: Boost.Asio (handlers, coroutines, threads) or raw epoll"};
    std::string mode_name = "asio";
    std::size_t threads = 0;
    oslab::EchoServerOptions options;
    options.port = 7007;
    double idle_seconds = 0;
    std::vector<std::string> names;
    for (const auto& mode : oslab::echo_modes())
        names.push_back(mode.name);
    app.add_option("--mode", mode_name, mode_help())
        ->check(CLI::IsMember(names))
        ->capture_default_str();
    app.add_option("--threads", threads, "threads of a multi-thread mode (default: the mode's)")
        ->check(CLI::Range(1, 1024));
    app.add_option("--host", options.host, "IPv4 address to bind")
        ->check(oslab::ipv4_check())
        ->capture_default_str();
    app.add_option("--port", options.port, "TCP port, 0 = any free port")->capture_default_str();
    app.add_option("--max-connections", options.max_connections, "0 = unlimited");
    app.add_option("--idle-timeout", idle_seconds, "drop a client silent this long, 0 = never")
        ->check(CLI::Range(0.0, 86400.0));
    if (const auto status = oslab::parse_flags(app, argc, argv, "lab05_echo_server"))
        return *status;
    const oslab::EchoMode& mode = oslab::echo_mode(mode_name);  // checked by IsMember above
    if (!mode.unavailable.empty()) {
        fmt::print(stderr, "lab05_echo_server: mode {} is not in this build: {}\n", mode.name,
                   mode.unavailable);
        return 2;
    }
    if (mode.default_threads == 0 && threads > 1) {
        fmt::print(stderr,
                   "lab05_echo_server: --mode {} runs one thread; --threads is for the "
                   "multi-thread modes (see --help)\n",
                   mode.name);
        return 2;
    }
    options.idle_timeout = std::chrono::milliseconds(static_cast<long long>(idle_seconds * 1000));

    // Block SIGINT/SIGTERM in every thread (the servers' threads inherit this mask), then wait for
    // them synchronously with sigwait: no async-signal-safety puzzles in a handler.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    // Thousands of connections need thousands of descriptors (oslab/fd_limit.hpp).
    oslab::raise_fd_limit_to_hard();

    try {
        auto server = oslab::make_echo_server(mode.name, options, threads);
        const auto port = server->start();
        fmt::print("listening on {}:{}\n", options.host, port);
        std::fflush(stdout);
        int received = 0;
        sigwait(&signals, &received);
        server->stop();
        fmt::print(stderr, "lab05_echo_server: signal {}, stopped after {} connections\n", received,
                   server->total_connections());
        return 0;
    } catch (const std::exception& e) {
        fmt::print(stderr, "lab05_echo_server: {}\n", e.what());
        return 1;
    }
}
