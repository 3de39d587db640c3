// Small helpers shared by the Lab 1 benchmark files.
#pragma once

#include <benchmark/benchmark.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>

namespace lab01_bench {

using Clock = std::chrono::steady_clock;

// Reaps one child; aborts the benchmark binary if the child did not exit with status 0 (a
// benchmark that silently measures failures is worse than none).
inline void reap_or_die(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) == -1) {
        if (errno != EINTR) std::abort();
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) std::abort();
}

// Wall-clock time per operation, in microseconds, as a counter the JSON output carries as is.
inline void set_us_per_op(benchmark::State& state, std::chrono::duration<double> total,
                          double ops_per_iteration = 1.0) {
    const double ops = static_cast<double>(state.iterations()) * ops_per_iteration;
    state.counters["us_per_op"] = ops > 0 ? total.count() * 1e6 / ops : 0.0;
}

}  // namespace lab01_bench
