// The indirect cost of a context switch: the pipe ping-pong where each side touches a private
// working set of W bytes (one read-modify-write per 64-byte line) between passes, both sides
// pinned to the first allowed CPU, threads and processes. Next to it the same bytes and the same
// pipe system calls on one thread with no switch (the baseline): what a round trip costs beyond
// it is what the two switches cost once each side must refill the caches (and, for processes
// without PCID, the TLB) after the other. Given code: the student writes nothing for this.
//
//   BM_SwitchWorkingSet/process:P/W_KiB:K   P = 0 threads, 1 processes; K = W in KiB
//     round_trip_ns    one round trip: touch W, switch, other side touches its W, switch back
//     baseline_ns      one thread: touch A, write+read pipe, touch B, write+read pipe (no switch)
//     switch_extra_ns  round_trip_ns - baseline_ns (two switches, caches refilled)
//     ns_per_switch    switch_extra_ns / 2
//     round_trips      round trips per measurement (fewer for large W, to bound the time)
//     round_trip_cpu_ns, baseline_cpu_ns, switch_extra_cpu_ns: the same from the CPU time both
//                      sides used (robust when other programs share the CPU; equal when quiet)
// PCID and THP: the context lists `cpu_flag_pcid` (yes/no). PCID matters to processes only: see
// oslab/switch_working_set.hpp for why threads keep their TLB entries anyway.
#include <sched.h>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <map>
#include <string>

#include "oslab/switch_working_set.hpp"

namespace {

const bool pcid_context_added = [] {
    benchmark::AddCustomContext("cpu_flag_pcid", oslab::cpu_has_pcid() ? "yes" : "no");
    return true;
}();

int first_allowed_cpu() {
    cpu_set_t allowed;
    CPU_ZERO(&allowed);
    if (::sched_getaffinity(0, sizeof allowed, &allowed) != 0) return -1;
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
        if (CPU_ISSET(cpu, &allowed)) return cpu;
    }
    return -1;
}

// The baseline for each W, measured once per binary run (best of 3 for wall and CPU time each),
// on the same CPU.
oslab::SwitchTiming baseline(std::size_t bytes, int cpu) {
    static std::map<std::size_t, oslab::SwitchTiming> cache;
    const auto found = cache.find(bytes);
    if (found != cache.end()) return found->second;
    const std::size_t rounds = oslab::working_set_round_trips(bytes);
    oslab::SwitchTiming best{oslab::Nanos(1e300), oslab::Nanos(1e300)};
    for (int i = 0; i < 3; ++i) {
        const auto t = oslab::working_set_baseline(bytes, rounds, cpu);
        best.wall = std::min(best.wall, t.wall);
        best.cpu = std::min(best.cpu, t.cpu);
    }
    cache.emplace(bytes, best);
    return best;
}

void BM_SwitchWorkingSet(benchmark::State& state) {
    const auto sides =
        state.range(0) == 0 ? oslab::SwitchSides::threads : oslab::SwitchSides::processes;
    const auto bytes = static_cast<std::size_t>(state.range(1)) * 1024;
    const int cpu = first_allowed_cpu();
    if (cpu < 0) {
        state.SkipWithError("sched_getaffinity failed: cannot pin both sides to one CPU");
        return;
    }
    const std::size_t rounds = oslab::working_set_round_trips(bytes);
    double wall_ns = 0, cpu_ns = 0;
    for (auto _ : state) {
        const auto t = oslab::ping_pong_working_set(sides, bytes, rounds, cpu);
        wall_ns += t.wall.count();
        cpu_ns += t.cpu.count();
    }
    const double n = static_cast<double>(state.iterations());
    const double round_trip = wall_ns / n, round_trip_cpu = cpu_ns / n;
    const auto base = baseline(bytes, cpu);
    state.counters["round_trip_ns"] = round_trip;
    state.counters["baseline_ns"] = base.wall.count();
    state.counters["switch_extra_ns"] = round_trip - base.wall.count();
    state.counters["ns_per_switch"] = (round_trip - base.wall.count()) / 2.0;
    state.counters["round_trip_cpu_ns"] = round_trip_cpu;
    state.counters["baseline_cpu_ns"] = base.cpu.count();
    state.counters["switch_extra_cpu_ns"] = round_trip_cpu - base.cpu.count();
    state.counters["round_trips"] = static_cast<double>(rounds);
    state.counters["working_set_bytes"] = benchmark::Counter(
        static_cast<double>(bytes), benchmark::Counter::kDefaults, benchmark::Counter::kIs1024);
}

void working_sets(benchmark::internal::Benchmark* b) {
    b->ArgNames({"process", "W_KiB"});
    for (const int process : {0, 1}) {
        for (const int kib : {0, 16, 64, 256, 1024, 4096, 8192})
            b->Args({process, kib});
    }
}
BENCHMARK(BM_SwitchWorkingSet)->Apply(working_sets)->UseRealTime();

}  // namespace
