// Small helpers shared by the lab's benchmark files.
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstddef>

#include "oslab/cache_info.hpp"
#include "oslab/cpu_time.hpp"

namespace lab03 {

inline constexpr std::size_t kKiB = std::size_t{1} << 10;
inline constexpr std::size_t kMiB = std::size_t{1} << 20;

// The machine's caches, read once from sysfs (cpu0). Zeros when sysfs does not describe them.
inline const oslab::CacheInfo& caches() {
    static const oslab::CacheInfo info = [] {
        try {
            return oslab::read_cache_info();
        } catch (...) {
            return oslab::CacheInfo{};
        }
    }();
    return info;
}

// "DRAM-sized": 4x the last-level cache (32 MiB assumed when unknown), at least 64 MiB.
inline std::size_t dram_bytes() {
    const std::size_t llc = caches().llc_bytes() != 0 ? caches().llc_bytes() : 32 * kMiB;
    return std::max(64 * kMiB, 4 * llc);
}

// CPU time of the calling thread, in ns (CLOCK_THREAD_CPUTIME_ID). On a shared machine this is
// the honest clock for single-threaded kernels: time spent waiting for memory counts (the core is
// busy stalling), time spent preempted by other processes does not.
inline double thread_cpu_ns() {
    return oslab::thread_cpu_seconds() * 1e9;
}

inline double wall_ns() {
    return std::chrono::duration<double, std::nano>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// Runs body() once per benchmark iteration and returns the nanoseconds per iteration (for
// counters such as ns per load: the benchmark's own time is per iteration, not per load). Thread
// CPU time by default; wall time for work done by other threads (clock = wall_ns).
template <class Body>
double timed_loop(benchmark::State& state, Body&& body, double (*clock)() = thread_cpu_ns) {
    const double start = clock();
    for (auto _ : state)
        body();
    const double took = clock() - start;
    return took / static_cast<double>(std::max<benchmark::IterationCount>(1, state.iterations()));
}

}  // namespace lab03
