// Lab 5 benchmark: every compared mode of the table (oslab/echo_server_modes.hpp) under the
// closed-loop echo load, at 1, 16, 128 and 1,000 connections, 64 B and 4 KiB messages:
//   Echo/<mode>/conns:C/bytes:S   (the chapter report reads the modes from these names)
// Counters (oslab/echo_load_bench.hpp, the same as Lab 4's): msgs_per_s, MB_per_s, p50_us,
// p99_us, p999_us, errors.
//
// Lab 4's blocking server runs in the same binary for the ratio ("Echo/blocking/..."), as a child
// process (lab04_echo_server next to this binary; skipped with a message if that lab is not
// built). The Lab 5 servers run in this process (your variant's code). Every case is one
// fixed-length run (Iterations(1)): --benchmark_min_time does not change it; OSLAB_BENCH_SECONDS
// does (default 0.25).
//
// The "Nagle" cases run asio-naive (Boost.Asio's example: 1 KiB reads, no TCP_NODELAY): expect
// ~40 ms per 4 KiB message (README, "The Nagle trap").
#include <benchmark/benchmark.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "oslab/bench_support.hpp"
#include "oslab/child_process.hpp"
#include "oslab/echo_load_bench.hpp"
#include "oslab/echo_program.hpp"
#include "oslab/echo_server_modes.hpp"

namespace {

using namespace std::chrono_literals;

// Lab 4's server, which is not a row of Lab 5's table: its program, run as a child process.
const std::string kBlocking = "blocking";

// A server under test: in-process (a Lab 5 mode) or a child process (Lab 4's program).
struct Target {
    std::unique_ptr<oslab::EchoServer> server;
    std::unique_ptr<oslab::ChildProcess> process;
    std::uint16_t port = 0;
};

// Starts the target or marks the benchmark skipped (returns false) with the reason.
bool start_target(benchmark::State& state, const std::string& mode, Target& target) {
    if (mode == kBlocking) {
        const auto program = oslab::sibling_program("lab04_echo_server", OSLAB_VARIANT);
        if (!std::filesystem::exists(program)) {
            state.SkipWithError((program.filename().string() +
                                 " not built: configure with -DOSLAB_LABS=\"lab04;lab05\"")
                                    .c_str());
            return false;
        }
        try {
            target.process = std::make_unique<oslab::ChildProcess>(
                std::vector<std::string>{program.string(), "--port", "0"});
            target.port = oslab::wait_until_listening(*target.process, 5s);
        } catch (const std::exception& e) {  // e.g. the starter's server is not implemented yet
            state.SkipWithError((program.filename().string() + ": " + e.what()).c_str());
            return false;
        }
        return true;
    }
    try {
        return oslab::implemented(state, [&] {
            target.server = oslab::make_echo_server(mode, {});
            target.port = target.server->start();
        });
    } catch (const std::exception& e) {  // e.g. a mode this build does not have
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
    oslab::run_load_case(state, options);
    if (target.server) target.server->stop();
    if (target.process) target.process->stop(5s);
}

void register_case(const std::string& name, const std::string& mode, std::size_t connections,
                   std::size_t size, std::chrono::milliseconds duration) {
    benchmark::RegisterBenchmark(name.c_str(), echo_case, mode, connections, size, duration)
        ->Iterations(1)
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
}

const bool registered = [] {
    oslab::raise_fd_limit(4096);  // 1,000 connections: 2,000 descriptors when the server is here
    const auto duration = oslab::load_duration(250ms);
    std::vector<std::string> modes{kBlocking};
    for (const auto& mode : oslab::echo_modes()) {
        if (mode.compared) modes.push_back(mode.name);
    }
    for (std::size_t size : {64, 4096}) {
        for (std::size_t connections : {1, 16, 128, 1000}) {
            for (const auto& mode : modes) {
                register_case("Echo/" + mode + "/conns:" + std::to_string(connections) +
                                  "/bytes:" + std::to_string(size),
                              mode, connections, size, duration);
            }
        }
    }
    // The Nagle trap: Asio's shipped example against the reference tuning, one connection.
    for (std::size_t size : {64, 4096}) {
        register_case("Nagle/asio-naive/conns:1/bytes:" + std::to_string(size), "asio-naive", 1,
                      size, std::max(duration, std::chrono::milliseconds(500)));
    }
    return true;
}();

}  // namespace
