// The parallel sum of Step 1 and 2: processes vs threads, for a few worker counts. With 50
// million numbers the work is ~20 ms on one core, so the cost of creating the workers shows up
// in the difference, and the number of cores shows up in the scaling.
#include <benchmark/benchmark.h>

#include <chrono>

#include "oslab/bench_support.hpp"
#include "oslab/parallel_sum.hpp"

namespace {

constexpr std::uint64_t kN = 50'000'000;

template <bool kProcesses>
void BM_Sum(benchmark::State& state) {
    const auto workers = static_cast<std::size_t>(state.range(0));
    auto sum = [workers](std::uint64_t n) {
        return kProcesses ? oslab::sum_with_processes(n, workers)
                          : oslab::sum_with_threads(n, workers);
    };
    if (!oslab::implemented(state, [&] { sum(1000); })) return;
    const auto start = std::chrono::steady_clock::now();
    for (auto _ : state) {
        if (sum(kN) != oslab::expected_sum(kN)) {
            state.SkipWithError("wrong sum");
            return;
        }
    }
    const std::chrono::duration<double, std::milli> total =
        std::chrono::steady_clock::now() - start;
    state.counters["ms_per_sum"] = total.count() / static_cast<double>(state.iterations());
    state.SetItemsProcessed(static_cast<std::int64_t>(kN) * state.iterations());
}
BENCHMARK_TEMPLATE(BM_Sum, false)
    ->Name("BM_Sum_Threads")
    ->ArgName("workers")
    ->Arg(1)
    ->Arg(2)
    ->Arg(4)
    ->Arg(8)
    ->UseRealTime();
BENCHMARK_TEMPLATE(BM_Sum, true)
    ->Name("BM_Sum_Processes")
    ->ArgName("workers")
    ->Arg(1)
    ->Arg(2)
    ->Arg(4)
    ->Arg(8)
    ->UseRealTime();

}  // namespace
