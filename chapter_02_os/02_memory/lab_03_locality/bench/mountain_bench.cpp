// The memory mountain (Bryant & O'Hallaron, CS:APP ch. 6): read throughput over a grid of
// working-set size x stride. Bigger sets fall off the cache ridges; bigger strides use less of
// each line fetched. bytes_per_second counts the bytes the kernel actually used (8 per element).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "bench_util.hpp"
#include "oslab/access_patterns.hpp"
#include "oslab/bench_support.hpp"

namespace {

constexpr std::size_t kLargest = 64 * lab03::kMiB;

const std::vector<std::int64_t>& mountain_data() {
    static const std::vector<std::int64_t> data = [] {
        std::vector<std::int64_t> values(kLargest / sizeof(std::int64_t));
        for (std::size_t i = 0; i < values.size(); ++i)
            values[i] = static_cast<std::int64_t>(i & 0xff);
        return values;
    }();
    return data;
}

void BM_Mountain(benchmark::State& state) {
    const std::vector<std::int64_t> probe{1, 2, 3};
    if (!oslab::implemented(state,
                            [&] { benchmark::DoNotOptimize(oslab::sum_strided(probe, 2)); })) {
        return;
    }
    const auto bytes = static_cast<std::size_t>(state.range(0));
    const auto stride = static_cast<std::size_t>(state.range(1));
    const std::span<const std::int64_t> data(mountain_data().data(), bytes / sizeof(std::int64_t));
    benchmark::DoNotOptimize(oslab::sum_strided(data, stride));  // warm the caches, as CS:APP does
    for (auto _ : state)
        benchmark::DoNotOptimize(oslab::sum_strided(data, stride));
    const std::size_t used = (data.size() + stride - 1) / stride * sizeof(std::int64_t);
    state.SetBytesProcessed(static_cast<std::int64_t>(used) * state.iterations());
    state.counters["working_set_bytes"] = benchmark::Counter(
        static_cast<double>(bytes), benchmark::Counter::kDefaults, benchmark::Counter::kIs1024);
    state.counters["stride_bytes"] = static_cast<double>(stride * sizeof(std::int64_t));
}

// 7 sizes x 5 strides = 35 points (stride in elements: 1 = 8 bytes ... 16 = 128 bytes).
BENCHMARK(BM_Mountain)
    ->ArgsProduct({{16 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20, 16 << 20, 64 << 20},
                   {1, 2, 4, 8, 16}})
    ->ArgNames({"bytes", "stride"})
    // 35 points: 0.1 s each (instead of the default 0.5 s) keeps the grid near 5 s of CPU time.
    // A per-benchmark MinTime wins over --benchmark_min_time, so quick mode keeps it too.
    ->MinTime(0.1);

}  // namespace
