// Lab 4 benchmarks: the blocking server started in-process on an ephemeral port, driven by the
// echo_load engine (the same one Lab 5's benchmarks and the echo_load program use).
//
//   BM_EchoPingPong/conns:C/bytes:S   closed-loop round trips on C connections, S-byte messages:
//                                     msgs_per_s, MB_per_s, p50_us/p99_us/p999_us latency
//                                     (oslab/echo_load_bench.hpp: the same counters as Lab 5)
//   BM_IdleConnections/conns:N        N idle connections held open: the server's threads and
//                                     resident memory per connection, from /proc/self/status
//
// Every run is fixed in length (300 ms of load or OSLAB_BENCH_SECONDS, no warm-up: connections are
// set up before; 200 ms of hold), so the binary takes seconds; --benchmark_min_time does not
// change it (one iteration each).
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "oslab/bench_support.hpp"
#include "oslab/blocking_echo_server.hpp"
#include "oslab/echo_load.hpp"
#include "oslab/echo_load_bench.hpp"
#include "oslab/proc_status.hpp"

namespace {

using namespace std::chrono_literals;

void BM_EchoPingPong(benchmark::State& state) {
    oslab::BlockingEchoServer server;
    std::uint16_t port = 0;
    if (!oslab::implemented(state, [&] { port = server.start(); })) return;

    oslab::LoadOptions options;
    options.port = port;
    options.connections = static_cast<std::size_t>(state.range(0));
    options.message_size = static_cast<std::size_t>(state.range(1));
    options.duration = oslab::load_duration(300ms);
    oslab::run_load_case(state, options);  // the counters shared with Lab 5's benchmark
}
BENCHMARK(BM_EchoPingPong)
    ->ArgNames({"conns", "bytes"})
    ->ArgsProduct({{1, 16, 128}, {64, 4096}})
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

// What one more idle connection costs this server: one more kernel thread (its stack is mostly
// untouched virtual memory; the resident part is what the thread really used) and two sockets.
// The load generator runs in the same process, so its own small share is included.
void BM_IdleConnections(benchmark::State& state) {
    oslab::BlockingEchoServer server;
    std::uint16_t port = 0;
    if (!oslab::implemented(state, [&] { port = server.start(); })) return;

    oslab::HoldOptions options;
    options.port = port;
    options.connections = static_cast<std::size_t>(state.range(0));
    options.hold = 200ms;
    oslab::ProcStatus before, held;
    oslab::HoldResult result;
    for (auto _ : state) {
        before = oslab::read_proc_status();
        result = oslab::hold_connections(options, [&] { held = oslab::read_proc_status(); });
    }
    if (result.errors != 0 || result.echoed_at_end != options.connections) {
        state.SkipWithError(("held connections failed: " + std::to_string(result.errors)).c_str());
        return;
    }
    const auto n = static_cast<double>(options.connections);
    state.counters["threads"] = static_cast<double>(held.threads);
    state.counters["threads_per_conn"] =
        (static_cast<double>(held.threads) - static_cast<double>(before.threads)) / n;
    state.counters["rss_MiB"] = static_cast<double>(held.vm_rss_kib) / 1024.0;
    state.counters["KiB_per_conn"] =
        (static_cast<double>(held.vm_rss_kib) - static_cast<double>(before.vm_rss_kib)) / n;
}
BENCHMARK(BM_IdleConnections)
    ->ArgName("conns")
    ->Arg(100)
    ->Arg(1000)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace
