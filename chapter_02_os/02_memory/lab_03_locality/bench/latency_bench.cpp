// Latency vs working-set size: pointer chasing over one random cycle (one node per cache line).
// Each step's address comes from the previous load, so ns_per_load is the load-to-use latency of
// the level that holds the working set: a staircase with steps at L1d, L2 and L3 sizes.
// BM_LatencyHugePages repeats the large sizes on transparent huge pages: the gap is the TLB.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <memory>
#include <span>
#include <string>

#include "bench_util.hpp"
#include "oslab/bench_support.hpp"
#include "oslab/page_faults.hpp"
#include "oslab/pointer_chase.hpp"

namespace {

constexpr std::size_t kSteps = std::size_t{1} << 20;  // loads per iteration

// Chases `nodes` (already linked) and reports ns per load and the working set.
void chase_and_report(benchmark::State& state, const oslab::ChaseNode* start, std::size_t nodes) {
    // Warm up: one lap (at most kSteps) brings a cache-sized buffer into the cache.
    const oslab::ChaseNode* node = oslab::chase(start, std::min(nodes, kSteps));
    const double ns = lab03::timed_loop(state, [&] {
        node = oslab::chase(node, kSteps);
        benchmark::DoNotOptimize(node);
    });
    state.counters["ns_per_load"] = ns / static_cast<double>(kSteps);
    state.counters["working_set_bytes"] =
        benchmark::Counter(static_cast<double>(nodes * sizeof(oslab::ChaseNode)),
                           benchmark::Counter::kDefaults, benchmark::Counter::kIs1024);
}

void BM_Latency(benchmark::State& state) {
    if (!oslab::implemented(state, [] {
            const oslab::ChaseBuffer probe(4096, 1);
            benchmark::DoNotOptimize(oslab::chase(probe.start(), 64));
        })) {
        return;
    }
    const oslab::ChaseBuffer buffer(static_cast<std::size_t>(state.range(0)), 42);
    chase_and_report(state, buffer.start(), buffer.nodes());
}

// The same chase in a 2 MiB-aligned mapping advised MADV_HUGEPAGE: one TLB entry covers 2 MiB
// instead of 4 KiB, so beyond the TLB's reach (2048 entries x 4 KiB = 8 MiB on Zen 3) the page
// walks disappear from the latency. The difference from BM_Latency is the cost of TLB misses.
void BM_LatencyHugePages(benchmark::State& state) {
    if (!oslab::implemented(state, [] {
            const oslab::ChaseBuffer probe(4096, 1);
            const oslab::MappedRegion region(oslab::page_size());
            benchmark::DoNotOptimize(oslab::request_huge_pages(region.bytes()));
        })) {
        return;
    }
    const std::string mode = oslab::transparent_hugepage_mode();
    const auto bytes = static_cast<std::size_t>(state.range(0));
    const oslab::MappedRegion region(bytes, {.huge_aligned = true});
    if (mode.empty() || mode == "never" || !oslab::request_huge_pages(region.bytes())) {
        state.SkipWithError("transparent huge pages are not available on this machine");
        return;
    }
    // The mapping is 2 MiB-aligned, so the nodes are line-aligned; start their lifetimes there.
    const std::size_t count = bytes / sizeof(oslab::ChaseNode);
    auto* first = reinterpret_cast<oslab::ChaseNode*>(region.bytes().data());
    std::uninitialized_value_construct_n(first, count);
    const std::span<oslab::ChaseNode> nodes(first, count);
    oslab::link_nodes(nodes, oslab::sattolo_cycle(nodes.size(), 42));
    chase_and_report(state, nodes.data(), nodes.size());
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

BENCHMARK(BM_LatencyHugePages)
    ->Arg(1 << 20)
    ->Arg(4 << 20)
    ->Arg(16 << 20)
    ->Arg(64 << 20)
    ->Arg(256 << 20)
    ->MinTime(0.2)
    ->Unit(benchmark::kMillisecond);

}  // namespace
