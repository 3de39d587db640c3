// Step 1: four walks over the same numbers (README, "Step 1: Access patterns"). The contracts are
// in oslab/access_patterns.hpp. The experiment is about the ORDER of the loads: keep the arithmetic
// the same in every walk, so that the order is the only thing that differs.
#include "oslab/access_patterns.hpp"

#include <limits>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>

#include "oslab/not_implemented.hpp"

namespace oslab {

std::int64_t sum_sequential(std::span<const std::int64_t> data) {
    // TODO(student): Step 1. Every element, front to back.
    // Think: what can the hardware prefetcher (and the compiler) do with this loop that it cannot
    //   do with the walks below?
    OSLAB_TODO("sum_sequential: the plain front-to-back sum", "Step 1: Access patterns");
}

std::vector<std::size_t> make_shuffled_index(std::size_t n, std::uint64_t seed) {
    // TODO(student): Step 1.
    // Contract: a uniformly random permutation of 0..n-1; the same seed gives the same
    //   permutation (a seeded std::mt19937_64), different seeds (almost always) different ones.
    // Facts: Fisher-Yates (Knuth, TAOCP vol. 2, Algorithm P) is the standard uniform shuffle.
    OSLAB_TODO("make_shuffled_index: a seeded random permutation of 0..n-1",
               "Step 1: Access patterns");
}

std::int64_t sum_indexed(std::span<const std::int64_t> data, std::span<const std::size_t> index) {
    // TODO(student): Step 1.
    // Contract: data[index[0]] + data[index[1]] + ..., in the index's order (repeats count).
    // Errors: an index >= data.size() -> std::out_of_range (span's operator[] does not check).
    OSLAB_TODO("sum_indexed: the sum in the index's order", "Step 1: Access patterns");
}

// Element (r, c) of the flat n x n matrix is matrix[r * n + c].
std::int64_t sum_row_major(std::span<const std::int64_t> matrix, std::size_t n) {
    // TODO(student): Step 1.
    // Contract: the sum of the n x n matrix, element (r, c) at matrix[r * n + c], walked row by
    //   row. matrix.size() != n * n -> std::invalid_argument (and n * n may overflow); n = 0 is an
    //   empty, valid matrix.
    OSLAB_TODO("sum_row_major: the matrix, row by row", "Step 1: Access patterns");
}

std::int64_t sum_column_major(std::span<const std::int64_t> matrix, std::size_t n) {
    // TODO(student): Step 1.
    // Contract: the same sum and checks as sum_row_major, walked column by column.
    // Think: how many bytes apart are two consecutive loads here, and how many cache lines does
    //   one column touch once n * 8 bytes exceeds a line?
    OSLAB_TODO("sum_column_major: the matrix, column by column", "Step 1: Access patterns");
}

std::int64_t sum_strided(std::span<const std::int64_t> data, std::size_t stride) {
    // TODO(student): Step 1.
    // Contract: data[0] + data[stride] + data[2 * stride] + ... while in range; stride 0 ->
    //   std::invalid_argument.
    OSLAB_TODO("sum_strided: every stride-th element", "Step 1: Access patterns");
}

}  // namespace oslab
