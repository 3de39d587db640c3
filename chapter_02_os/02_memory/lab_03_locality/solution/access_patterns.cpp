// Step 1 reference: four walks over the same numbers. The loops are deliberately plain: the lesson
// is what the memory system does with the order of the loads, not clever arithmetic.
#include "oslab/access_patterns.hpp"

#include <limits>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>

namespace oslab {

std::int64_t sum_sequential(std::span<const std::int64_t> data) {
    // Consecutive addresses: each 64-byte line brings 8 elements, and the hardware prefetcher,
    // seeing a steady stream, fetches the next lines before they are asked for.
    std::int64_t sum = 0;
    for (std::int64_t value : data)
        sum += value;
    return sum;
}

std::vector<std::size_t> make_shuffled_index(std::size_t n, std::uint64_t seed) {
    std::vector<std::size_t> index(n);
    std::iota(index.begin(), index.end(), std::size_t{0});
    // Fisher-Yates: position i swaps with a uniformly chosen position in [0, i]. Every permutation
    // is equally likely. (std::shuffle does the same; written out here to show it.)
    std::mt19937_64 rng(seed);
    for (std::size_t i = n; i > 1; --i) {
        std::uniform_int_distribution<std::size_t> pick(0, i - 1);
        std::swap(index[i - 1], index[pick(rng)]);
    }
    return index;
}

std::int64_t sum_indexed(std::span<const std::int64_t> data, std::span<const std::size_t> index) {
    // The index array itself is read sequentially (prefetched); the data loads land anywhere.
    // Once data is bigger than the last-level cache nearly every one of them is a miss to DRAM,
    // and most are a TLB miss too (a new 4 KiB page each time).
    std::int64_t sum = 0;
    for (std::size_t i : index) {
        if (i >= data.size()) {
            throw std::out_of_range("sum_indexed: index " + std::to_string(i) + " >= size " +
                                    std::to_string(data.size()));
        }
        sum += data[i];
    }
    return sum;
}

namespace {

void check_square(std::span<const std::int64_t> matrix, std::size_t n, const char* who) {
    const bool overflows = n != 0 && n > std::numeric_limits<std::size_t>::max() / n;
    if (overflows || matrix.size() != n * n) {
        throw std::invalid_argument(std::string(who) + ": the matrix has " +
                                    std::to_string(matrix.size()) + " elements, not " +
                                    std::to_string(n) + " x " + std::to_string(n));
    }
}

}  // namespace

std::int64_t sum_row_major(std::span<const std::int64_t> matrix, std::size_t n) {
    check_square(matrix, n, "sum_row_major");
    // Inner loop over columns: consecutive addresses, one cache miss per 8 elements.
    std::int64_t sum = 0;
    for (std::size_t r = 0; r < n; ++r) {
        for (std::size_t c = 0; c < n; ++c)
            sum += matrix[r * n + c];
    }
    return sum;
}

std::int64_t sum_column_major(std::span<const std::int64_t> matrix, std::size_t n) {
    check_square(matrix, n, "sum_column_major");
    // Inner loop over rows: each load is n * 8 bytes after the previous one. For a large n every
    // load is on a new cache line (and a new page), and by the time the walk comes back for the
    // next column the line has long been evicted: 8x the memory traffic of the row-major walk.
    std::int64_t sum = 0;
    for (std::size_t c = 0; c < n; ++c) {
        for (std::size_t r = 0; r < n; ++r)
            sum += matrix[r * n + c];
    }
    return sum;
}

std::int64_t sum_strided(std::span<const std::int64_t> data, std::size_t stride) {
    if (stride == 0) throw std::invalid_argument("sum_strided: stride must be at least 1");
    std::int64_t sum = 0;
    for (std::size_t i = 0; i < data.size(); i += stride)
        sum += data[i];
    return sum;
}

}  // namespace oslab
