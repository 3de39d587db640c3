// Page faults: writing one byte per page of a fresh 64 MiB mapping (cold: one minor fault per
// 4 KiB page), of a MAP_POPULATE'd one (prefaulted: none), and of one advised MADV_HUGEPAGE (one
// fault per 2 MiB). Also the cost of the prefault itself (madvise MADV_POPULATE_WRITE): the work
// moves, it does not vanish. Manual time = the timed part only (thread CPU time); mmap/munmap
// are outside it.
#include <benchmark/benchmark.h>

#include <string>

#include "bench_util.hpp"
#include "oslab/bench_support.hpp"
#include "oslab/page_faults.hpp"

namespace {

constexpr std::size_t kRegion = 64 * lab03::kMiB;
constexpr benchmark::IterationCount kMappings = 10;  // fresh mappings per benchmark (fixed)

struct Totals {
    double ns = 0;
    double faults = 0;
    double pages = 0;

    void add(benchmark::State& state, double elapsed_ns, double faults_taken, double pages_seen) {
        state.SetIterationTime(elapsed_ns * 1e-9);
        ns += elapsed_ns;
        faults += faults_taken;
        pages += pages_seen;
    }
    void report(benchmark::State& state) const {
        state.counters["ns_per_page"] = pages > 0 ? ns / pages : 0;
        state.counters["faults_per_page"] = pages > 0 ? faults / pages : 0;
        state.counters["region_bytes"] =
            benchmark::Counter(static_cast<double>(kRegion), benchmark::Counter::kDefaults,
                               benchmark::Counter::kIs1024);
    }
};

bool probe_touch(benchmark::State& state) {
    return oslab::implemented(state, [] {
        const oslab::MappedRegion probe(oslab::page_size());
        benchmark::DoNotOptimize(oslab::touch_pages(probe.bytes()));
    });
}

void touch_and_add(benchmark::State& state, Totals& totals, const oslab::MappedRegion& region) {
    // Thread CPU time (user + the kernel's fault handling), not result.elapsed (wall time, which
    // on a shared machine also counts the time other processes ran).
    const double start = lab03::thread_cpu_ns();
    const auto result = oslab::touch_pages(region.bytes());
    totals.add(state, lab03::thread_cpu_ns() - start, static_cast<double>(result.minor_faults),
               static_cast<double>(result.pages));
}

void BM_PageFaults_Cold(benchmark::State& state) {
    if (!probe_touch(state)) return;
    Totals totals;
    for (auto _ : state) {
        const oslab::MappedRegion region(kRegion, {.small_pages_only = true});
        touch_and_add(state, totals, region);
    }
    totals.report(state);
}

void BM_PageFaults_Prefaulted(benchmark::State& state) {
    if (!probe_touch(state)) return;
    Totals totals;
    for (auto _ : state) {
        const oslab::MappedRegion region(kRegion, {.populate = true, .small_pages_only = true});
        touch_and_add(state, totals, region);
    }
    totals.report(state);
}

void BM_PageFaults_PopulateCall(benchmark::State& state) {
    if (!oslab::implemented(state, [] {
            const oslab::MappedRegion probe(oslab::page_size());
            benchmark::DoNotOptimize(oslab::prefault(probe.bytes()));
            benchmark::DoNotOptimize(oslab::minor_faults());
        })) {
        return;
    }
    Totals totals;
    for (auto _ : state) {
        const oslab::MappedRegion region(kRegion, {.small_pages_only = true});
        const auto faults_before = oslab::minor_faults();
        const auto start = std::chrono::steady_clock::now();
        if (!oslab::prefault(region.bytes())) {
            state.SkipWithError("madvise(MADV_POPULATE_WRITE) is not supported (Linux < 5.14)");
            return;
        }
        const std::chrono::duration<double, std::nano> took =
            std::chrono::steady_clock::now() - start;
        totals.add(state, took.count(), static_cast<double>(oslab::minor_faults() - faults_before),
                   static_cast<double>(kRegion / oslab::page_size()));
    }
    totals.report(state);
}

void BM_PageFaults_HugePages(benchmark::State& state) {
    if (!probe_touch(state)) return;
    if (!oslab::implemented(state, [] {
            const oslab::MappedRegion probe(oslab::page_size());
            benchmark::DoNotOptimize(oslab::request_huge_pages(probe.bytes()));
        })) {
        return;
    }
    const std::string mode = oslab::transparent_hugepage_mode();
    if (mode.empty() || mode == "never") {
        state.SkipWithError(("transparent huge pages unavailable (mode \"" + mode + "\")").c_str());
        return;
    }
    Totals totals;
    for (auto _ : state) {
        const oslab::MappedRegion region(kRegion, {.huge_aligned = true});
        if (!oslab::request_huge_pages(region.bytes())) {
            state.SkipWithError("madvise(MADV_HUGEPAGE) is not supported by this kernel");
            return;
        }
        touch_and_add(state, totals, region);
    }
    totals.report(state);
}

BENCHMARK(BM_PageFaults_Cold)
    ->UseManualTime()
    ->Iterations(kMappings)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PageFaults_Prefaulted)
    ->UseManualTime()
    ->Iterations(kMappings)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PageFaults_PopulateCall)
    ->UseManualTime()
    ->Iterations(kMappings)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PageFaults_HugePages)
    ->UseManualTime()
    ->Iterations(kMappings)
    ->Unit(benchmark::kMillisecond);

}  // namespace
