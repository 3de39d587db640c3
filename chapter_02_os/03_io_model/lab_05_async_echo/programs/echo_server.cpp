// lab05_echo_server: run one of the Lab 5 servers until SIGINT/SIGTERM.
//   lab05_echo_server --mode epoll --port 7007
// Contract (same as lab04_echo_server): the first line of standard output is exactly
// "listening on HOST:PORT" (the real port with --port 0), flushed at once; exit 0 after a clean
// stop on SIGINT/SIGTERM; one line on standard error and a non-zero exit on bad input.
#include <arpa/inet.h>
#include <sys/resource.h>

#include <fmt/core.h>
#include <CLI/CLI.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <exception>
#include <string>

#include "oslab/echo_server_modes.hpp"

namespace {

// Thousands of connections need thousands of descriptors: raise the soft limit to the hard one,
// as nginx does with worker_rlimit_nofile. Best effort.
void raise_descriptor_limit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Lab 5 echo server: Boost.Asio (handlers, coroutines, threads) or raw epoll"};
    std::string mode = "asio";
    std::size_t threads = 0;
    oslab::EchoServerOptions options;
    options.port = 7007;
    double idle_seconds = 0;
    app.add_option("--mode", mode, "asio | asio-pool | asio-naive | coro | epoll | epoll-et")
        ->check(CLI::IsMember(oslab::echo_server_modes()));
    app.add_option("--threads", threads,
                   "threads (asio: >1 = one io_context, N threads; asio-pool: contexts)")
        ->check(CLI::Range(1, 1024));
    app.add_option("--host", options.host, "IPv4 address to bind")->capture_default_str();
    app.add_option("--port", options.port, "TCP port, 0 = any free port")->capture_default_str();
    app.add_option("--max-connections", options.max_connections, "0 = unlimited");
    app.add_option("--idle-timeout", idle_seconds, "drop a client silent this long, 0 = never")
        ->check(CLI::Range(0.0, 86400.0));
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::fprintf(stderr, "lab05_echo_server: %s\n", e.what());
        return 2;
    }
    in_addr address{};
    if (::inet_pton(AF_INET, options.host.c_str(), &address) != 1) {
        std::fprintf(stderr, "lab05_echo_server: --host: '%s' is not an IPv4 address\n",
                     options.host.c_str());
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
    raise_descriptor_limit();

    try {
        auto server = oslab::make_echo_server(mode, options, threads);
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
        std::fprintf(stderr, "lab05_echo_server: %s\n", e.what());
        return 1;
    }
}
