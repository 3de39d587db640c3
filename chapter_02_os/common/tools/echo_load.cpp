// echo_load: drives an echo server with closed-loop ping-pong traffic, or holds idle connections.
//
//   echo_load --port 7007 --connections 100 --size 64 --seconds 5 [--warmup 1] [--json]
//   echo_load --port 7007 --hold 1000 --seconds 10 [--json]
//
// Exit status: 0 when every connection worked and every echoed byte was right, 1 otherwise,
// 2 on a bad flag.
#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <system_error>

#include "oslab/cli.hpp"
#include "oslab/echo_load.hpp"
#include "oslab/net.hpp"
#include "oslab/proc_status.hpp"

namespace {

std::chrono::milliseconds to_ms(double seconds) {
    return std::chrono::milliseconds(static_cast<long long>(std::llround(seconds * 1000.0)));
}

int run_load(const oslab::LoadOptions& options, bool json) {
    const auto r = oslab::run_echo_load(options);
    if (json) {
        fmt::print(
            "{{\"mode\":\"load\",\"host\":\"{}\",\"port\":{},\"connections_requested\":{},"
            "\"connections\":{},\"message_size\":{},\"seconds\":{:.3f},\"warmup_seconds\":{:.3f},"
            "\"messages\":{},\"bytes\":{},\"messages_per_second\":{:.1f},"
            "\"megabytes_per_second\":{:.3f},\"p50_us\":{:.1f},\"p99_us\":{:.1f},"
            "\"p999_us\":{:.1f},\"errors\":{}}}\n",
            options.host, options.port, options.connections, r.connections, options.message_size,
            r.seconds, options.warmup.count() / 1000.0, r.messages, r.bytes, r.messages_per_second,
            r.megabytes_per_second, r.p50_us, r.p99_us, r.p999_us, r.errors);
    } else {
        fmt::print(
            "echo_load {}:{}: {} connections x {} B messages, {:.1f} s measured "
            "(+{:.1f} s warm-up), closed loop\n",
            options.host, options.port, options.connections, options.message_size, r.seconds,
            options.warmup.count() / 1000.0);
        fmt::print("{:>11} {:>11} {:>12} {:>9} {:>9} {:>9} {:>10} {:>7}\n", "connected", "messages",
                   "msg/s", "MB/s", "p50 us", "p99 us", "p99.9 us", "errors");
        fmt::print("{:>11} {:>11} {:>12.0f} {:>9.2f} {:>9.1f} {:>9.1f} {:>10.1f} {:>7}\n",
                   r.connections, r.messages, r.messages_per_second, r.megabytes_per_second,
                   r.p50_us, r.p99_us, r.p999_us, r.errors);
    }
    std::fflush(stdout);
    if (r.connections == 0) {
        fmt::print(stderr, "echo_load: no connection to {}:{} could be established\n", options.host,
                   options.port);
    }
    return r.errors == 0 && r.connections == options.connections ? 0 : 1;
}

int run_hold(const oslab::HoldOptions& options, bool json) {
    // Every connection costs this process one descriptor; keep a few for stdio and epoll.
    const std::size_t needed = options.connections + 64;
    const auto limit = oslab::raise_fd_limit(needed);
    if (limit < needed) {
        fmt::print(stderr,
                   "echo_load: --hold {} needs about {} file descriptors but RLIMIT_NOFILE allows "
                   "only {} (hard limit); raise it (ulimit -Hn, /etc/security/limits.conf) or hold "
                   "fewer\n",
                   options.connections, needed, limit);
        return 1;
    }
    const auto r = oslab::hold_connections(options);
    if (json) {
        fmt::print(
            "{{\"mode\":\"hold\",\"host\":\"{}\",\"port\":{},\"connections\":{},"
            "\"seconds\":{:.3f},\"opened\":{},\"echoed_at_end\":{},\"errors\":{}}}\n",
            options.host, options.port, options.connections, options.hold.count() / 1000.0,
            r.opened, r.echoed_at_end, r.errors);
    } else {
        fmt::print("echo_load {}:{}: held {} idle connections for {:.1f} s\n", options.host,
                   options.port, options.connections, options.hold.count() / 1000.0);
        fmt::print("{:>9} {:>14} {:>7}\n", "opened", "echoed at end", "errors");
        fmt::print("{:>9} {:>14} {:>7}\n", r.opened, r.echoed_at_end, r.errors);
    }
    std::fflush(stdout);
    return r.errors == 0 && r.echoed_at_end == options.connections ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"echo_load: closed-loop load generator for the echo servers of Labs 4 and 5"};
    std::string host = "127.0.0.1";
    int port = 7007;
    std::size_t connections = 1;
    std::size_t size = 64;
    double seconds = 5;
    double warmup = 0;
    std::size_t hold = 0;
    bool json = false;
    app.add_option("--host", host, "server IPv4 address")->capture_default_str();
    app.add_option("--port", port, "server port")
        ->check(CLI::Range(1, 65535))
        ->capture_default_str();
    app.add_option("--connections,-c", connections, "concurrent connections (ping-pong each)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}))
        ->capture_default_str();
    app.add_option("--size,-s", size, "message size in bytes")
        ->check(CLI::Range(std::size_t{1}, std::size_t{64} << 20))
        ->capture_default_str();
    app.add_option("--seconds,-d", seconds, "measured duration (or the hold time with --hold)")
        ->check(CLI::Range(0.001, 3600.0))
        ->capture_default_str();
    app.add_option("--warmup,-w", warmup, "seconds of unmeasured traffic first")
        ->check(CLI::Range(0.0, 3600.0))
        ->capture_default_str();
    app.add_option("--hold", hold, "open N idle connections, hold them --seconds, check they echo")
        ->check(CLI::Range(std::size_t{1}, std::size_t{10'000'000}));
    app.add_flag("--json", json, "print one JSON object instead of a table");
    if (const auto status = oslab::parse_flags(app, argc, argv, "echo_load")) return *status;

    try {
        if (hold > 0) {
            oslab::HoldOptions options;
            options.host = host;
            options.port = static_cast<std::uint16_t>(port);
            options.connections = hold;
            options.hold = to_ms(seconds);
            return run_hold(options, json);
        }
        // One plain connect first, so that "nobody listens there" is one clear line.
        (void)oslab::connect_tcp(host, static_cast<std::uint16_t>(port));
        oslab::LoadOptions options;
        options.host = host;
        options.port = static_cast<std::uint16_t>(port);
        options.connections = connections;
        options.message_size = size;
        options.duration = to_ms(seconds);
        options.warmup = to_ms(warmup);
        return run_load(options, json);
    } catch (const std::exception& e) {
        fmt::print(stderr, "echo_load: {}\n", e.what());
        return 1;
    }
}
