// lab04_echo_server: runs the Lab 4 blocking echo server until SIGINT (Ctrl-C) or SIGTERM.
//
//   lab04_echo_server [--host 127.0.0.1] [--port 7007] [--max-connections N]
//                     [--idle-timeout SECONDS] [--log-level error|info|debug]
//
// First line of standard output: "listening on HOST:PORT" (the real port with --port 0).
// Logs go to standard error. Exit 0 after a clean stop; 1 if it cannot listen; 2 on a bad flag.
#include <fmt/core.h>
#include <pthread.h>
#include <signal.h>
#include <CLI/CLI.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <map>
#include <string>

#include "oslab/blocking_echo_server.hpp"
#include "oslab/cli.hpp"

int main(int argc, char** argv) {
    CLI::App app{"Lab 4: blocking echo server, one thread per connection"};
    oslab::EchoServerOptions options;
    options.port = 7007;
    double idle_timeout = 0;
    const std::map<std::string, oslab::LogLevel> levels{{"error", oslab::LogLevel::error},
                                                        {"info", oslab::LogLevel::info},
                                                        {"debug", oslab::LogLevel::debug}};
    app.add_option("--host", options.host, "IPv4 address to listen on")
        ->check(oslab::ipv4_check())
        ->capture_default_str();
    app.add_option("--port", options.port, "TCP port (0: any free port)")->capture_default_str();
    app.add_option("--max-connections", options.max_connections,
                   "clients served at once (0: unlimited); extra ones are closed at once")
        ->capture_default_str();
    app.add_option("--idle-timeout", idle_timeout,
                   "drop a client silent this many seconds (0: never)")
        ->check(CLI::Range(0.0, 86400.0))
        ->capture_default_str();
    std::string level_name = "info";
    app.add_option("--log-level", level_name, "error, info (connects and disconnects) or debug")
        ->check(CLI::IsMember({"error", "info", "debug"}))
        ->capture_default_str();
    if (const auto status = oslab::parse_flags(app, argc, argv, "lab04_echo_server"))
        return *status;
    const auto level = levels.at(level_name);
    options.idle_timeout =
        std::chrono::milliseconds(static_cast<long long>(std::llround(idle_timeout * 1000)));

    // Block SIGINT and SIGTERM in this thread BEFORE any other thread exists: every thread the
    // server starts inherits the mask, so the signals stay pending until sigwait() below takes
    // them, synchronously, in main. No async signal handler, no flag polling.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    if (const int rc = pthread_sigmask(SIG_BLOCK, &signals, nullptr); rc != 0) {
        fmt::print(stderr, "lab04_echo_server: pthread_sigmask: error {}\n", rc);
        return 1;
    }

    const auto logger = [level](oslab::LogLevel at, const std::string& message) {
        static constexpr const char* names[] = {"error", "info", "debug"};
        if (static_cast<int>(at) > static_cast<int>(level)) return;
        // One fmt::print is one write to stderr's buffer under stdio's lock: lines don't mix.
        fmt::print(stderr, "[{}] {}\n", names[static_cast<int>(at)], message);
    };
    try {
        oslab::BlockingEchoServer server(options, logger);
        const auto port = server.start();
        fmt::print("listening on {}:{}\n", options.host, port);
        std::fflush(stdout);  // at once: a script or test waits for this line

        int received = 0;
        if (const int rc = sigwait(&signals, &received); rc != 0) {
            fmt::print(stderr, "lab04_echo_server: sigwait: error {}\n", rc);
            return 1;
        }
        logger(oslab::LogLevel::info,
               fmt::format("{} received: stopping", received == SIGINT ? "SIGINT" : "SIGTERM"));
        server.stop();
        logger(oslab::LogLevel::info,
               fmt::format("stopped after {} connections", server.total_connections()));
        return 0;
    } catch (const std::exception& e) {
        fmt::print(stderr, "lab04_echo_server: cannot serve on {}:{}: {}\n", options.host,
                   options.port, e.what());
        return 1;
    }
}
