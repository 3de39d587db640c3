// Small helpers shared by the lab's benchmark files.
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstddef>

#include "oslab/cache_info.hpp"

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

// Runs body() once per benchmark iteration and returns the wall-clock nanoseconds per iteration
// (for counters such as ns per load: the benchmark's own time is per iteration, not per load).
template <class Body>
double timed_loop(benchmark::State& state, Body&& body) {
    const auto start = std::chrono::steady_clock::now();
    for (auto _ : state)
        body();
    const std::chrono::duration<double, std::nano> took = std::chrono::steady_clock::now() - start;
    return took.count() /
           static_cast<double>(std::max<benchmark::IterationCount>(1, state.iterations()));
}

}  // namespace lab03
