// lab01_compare: the same sum of 1..n by processes and by threads, timed side by side.
//   lab01_compare [--n N] [--workers W]
#include <fmt/core.h>

#include <chrono>
#include <cstdint>
#include <exception>

#include "oslab/cli.hpp"
#include "oslab/parallel_sum.hpp"

namespace {

template <class F>
double time_ms(F&& f, std::uint64_t& result) {
    const auto start = std::chrono::steady_clock::now();
    result = f();
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
        .count();
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "Sum 1..n with W worker processes (fork + pipe) and with W threads, then compare."};
    std::uint64_t n = 100'000'000;
    std::size_t workers = 4;
    app.add_option("--n", n, "sum the numbers 1..n (at most 6e9: the sum must fit in 64 bits)")
        ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{6'000'000'000}));
    app.add_option("--workers", workers, "number of worker processes / threads")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1024}));
    if (const auto status = oslab::parse_flags(app, argc, argv, "lab01_compare")) return *status;

    const std::uint64_t expected = oslab::expected_sum(n);
    fmt::print("sum of 1..{} with {} workers, expected n(n+1)/2 = {}\n", n, workers, expected);
    try {
        std::uint64_t by_processes = 0;
        std::uint64_t by_threads = 0;
        const double processes_ms =
            time_ms([&] { return oslab::sum_with_processes(n, workers); }, by_processes);
        fmt::print("  processes: {:>22}  in {:9.3f} ms\n", by_processes, processes_ms);
        const double threads_ms =
            time_ms([&] { return oslab::sum_with_threads(n, workers); }, by_threads);
        fmt::print("  threads:   {:>22}  in {:9.3f} ms\n", by_threads, threads_ms);
        if (threads_ms > 0) {
            fmt::print("  processes / threads time ratio: {:.2f}\n", processes_ms / threads_ms);
        }
        if (by_processes != expected || by_threads != expected) {
            fmt::print(stderr, "MISMATCH: expected {}\n", expected);
            return 1;
        }
        fmt::print("results match: {}\n", expected);
    } catch (const std::exception& e) {
        fmt::print(stderr, "lab01_compare: {}\n", e.what());
        return 1;
    }
    return 0;
}
