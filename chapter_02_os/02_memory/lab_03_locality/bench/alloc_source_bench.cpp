// Stack vs heap without confounding: the same chain of n 16-byte nodes, linked in allocation
// order, built, summed and destroyed; only the memory source changes (oslab/alloc_sources.hpp;
// given code). Compare with BM_Alloc_* (allocation_bench.cpp: the student's lists).
//   BM_AllocChain_Stack/n:N, BM_AllocChain_NewDelete/n:N, BM_AllocChain_OneMalloc/n:N,
//   BM_AllocChain_PmrArena/n:N
//     ns_per_element       build + sum + destroy, per node (thread CPU time)
//     median_gap_bytes     median distance between consecutive nodes: 16 where the nodes are
//                          packed, 32 with new/delete (glibc's 8-byte size field, rounded to 16)
//     far_fraction         consecutive nodes more than 64 bytes apart (block jumps, holes)
//   BM_Alloc_ChunkSize/request:R  malloc(R) + free: ns_per_malloc_free, usable_bytes
//                          (malloc_usable_size), chunk_bytes (usable + 8), overhead_bytes
//                          (chunk - R)
// n = 1000 for every source; n = 100000 for the heap sources (the stack one holds 4096 nodes).
#include <benchmark/benchmark.h>

#include <cstdlib>

#include "bench_util.hpp"
#include "oslab/alloc_sources.hpp"

namespace {

void run_chain(benchmark::State& state, oslab::NodeSource source) {
    const auto n = static_cast<std::size_t>(state.range(0));
    std::int64_t last = 0;
    const double ns = lab03::timed_loop(state, [&] {
        last = oslab::chain_sum(source, n);
        benchmark::DoNotOptimize(last);
    });
    const auto expected = static_cast<std::int64_t>(n) * static_cast<std::int64_t>(n - 1) / 2;
    if (last != expected) {
        state.SkipWithError("chain_sum returned a wrong sum");
        return;
    }
    const auto layout = oslab::chain_layout(source, n);  // after timing: its own build
    state.counters["ns_per_element"] = ns / static_cast<double>(n);
    state.counters["median_gap_bytes"] = layout.median_gap_bytes;
    state.counters["far_fraction"] = layout.far_fraction;
    state.SetItemsProcessed(static_cast<std::int64_t>(n) * state.iterations());
}

void BM_AllocChain_Stack(benchmark::State& state) {
    run_chain(state, oslab::NodeSource::stack);
}
void BM_AllocChain_NewDelete(benchmark::State& state) {
    run_chain(state, oslab::NodeSource::new_delete);
}
void BM_AllocChain_OneMalloc(benchmark::State& state) {
    run_chain(state, oslab::NodeSource::one_malloc);
}
void BM_AllocChain_PmrArena(benchmark::State& state) {
    run_chain(state, oslab::NodeSource::pmr_arena);
}
BENCHMARK(BM_AllocChain_Stack)->ArgName("n")->Arg(1000);
BENCHMARK(BM_AllocChain_NewDelete)->ArgName("n")->Arg(1000)->Arg(100'000);
BENCHMARK(BM_AllocChain_OneMalloc)->ArgName("n")->Arg(1000)->Arg(100'000);
BENCHMARK(BM_AllocChain_PmrArena)->ArgName("n")->Arg(1000)->Arg(100'000);

void BM_Alloc_ChunkSize(benchmark::State& state) {
    const auto request = static_cast<std::size_t>(state.range(0));
    const double ns = lab03::timed_loop(state, [&] {
        void* p = std::malloc(request);
        benchmark::DoNotOptimize(p);
        std::free(p);
    });
    const auto size = oslab::malloc_chunk_size(request);
    state.counters["ns_per_malloc_free"] = ns;
    state.counters["usable_bytes"] = static_cast<double>(size.usable);
    state.counters["chunk_bytes"] = static_cast<double>(size.chunk);
    state.counters["overhead_bytes"] = static_cast<double>(size.chunk - size.request);
}
BENCHMARK(BM_Alloc_ChunkSize)
    ->ArgName("request")
    ->Arg(1)
    ->Arg(16)
    ->Arg(24)
    ->Arg(25)
    ->Arg(40)
    ->Arg(64);

}  // namespace
