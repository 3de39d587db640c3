// Lab 1, part 1: the same parallel sum of 1..n done by processes and by threads.
//
// The work is deliberately trivial (add the numbers of a range) so that what differs between the
// two versions is only how the workers are created, how they share data and how they report back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>

namespace oslab {

// The half-open range of numbers [begin, end) a worker adds up.
struct Chunk {
    std::uint64_t begin = 0;
    std::uint64_t end = 0;
};

// Splits 1..n into `workers` chunks of n / workers numbers each; the last chunk also takes the
// remainder. With workers > n the first chunks are empty, and that is fine. (Given: both sums use
// it.)
inline Chunk chunk_of(std::uint64_t n, std::size_t workers, std::size_t index) {
    const std::uint64_t per_worker = n / workers;
    Chunk chunk;
    chunk.begin = 1 + per_worker * index;
    chunk.end = index + 1 == workers ? n + 1 : chunk.begin + per_worker;
    return chunk;
}

// Adds up a chunk with a real loop. The empty asm statement tells the compiler that `total` may
// have changed, so it cannot replace the loop by the formula n(n+1)/2 or vectorise it away: the
// benchmarks then measure real work (about one addition per cycle). (Given.)
inline std::uint64_t sum_chunk(Chunk chunk) {
    std::uint64_t total = 0;
    for (std::uint64_t i = chunk.begin; i < chunk.end; ++i) {
        total += i;
        asm volatile("" : "+r"(total));
    }
    return total;
}

// n(n+1)/2: what both sums must return (exact for n < 6e9).
constexpr std::uint64_t expected_sum(std::uint64_t n) {
    return n % 2 == 0 ? (n / 2) * (n + 1) : n * ((n + 1) / 2);
}

// A worker process did not deliver its result: it exited with a non-zero status, was killed by a
// signal, or closed its end of the pipe before sending all 8 bytes.
class ChildFailed : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Test seam: called inside each child process, right after fork() and before it computes its
// chunk, with the worker's index. Tests use it to make a child exit early, throw, or die by a
// signal.
using ChildHook = std::function<void(std::size_t worker)>;

// Sum of 1..n by `workers` child processes: fork() one child per chunk; each child computes its
// chunk, writes the 8-byte result into a pipe and _exit()s. The parent reads every result (a read
// may return fewer bytes than asked), reaps every child with waitpid() and adds the results.
// Throws std::invalid_argument if workers == 0, ChildFailed if any child fails (after reaping all
// of them: no zombie and no descriptor is left behind, even on error), std::system_error if a
// system call fails.
std::uint64_t sum_with_processes(std::uint64_t n, std::size_t workers,
                                 const ChildHook& in_child = {});

// Sum of 1..n by `workers` std::threads, each writing its result into its own slot of a vector.
// Throws std::invalid_argument if workers == 0.
std::uint64_t sum_with_threads(std::uint64_t n, std::size_t workers);

}  // namespace oslab
