// Where the bytes come from: a list on the global heap (new/delete per node) and the same list on
// a pmr arena that starts on the stack (the student's code). The stack against the heap with the
// same container on both sides is alloc_source_bench.cpp (BM_AllocChain_*): a std::array of
// values against a list compared containers, not memory sources, so it is no longer measured.
#include <benchmark/benchmark.h>

#include "bench_util.hpp"
#include "oslab/allocation.hpp"
#include "oslab/bench_support.hpp"

namespace {

template <class Work>
void run_alloc(benchmark::State& state, Work&& work) {
    const auto n = static_cast<std::size_t>(state.range(0));
    if (!oslab::implemented(state, [&] { benchmark::DoNotOptimize(work(std::size_t{1})); })) return;
    const double ns = lab03::timed_loop(state, [&] { benchmark::DoNotOptimize(work(n)); });
    state.counters["ns_per_element"] = ns / static_cast<double>(n);
    state.SetItemsProcessed(static_cast<std::int64_t>(n) * state.iterations());
}

void BM_Alloc_ListNewDelete(benchmark::State& state) {
    run_alloc(state, [](std::size_t n) { return oslab::list_sum_new_delete(n); });
}
void BM_Alloc_ListPmrArena(benchmark::State& state) {
    run_alloc(state, [](std::size_t n) { return oslab::list_sum_arena(n); });
}

// 1000 values fit everywhere (the arena never leaves its stack buffer); 100000 make the arena
// grow from the heap in a few big blocks, while new/delete still runs once per node.
BENCHMARK(BM_Alloc_ListNewDelete)->Arg(1000)->Arg(100'000);
BENCHMARK(BM_Alloc_ListPmrArena)->Arg(1000)->Arg(100'000);

}  // namespace
