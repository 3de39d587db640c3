// Step 1: four walks over the same numbers (README, "Step 1: Access patterns").
// Keep the loops plain: the experiment is about the ORDER of the loads, not clever arithmetic.
#include "oslab/access_patterns.hpp"

#include <limits>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>

#include "oslab/not_implemented.hpp"

namespace oslab {

std::int64_t sum_sequential(std::span<const std::int64_t> data) {
    // TODO(student): add up every element, front to back (a range-for over the span).
    OSLAB_TODO("sum_sequential: the plain front-to-back sum", "Step 1: Access patterns");
}

std::vector<std::size_t> make_shuffled_index(std::size_t n, std::uint64_t seed) {
    // TODO(student): a random permutation of 0..n-1.
    //  1. std::vector<std::size_t> index(n); std::iota(...) fills 0, 1, ..., n-1.
    //  2. Fisher-Yates with std::mt19937_64 rng(seed): for i from n down to 2, swap index[i-1]
    //     with index[j], j drawn uniformly from [0, i-1] (std::uniform_int_distribution).
    //     (std::shuffle(index.begin(), index.end(), rng) is an acceptable one-liner.)
    OSLAB_TODO("make_shuffled_index: Fisher-Yates over 0..n-1", "Step 1: Access patterns");
}

std::int64_t sum_indexed(std::span<const std::int64_t> data, std::span<const std::size_t> index) {
    // TODO(student): sum data[i] for each i in index, in the index's order. An i >= data.size()
    // must throw std::out_of_range (data[i] on a span does not check: check it yourself).
    OSLAB_TODO("sum_indexed: the sum in the shuffled order", "Step 1: Access patterns");
}

// Element (r, c) of the flat n x n matrix is matrix[r * n + c].
std::int64_t sum_row_major(std::span<const std::int64_t> matrix, std::size_t n) {
    // TODO(student): throw std::invalid_argument unless matrix.size() == n * n (watch for n * n
    // overflowing), then loop r outside, c inside: the inner loop walks consecutive addresses.
    OSLAB_TODO("sum_row_major: rows outside, columns inside", "Step 1: Access patterns");
}

std::int64_t sum_column_major(std::span<const std::int64_t> matrix, std::size_t n) {
    // TODO(student): the same check, then c outside, r inside: each load is n * 8 bytes after the
    // previous one. Same sum, very different time once the matrix outgrows the caches.
    OSLAB_TODO("sum_column_major: columns outside, rows inside", "Step 1: Access patterns");
}

std::int64_t sum_strided(std::span<const std::int64_t> data, std::size_t stride) {
    // TODO(student): data[0] + data[stride] + data[2 * stride] + ... while the index is in range;
    // stride 0 throws std::invalid_argument.
    OSLAB_TODO("sum_strided: every stride-th element", "Step 1: Access patterns");
}

}  // namespace oslab
