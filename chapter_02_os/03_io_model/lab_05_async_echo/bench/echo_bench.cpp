// Lab 5 benchmark: every server under the closed-loop echo load (oslab::run_echo_load), at 1, 16,
// 128 and 1,000 connections, 64 B and 4 KiB messages. Counters: msgs_per_s (echoes per second,
// all connections together), p50_us / p99_us (round-trip latency), errors.
//
// Lab 4's blocking server runs in the same binary for the ratio, as a child process
// (lab04_echo_server next to this binary; skipped with a message if that lab is not built). The
// Lab 5 servers run in this process (your variant's code). Every case is one fixed-length run
// (Iterations(1)): --benchmark_min_time does not change it; OSLAB_BENCH_SECONDS does (default
// 0.25).
//
// The "Nagle" cases run AsioTuning::naive() (Boost.Asio's example: 1 KiB reads, no TCP_NODELAY)
// next to the default tuning: expect ~40 ms per 4 KiB message (README, "The Nagle trap").
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "oslab/asio_echo_server.hpp"
#include "oslab/bench_support.hpp"
#include "oslab/echo_load.hpp"
#include "oslab/echo_server_modes.hpp"
#include "oslab/server_process.hpp"

namespace {

using namespace std::chrono_literals;

std::chrono::milliseconds measured_duration() {
    if (const char* env = std::getenv("OSLAB_BENCH_SECONDS")) {
        const double seconds = std::atof(env);
        if (seconds > 0) return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
    }
    return 250ms;
}

std::filesystem::path lab04_program() {
    const std::string suffix = std::string(OSLAB_VARIANT) == "starter" ? "_starter" : "";
    return std::filesystem::read_symlink("/proc/self/exe").parent_path() /
           ("lab04_echo_server" + suffix);
}

// A server under test: in-process (Lab 5) or a child process (Lab 4).
struct Target {
    std::unique_ptr<oslab::EchoServer> server;
    std::optional<oslab::ServerProcess> process;
    std::uint16_t port = 0;
};

// Starts the target or marks the benchmark skipped (returns false) with the reason.
bool start_target(benchmark::State& state, const std::string& mode, Target& target) {
    if (mode == "blocking") {
        const auto program = lab04_program();
        if (!std::filesystem::exists(program)) {
            state.SkipWithError((program.filename().string() +
                                 " not built: configure with -DOSLAB_LABS=\"lab04;lab05\"")
                                    .c_str());
            return false;
        }
        target.process.emplace(program, std::vector<std::string>{});
        try {
            target.port = target.process->wait_listening(5s);
        } catch (const std::exception& e) {  // e.g. the starter's server is not implemented yet
            state.SkipWithError((program.filename().string() + ": " + e.what() + ": " +
                                 target.process->stderr_line())
                                    .c_str());
            return false;
        }
        return true;
    }
    try {
        return oslab::implemented(state, [&] {
            if (mode == "asio-naive-4k" || mode == "asio-naive") {
                target.server = std::make_unique<oslab::AsioEchoServer>(oslab::EchoServerOptions{},
                                                                        oslab::AsioTuning::naive());
            } else if (mode == "asio-mt") {
                target.server = oslab::make_echo_server("asio", {}, 2);
            } else {
                target.server = oslab::make_echo_server(mode, {}, 0);
            }
            target.port = target.server->start();
        });
    } catch (const std::exception& e) {  // e.g. coroutines not supported by this compiler
        state.SkipWithError(e.what());
        return false;
    }
}

void echo_case(benchmark::State& state, std::string mode, std::size_t connections, std::size_t size,
               std::chrono::milliseconds duration) {
    Target target;
    if (!start_target(state, mode, target)) return;
    oslab::LoadOptions options;
    options.port = target.port;
    options.connections = connections;
    options.message_size = size;
    options.duration = duration;
    options.warmup = 50ms;
    oslab::LoadResult result;
    for (auto _ : state) {
        result = oslab::run_echo_load(options);
    }
    if (target.server) target.server->stop();
    if (target.process) target.process->terminate(5s);
    if (result.connections != connections) {
        state.SkipWithError(("only " + std::to_string(result.connections) + " of " +
                             std::to_string(connections) + " connections were established")
                                .c_str());
        return;
    }
    state.counters["msgs_per_s"] = result.messages_per_second;
    state.counters["MB_per_s"] = result.megabytes_per_second;
    state.counters["p50_us"] = result.p50_us;
    state.counters["p99_us"] = result.p99_us;
    state.counters["errors"] = static_cast<double>(result.errors);
}

const bool registered = [] {
    oslab::raise_fd_limit(4096);  // 1,000 connections: 2,000 descriptors when the server is here
    const auto duration = measured_duration();
    const std::vector<std::string> modes{"blocking", "asio",  "asio-mt", "asio-pool",
                                         "coro",     "epoll", "epoll-et"};
    for (std::size_t size : {64, 4096}) {
        for (std::size_t connections : {1, 16, 128, 1000}) {
            for (const auto& mode : modes) {
                const auto name = "Echo/" + mode + "/conns:" + std::to_string(connections) +
                                  "/bytes:" + std::to_string(size);
                benchmark::RegisterBenchmark(name.c_str(), echo_case, mode, connections, size,
                                             duration)
                    ->Iterations(1)
                    ->UseRealTime()
                    ->Unit(benchmark::kMillisecond);
            }
        }
    }
    // The Nagle trap: Asio's shipped example against the reference tuning, one connection.
    for (std::size_t size : {64, 4096}) {
        benchmark::RegisterBenchmark(
            ("Nagle/asio-naive/conns:1/bytes:" + std::to_string(size)).c_str(), echo_case,
            std::string("asio-naive"), std::size_t{1}, size,
            std::max(duration, std::chrono::milliseconds(500)))
            ->Iterations(1)
            ->UseRealTime()
            ->Unit(benchmark::kMillisecond);
    }
    return true;
}();

}  // namespace
