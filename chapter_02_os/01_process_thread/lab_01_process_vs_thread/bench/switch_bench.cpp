// What a context switch costs: the ping-pong between threads and between processes, pinned to one
// CPU or to two, with the single-thread pipe baseline subtracted; next to a switch between two
// coroutines on one thread (no kernel), and between two coroutines that wait on a pipe (kernel
// back in the path).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <string>
#include <vector>

#include "oslab/affinity.hpp"
#include "oslab/bench_support.hpp"
#include "oslab/coro.hpp"
#include "oslab/ping_pong.hpp"

namespace {

constexpr std::size_t kRoundTrips = 2000;

// The baseline: one write+read pair on one thread, no switch. Measured once, best of 5, in this
// same binary, so the subtraction compares numbers from the same machine state.
double baseline_ns_per_transfer() {
    static const double value = [] {
        double best = 1e18;
        for (int i = 0; i < 5; ++i) {
            best = std::min(best, oslab::pipe_transfer_baseline(20'000).count());
        }
        return best;
    }();
    return value;
}

void BM_Switch_PipeBaseline(benchmark::State& state) {
    double total_ns = 0;
    for (auto _ : state)
        total_ns += oslab::pipe_transfer_baseline(kRoundTrips).count();
    state.counters["ns_per_transfer"] = total_ns / static_cast<double>(state.iterations());
}
BENCHMARK(BM_Switch_PipeBaseline)->UseRealTime();

enum Kind { kThreads, kProcesses };
enum Where { kSameCpu, kCrossCpu, kUnpinned };

// A round trip is two switches and two transfers (write + read): per switch =
// (round trip - 2 x baseline) / 2.
void BM_Switch_PingPong(benchmark::State& state) {
    const auto kind = static_cast<Kind>(state.range(0));
    const auto where = static_cast<Where>(state.range(1));
    auto run = [kind](oslab::Placement placement, std::size_t round_trips) {
        return kind == kThreads ? oslab::ping_pong_threads(round_trips, placement)
                                : oslab::ping_pong_processes(round_trips, placement);
    };
    std::vector<int> cpus;
    if (!oslab::implemented(state, [&] {
            cpus = oslab::allowed_cpus();
            run({}, 1);
        })) {
        return;
    }
    oslab::Placement placement;
    if (where == kSameCpu) placement = {cpus[0], cpus[0]};
    if (where == kCrossCpu) {
        if (cpus.size() < 2) {
            state.SkipWithError("only one CPU is allowed: no cross-CPU ping-pong here");
            return;
        }
        placement = {cpus[0], cpus[1]};
    }
    double total_ns = 0;
    for (auto _ : state)
        total_ns += run(placement, kRoundTrips).count();
    const double round_trip = total_ns / static_cast<double>(state.iterations());
    state.counters["us_per_round_trip"] = round_trip / 1000.0;
    state.counters["ns_per_switch"] = (round_trip - 2.0 * baseline_ns_per_transfer()) / 2.0;
}
// Names: process:0 = threads, process:1 = processes; where:0 = both on the first allowed CPU,
// where:1 = on the first two allowed CPUs, where:2 = unpinned (the scheduler decides).
BENCHMARK(BM_Switch_PingPong)
    ->ArgNames({"process", "where"})
    ->Args({kThreads, kSameCpu})
    ->Args({kProcesses, kSameCpu})
    ->Args({kThreads, kCrossCpu})
    ->Args({kProcesses, kCrossCpu})
    ->Args({kThreads, kUnpinned})
    ->Args({kProcesses, kUnpinned})
    ->UseRealTime();

// Two coroutines on one thread: a round trip is two resumes. pipe:0 = token in memory,
// pipe:1 = token through a pipe (write + poll + read per pass).
void BM_Switch_Coroutines(benchmark::State& state) {
    const auto channel =
        state.range(0) == 0 ? oslab::TokenChannel::memory : oslab::TokenChannel::pipe;
    const std::size_t round_trips = channel == oslab::TokenChannel::memory ? 100'000 : kRoundTrips;
    if (!oslab::implemented(state, [&] { oslab::pass_token_coroutines(1, channel); })) return;
    double total_ns = 0;
    for (auto _ : state)
        total_ns += oslab::pass_token_coroutines(round_trips, channel).count();
    const double round_trip = total_ns / static_cast<double>(state.iterations());
    state.counters["us_per_round_trip"] = round_trip / 1000.0;
    state.counters["ns_per_switch"] = round_trip / 2.0;
}
BENCHMARK(BM_Switch_Coroutines)->ArgName("pipe")->Arg(0)->Arg(1)->UseRealTime();

}  // namespace
