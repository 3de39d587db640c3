// lab03_locality: the chapter's claim, measured. The same numbers are summed four ways: front to
// back, through a shuffled index, and as an N x N matrix by rows and by columns. The input is sized
// from the machine's last-level cache (4x it by default) so the walks really go to DRAM.
#include <fmt/core.h>
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <exception>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "oslab/access_patterns.hpp"
#include "oslab/cache_info.hpp"
#include "oslab/cli.hpp"
#include "oslab/cpu_time.hpp"

namespace {

// For --maps: one object in each region of the process's address space.
const char kInData[] = "initialised, read-only: .rodata (next to .text)";
int g_initialised = 42;  // .data
int g_zeroed;            // .bss

// Prints where each kind of object lives, then the kernel's own list of mappings.
int show_maps() {
    int on_stack = 0;
    auto small = std::make_unique<int>(1);  // malloc arena ("[heap]", via brk)
    auto large = std::make_unique<char[]>(std::size_t{1} << 20);  // >= 128 KiB: its own mmap
    fmt::print("show_maps() (.text)   {}\n", fmt::ptr(reinterpret_cast<void*>(&show_maps)));
    fmt::print("const char[] (.rodata){}\n", fmt::ptr(static_cast<const void*>(kInData)));
    fmt::print("global int (.data)    {}\n", fmt::ptr(&g_initialised));
    fmt::print("global int (.bss)     {}\n", fmt::ptr(&g_zeroed));
    fmt::print("new int (heap)        {}\n", fmt::ptr(small.get()));
    fmt::print("new char[1 MiB] (mmap){}\n", fmt::ptr(large.get()));
    fmt::print("local int (stack)     {}\n\n", fmt::ptr(&on_stack));
    std::ifstream maps("/proc/self/maps");
    std::string line;
    while (std::getline(maps, line))
        fmt::print("{}\n", line);
    return 0;
}

constexpr std::size_t kMiB = std::size_t{1} << 20;

// CPU time of this thread (oslab/cpu_time.hpp): stalls waiting for memory count, time preempted
// by other processes does not (the machine may be shared; wall time would measure the neighbours).
using oslab::thread_cpu_seconds;

// Best (smallest) CPU time of `repeat` runs: the run least disturbed.
struct Timed {
    std::int64_t sum = 0;
    double seconds = 0;
};

Timed best_of(int repeat, const std::function<std::int64_t()>& work) {
    Timed best{0, 1e300};
    for (int i = 0; i < repeat; ++i) {
        const double start = thread_cpu_seconds();
        const std::int64_t sum = work();
        best.sum = sum;
        best.seconds = std::min(best.seconds, thread_cpu_seconds() - start);
    }
    return best;
}

void print_row(const char* name, const Timed& t, std::size_t elements, const std::string& note) {
    fmt::print("  {:<30} {:>10.2f} ms {:>8.2f} ns/element  {}\n", name, t.seconds * 1e3,
               t.seconds * 1e9 / static_cast<double>(std::max<std::size_t>(elements, 1)), note);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Sequential vs random and row- vs column-major sums over the same data"};
    const auto caches = oslab::read_cache_info();
    const std::size_t llc = caches.llc_bytes() != 0 ? caches.llc_bytes() : 32 * kMiB;
    std::size_t size_mib = std::max<std::size_t>(64, 4 * llc / kMiB);
    int repeat = 3;
    std::uint64_t seed = 1;
    app.add_option("--size-mib", size_mib, "data size in MiB (default: 4x the last-level cache)")
        ->check(CLI::Range(1, 16384));
    app.add_option("--repeat", repeat, "runs per walk; the best is shown")
        ->check(CLI::Range(1, 50));
    app.add_option("--seed", seed, "seed of the shuffled index");
    bool maps = false;
    app.add_flag("--maps", maps, "print where code, globals, heap and stack live, then exit");
    if (const auto status = oslab::parse_flags(app, argc, argv, "lab03_locality")) return *status;

    if (maps) return show_maps();

#ifndef __OPTIMIZE__
    fmt::print(
        "warning: this build is not optimised (Debug): the timings below say little. Build the "
        "release preset for real numbers.\n");
#endif

    try {
        const std::size_t elements = size_mib * kMiB / sizeof(std::int64_t);
        // The matrix view uses the largest n x n square that fits in the same data.
        const auto n = static_cast<std::size_t>(std::sqrt(static_cast<double>(elements)));
        fmt::print(
            "lab03_locality: {} MiB of int64 ({} elements); last-level cache {} KiB ({:.1f}x); "
            "matrix {} x {}; best CPU time of {}\n",
            size_mib, elements, llc / 1024,
            static_cast<double>(size_mib * kMiB) / static_cast<double>(llc), n, n, repeat);
        std::vector<std::int64_t> data(elements);
        for (std::size_t i = 0; i < elements; ++i)
            data[i] = static_cast<std::int64_t>(i % 1000) - 500;
        const auto index = oslab::make_shuffled_index(elements, seed);
        const std::span<const std::int64_t> matrix(data.data(), n * n);

        const auto sequential = best_of(repeat, [&] { return oslab::sum_sequential(data); });
        const auto shuffled = best_of(repeat, [&] { return oslab::sum_indexed(data, index); });
        const auto rows = best_of(repeat, [&] { return oslab::sum_row_major(matrix, n); });
        const auto columns = best_of(repeat, [&] { return oslab::sum_column_major(matrix, n); });

        print_row("sequential", sequential, elements, "");
        print_row(
            "shuffled index (random)", shuffled, elements,
            fmt::format("{:.1f}x the sequential time", shuffled.seconds / sequential.seconds));
        print_row("row-major (by rows)", rows, n * n, "");
        print_row("column-major (by columns)", columns, n * n,
                  fmt::format("{:.1f}x the row-major time", columns.seconds / rows.seconds));

        std::int64_t plain = 0;
        for (std::int64_t value : data)
            plain += value;
        std::int64_t plain_matrix = 0;
        for (std::int64_t value : matrix)
            plain_matrix += value;
        const bool match = sequential.sum == plain && shuffled.sum == plain &&
                           rows.sum == plain_matrix && columns.sum == plain_matrix;
        if (!match) {
            fmt::print(
                "MISMATCH: sequential {} shuffled {} (expected {}); rows {} columns {} "
                "(expected {})\n",
                sequential.sum, shuffled.sum, plain, rows.sum, columns.sum, plain_matrix);
            return 1;
        }
        fmt::print("results match: every walk gives the plain loop's sum ({}; matrix {})\n", plain,
                   plain_matrix);
    } catch (const std::exception& e) {
        fmt::print(stderr, "lab03_locality: {}\n", e.what());
        return 1;
    }
    return 0;
}
