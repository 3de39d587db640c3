// TLB reach: one dependent load per 4 KiB of address space over P pages, in a random cycle, on
// 4 KiB pages and on 2 MiB pages (see oslab/tlb_reach.hpp). Given code: nothing of the student's.
//   BM_TlbReach_4KiB/pages:P   ns_per_access, pages, mapping_bytes      (MADV_NOHUGEPAGE)
//   BM_TlbReach_2MiB/pages:P   ns_per_access, pages, anon_huge_bytes    (MADV_HUGEPAGE, checked in
//                              /proc/self/smaps; skipped with the reason when not really huge)
// Shape (oslab::tlb_shape_problem): 4 KiB at 16,384 pages >= 2x 4 KiB at 16 pages; the 2 MiB
// curve flatter (smaller 16,384/16 ratio). oslab::name_tlb_steps names the steps.
#include <benchmark/benchmark.h>

#include "bench_util.hpp"
#include "oslab/tlb_reach.hpp"

namespace {

constexpr std::size_t kAccesses = std::size_t{1} << 19;  // dependent loads per iteration

void run_tlb(benchmark::State& state, oslab::TlbPages kind) {
    const auto pages = static_cast<std::size_t>(state.range(0));
    const oslab::TlbChase chase(pages, kind);
    if (!chase.problem().empty()) {
        state.SkipWithError(chase.problem().c_str());
        return;
    }
    const void* at = oslab::tlb_chase(chase.start(), std::min(pages * 4, kAccesses));  // warm up
    const double ns = lab03::timed_loop(state, [&] {
        at = oslab::tlb_chase(at, kAccesses);
        benchmark::DoNotOptimize(at);
    });
    state.counters["ns_per_access"] = ns / static_cast<double>(kAccesses);
    state.counters["pages"] = static_cast<double>(pages);
    state.counters["mapping_bytes"] =
        benchmark::Counter(static_cast<double>(chase.mapping_bytes()),
                           benchmark::Counter::kDefaults, benchmark::Counter::kIs1024);
    state.counters["anon_huge_bytes"] =
        benchmark::Counter(static_cast<double>(chase.anon_huge_kib()) * 1024,
                           benchmark::Counter::kDefaults, benchmark::Counter::kIs1024);
}

void BM_TlbReach_4KiB(benchmark::State& state) {
    run_tlb(state, oslab::TlbPages::small_4k);
}
void BM_TlbReach_2MiB(benchmark::State& state) {
    run_tlb(state, oslab::TlbPages::huge_2m);
}

void page_counts(benchmark::internal::Benchmark* b) {
    b->ArgName("pages");
    for (const int pages : {1, 4, 16, 64, 256, 1024, 4096, 16384})
        b->Arg(pages);
    b->Unit(benchmark::kMillisecond);
}
BENCHMARK(BM_TlbReach_4KiB)->Apply(page_counts);
BENCHMARK(BM_TlbReach_2MiB)->Apply(page_counts);

}  // namespace
