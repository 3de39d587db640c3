// Sequential vs random vs row-major vs column-major, all over one DRAM-sized input (4x the
// last-level cache): the same additions, different orders. ns_per_element is the figure to compare;
// the ratios go in the README.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "bench_util.hpp"
#include "oslab/access_patterns.hpp"
#include "oslab/bench_support.hpp"

namespace {

const std::vector<std::int64_t>& dram_data() {
    static const std::vector<std::int64_t> data = [] {
        std::vector<std::int64_t> values(lab03::dram_bytes() / sizeof(std::int64_t));
        for (std::size_t i = 0; i < values.size(); ++i)
            values[i] = static_cast<std::int64_t>(i % 1000);
        return values;
    }();
    return data;
}

// The student's shuffle: built on first use (after the probe said it is implemented).
const std::vector<std::size_t>& dram_index() {
    static const std::vector<std::size_t> index = oslab::make_shuffled_index(dram_data().size(), 7);
    return index;
}

std::size_t matrix_n() {
    return static_cast<std::size_t>(std::sqrt(static_cast<double>(dram_data().size())));
}

template <class Walk>
void run_walk(benchmark::State& state, std::size_t elements, Walk&& walk) {
    benchmark::DoNotOptimize(
        walk());  // one untimed pass: page faults and first touch out of the way
    const double ns = lab03::timed_loop(state, [&] { benchmark::DoNotOptimize(walk()); });
    state.counters["ns_per_element"] = ns / static_cast<double>(elements);
    state.counters["data_bytes"] =
        benchmark::Counter(static_cast<double>(elements * sizeof(std::int64_t)),
                           benchmark::Counter::kDefaults, benchmark::Counter::kIs1024);
    state.SetItemsProcessed(static_cast<std::int64_t>(elements) * state.iterations());
}

const std::vector<std::int64_t> kProbe{1, 2, 3, 4};

void BM_Pattern_Sequential(benchmark::State& state) {
    if (!oslab::implemented(state,
                            [] { benchmark::DoNotOptimize(oslab::sum_sequential(kProbe)); })) {
        return;
    }
    run_walk(state, dram_data().size(), [] { return oslab::sum_sequential(dram_data()); });
}

void BM_Pattern_ShuffledIndex(benchmark::State& state) {
    if (!oslab::implemented(state, [] {
            benchmark::DoNotOptimize(oslab::sum_indexed(kProbe, oslab::make_shuffled_index(4, 1)));
        })) {
        return;
    }
    run_walk(state, dram_data().size(),
             [] { return oslab::sum_indexed(dram_data(), dram_index()); });
}

void BM_Pattern_RowMajor(benchmark::State& state) {
    if (!oslab::implemented(state,
                            [] { benchmark::DoNotOptimize(oslab::sum_row_major(kProbe, 2)); })) {
        return;
    }
    const std::size_t n = matrix_n();
    const std::span<const std::int64_t> matrix(dram_data().data(), n * n);
    state.counters["n"] = static_cast<double>(n);
    run_walk(state, n * n, [&] { return oslab::sum_row_major(matrix, n); });
}

void BM_Pattern_ColumnMajor(benchmark::State& state) {
    if (!oslab::implemented(state,
                            [] { benchmark::DoNotOptimize(oslab::sum_column_major(kProbe, 2)); })) {
        return;
    }
    const std::size_t n = matrix_n();
    const std::span<const std::int64_t> matrix(dram_data().data(), n * n);
    state.counters["n"] = static_cast<double>(n);
    run_walk(state, n * n, [&] { return oslab::sum_column_major(matrix, n); });
}

BENCHMARK(BM_Pattern_Sequential)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Pattern_ShuffledIndex)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Pattern_RowMajor)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Pattern_ColumnMajor)->Unit(benchmark::kMillisecond);

}  // namespace
