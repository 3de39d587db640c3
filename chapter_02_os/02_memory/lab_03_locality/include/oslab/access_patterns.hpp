// Step 1: the same sum, four ways of walking memory. The arithmetic is identical; only the order
// of the loads changes, and with it how many of them the caches and the prefetcher can serve.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace oslab {

// Sum of every element, front to back: the hardware prefetcher sees the pattern and streams whole
// cache lines in ahead of the loads (and the compiler may vectorise the loop).
std::int64_t sum_sequential(std::span<const std::int64_t> data);

// A random permutation of 0..n-1 (Fisher-Yates with a seeded std::mt19937_64: same seed, same
// permutation). sum_indexed() walks data in this order.
std::vector<std::size_t> make_shuffled_index(std::size_t n, std::uint64_t seed);

// Sum of data[index[0]] + data[index[1]] + ...: the same elements, in an order no prefetcher can
// guess, so beyond the caches almost every load waits for DRAM. Throws std::out_of_range when an
// index is >= data.size().
std::int64_t sum_indexed(std::span<const std::int64_t> data, std::span<const std::size_t> index);

// An n x n matrix stored flat, row after row (C and C++ order): element (r, c) is matrix[r*n + c].
// Row-major walks the memory sequentially; column-major jumps n*8 bytes on every load.
// Both throw std::invalid_argument when matrix.size() != n * n.
std::int64_t sum_row_major(std::span<const std::int64_t> matrix, std::size_t n);
std::int64_t sum_column_major(std::span<const std::int64_t> matrix, std::size_t n);

// Sum of data[0] + data[stride] + data[2*stride] + ... (CS:APP's memory-mountain kernel): with a
// stride of 8 elements (64 bytes) every load touches a new cache line. Throws
// std::invalid_argument when stride is 0.
std::int64_t sum_strided(std::span<const std::int64_t> data, std::size_t stride);

}  // namespace oslab
