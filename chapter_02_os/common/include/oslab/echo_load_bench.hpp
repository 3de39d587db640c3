// The echo benchmarks' shared part (Lab 4 and Lab 5, header-only: needs Google Benchmark): one
// closed-loop load run (oslab::run_echo_load) per benchmark case, reported with the same counters
// everywhere, which the chapter report reads:
//   msgs_per_s   echoes per second, all connections together (also items_per_second)
//   MB_per_s     payload megabytes (10^6 bytes) per second, one direction
//   p50_us, p99_us, p999_us   round-trip latency percentiles, microseconds
//   errors       failed connects, resets, wrong bytes (a case with any is reported as an error)
#pragma once

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "oslab/echo_load.hpp"

namespace oslab {

// The measured phase of one load run: OSLAB_BENCH_SECONDS if set (scripts/lab report --quick
// shortens it), else `fallback`.
inline std::chrono::milliseconds load_duration(std::chrono::milliseconds fallback) {
    if (const char* env = std::getenv("OSLAB_BENCH_SECONDS")) {
        const double seconds = std::atof(env);
        if (seconds > 0) return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
    }
    return fallback;
}

// Runs the load once per iteration (register the case with UseManualTime and Iterations(1): the
// time reported is the measured phase, not the setup), then sets the counters above. A run in
// which a connection could not be made, or an echo came back wrong, is reported as an error.
inline void run_load_case(benchmark::State& state, const LoadOptions& options) {
    LoadResult result;
    for (auto _ : state) {
        result = run_echo_load(options);
        state.SetIterationTime(result.seconds);
    }
    if (result.connections != options.connections) {
        state.SkipWithError(("only " + std::to_string(result.connections) + " of " +
                             std::to_string(options.connections) + " connections were established")
                                .c_str());
        return;
    }
    if (result.errors != 0) {
        state.SkipWithError(("echo errors: " + std::to_string(result.errors)).c_str());
        return;
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(result.messages));  // -> items_per_second
    state.counters["msgs_per_s"] = result.messages_per_second;
    state.counters["MB_per_s"] = result.megabytes_per_second;
    state.counters["p50_us"] = result.p50_us;
    state.counters["p99_us"] = result.p99_us;
    state.counters["p999_us"] = result.p999_us;
    state.counters["errors"] = static_cast<double>(result.errors);
}

}  // namespace oslab
