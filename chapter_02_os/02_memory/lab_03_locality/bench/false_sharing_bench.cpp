// False sharing: two threads incrementing their own counter, on one shared line vs on two lines.
// Real time (the work happens on two other threads); ns_per_increment is per thread's increment.
#include <benchmark/benchmark.h>

#include "bench_util.hpp"
#include "oslab/bench_support.hpp"
#include "oslab/false_sharing.hpp"

namespace {

constexpr std::uint64_t kIncrements = 1'000'000;  // per thread, per benchmark iteration

template <class Counters>
void BM_FalseSharing(benchmark::State& state) {
    if (!oslab::implemented(state, [] {
            oslab::SharedLineCounters probe;
            oslab::increment_in_two_threads(probe.a, probe.b, 1);
        })) {
        return;
    }
    alignas(oslab::kCacheLineBytes) Counters counters;
    // Wall time: the increments run on two other threads; this one only waits for them.
    const double ns = lab03::timed_loop(
        state, [&] { oslab::increment_in_two_threads(counters.a, counters.b, kIncrements); },
        lab03::wall_ns);
    state.counters["ns_per_increment"] = ns / static_cast<double>(kIncrements);
    state.counters["distance_bytes"] =
        static_cast<double>(reinterpret_cast<std::uintptr_t>(&counters.b) -
                            reinterpret_cast<std::uintptr_t>(&counters.a));
}

BENCHMARK(BM_FalseSharing<oslab::SharedLineCounters>)
    ->Name("BM_FalseSharing/shared_line")
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FalseSharing<oslab::PaddedCounters>)
    ->Name("BM_FalseSharing/padded")
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
