// Latency vs working-set size: pointer chasing over one random cycle (one node per cache line).
// Each step's address comes from the previous load, so ns_per_load is the load-to-use latency of
// the level that holds the working set: a staircase with steps at L1d, L2 and L3 sizes.
#include <benchmark/benchmark.h>

#include "bench_util.hpp"
#include "oslab/bench_support.hpp"
#include "oslab/pointer_chase.hpp"

namespace {

void BM_Latency(benchmark::State& state) {
    if (!oslab::implemented(state, [] {
            const oslab::ChaseBuffer probe(4096, 1);
            benchmark::DoNotOptimize(oslab::chase(probe.start(), 64));
        })) {
        return;
    }
    const auto bytes = static_cast<std::size_t>(state.range(0));
    const oslab::ChaseBuffer buffer(bytes, 42);
    constexpr std::size_t kSteps = std::size_t{1} << 20;  // loads per iteration
    // Warm up: one lap (at most kSteps) brings a cache-sized buffer into the cache.
    const oslab::ChaseNode* node =
        oslab::chase(buffer.start(), std::min<std::size_t>(buffer.nodes(), kSteps));
    const double ns = lab03::timed_loop(state, [&] {
        node = oslab::chase(node, kSteps);
        benchmark::DoNotOptimize(node);
    });
    state.counters["ns_per_load"] = ns / static_cast<double>(kSteps);
    state.counters["working_set_bytes"] =
        benchmark::Counter(static_cast<double>(buffer.bytes()), benchmark::Counter::kDefaults,
                           benchmark::Counter::kIs1024);
}

// 4 KiB .. 256 MiB: powers of two, plus points at 0.75x and 1.5x of the usual L1d (32 KiB),
// L2 (512 KiB) and L3 (32 MiB) sizes so each step is visible. 256 MiB is 8x this machine's LLC.
BENCHMARK(BM_Latency)
    ->Arg(4 << 10)
    ->Arg(8 << 10)
    ->Arg(16 << 10)
    ->Arg(24 << 10)
    ->Arg(32 << 10)
    ->Arg(48 << 10)
    ->Arg(64 << 10)
    ->Arg(128 << 10)
    ->Arg(256 << 10)
    ->Arg(384 << 10)
    ->Arg(512 << 10)
    ->Arg(768 << 10)
    ->Arg(1 << 20)
    ->Arg(2 << 20)
    ->Arg(4 << 20)
    ->Arg(8 << 20)
    ->Arg(16 << 20)
    ->Arg(24 << 20)
    ->Arg(32 << 20)
    ->Arg(48 << 20)
    ->Arg(64 << 20)
    ->Arg(128 << 20)
    ->Arg(256 << 20)
    ->MinTime(0.2)  // 23 points; the DRAM-sized ones need ~0.4 s per 2^20 loads anyway
    ->Unit(benchmark::kMillisecond);

}  // namespace
