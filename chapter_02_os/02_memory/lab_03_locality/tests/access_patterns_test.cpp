// Step 1: every walk computes the same sum as a plain loop; only the order of the loads differs.
#include "oslab/access_patterns.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>
#include <stdexcept>

namespace {

// Values with both signs and large magnitudes, so a kernel that skips or repeats an element
// gives a different sum.
std::vector<std::int64_t> values(std::size_t n, std::uint64_t seed = 7) {
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<std::int64_t> dist(-1'000'000'007, 1'000'000'007);
    std::vector<std::int64_t> data(n);
    for (auto& value : data)
        value = dist(rng);
    return data;
}

std::int64_t plain_sum(const std::vector<std::int64_t>& data) {
    std::int64_t sum = 0;
    for (std::size_t i = 0; i < data.size(); ++i)
        sum += data[i];
    return sum;
}

const std::size_t kSizes[] = {0, 1, 2, 3, 7, 8, 9, 63, 64, 65, 1000, 4097, 100'003};

TEST(AccessPatterns, SequentialEqualsThePlainLoop) {
    for (std::size_t n : kSizes) {
        const auto data = values(n);
        EXPECT_EQ(oslab::sum_sequential(data), plain_sum(data)) << "n = " << n;
    }
}

TEST(AccessPatterns, ShuffledIndexIsAPermutation) {
    for (std::size_t n : kSizes) {
        auto index = oslab::make_shuffled_index(n, 42);
        ASSERT_EQ(index.size(), n);
        std::sort(index.begin(), index.end());
        for (std::size_t i = 0; i < n; ++i) {
            ASSERT_EQ(index[i], i) << "n = " << n << ": value " << i << " missing or repeated";
        }
    }
}

TEST(AccessPatterns, ShuffledIndexIsShuffledAndSeeded) {
    const auto first = oslab::make_shuffled_index(1000, 1);
    std::vector<std::size_t> identity(1000);
    std::iota(identity.begin(), identity.end(), std::size_t{0});
    EXPECT_NE(first, identity) << "the index must be shuffled, not 0, 1, 2, ...";
    EXPECT_EQ(first, oslab::make_shuffled_index(1000, 1)) << "same seed, same permutation";
    EXPECT_NE(first, oslab::make_shuffled_index(1000, 2)) << "another seed, another permutation";
}

TEST(AccessPatterns, IndexedSumEqualsThePlainLoop) {
    for (std::size_t n : kSizes) {
        const auto data = values(n);
        const auto index = oslab::make_shuffled_index(n, 3);
        EXPECT_EQ(oslab::sum_indexed(data, index), plain_sum(data)) << "n = " << n;
    }
}

TEST(AccessPatterns, IndexedSumFollowsTheIndexIncludingRepeats) {
    const std::vector<std::int64_t> data{10, 20, 30};
    const std::vector<std::size_t> index{2, 2, 0};
    EXPECT_EQ(oslab::sum_indexed(data, index), 70);
}

TEST(AccessPatterns, IndexedSumRejectsAnIndexOutOfRange) {
    const std::vector<std::int64_t> data{1, 2, 3};
    const std::vector<std::size_t> index{0, 3};
    EXPECT_THROW(oslab::sum_indexed(data, index), std::out_of_range);
}

TEST(AccessPatterns, RowAndColumnMajorEqualThePlainLoop) {
    for (std::size_t n : {0, 1, 2, 3, 7, 8, 33, 64, 127}) {
        const auto matrix = values(n * n, n);
        EXPECT_EQ(oslab::sum_row_major(matrix, n), plain_sum(matrix)) << "n = " << n;
        EXPECT_EQ(oslab::sum_column_major(matrix, n), plain_sum(matrix)) << "n = " << n;
    }
}

TEST(AccessPatterns, MatrixWalksUseTheFlatLayout) {
    // Weighting by position catches a kernel that reads the wrong elements but the right count.
    const std::size_t n = 5;
    std::vector<std::int64_t> matrix(n * n, 0);
    matrix[1 * n + 3] = 1000;  // row 1, column 3
    matrix[4 * n + 0] = 7;     // row 4, column 0
    EXPECT_EQ(oslab::sum_row_major(matrix, n), 1007);
    EXPECT_EQ(oslab::sum_column_major(matrix, n), 1007);
}

TEST(AccessPatterns, MatrixWalksRejectANonSquareSize) {
    const std::vector<std::int64_t> matrix(10, 1);
    EXPECT_THROW(oslab::sum_row_major(matrix, 3), std::invalid_argument);
    EXPECT_THROW(oslab::sum_column_major(matrix, 3), std::invalid_argument);
    EXPECT_THROW(oslab::sum_row_major(matrix, 0), std::invalid_argument);
}

TEST(AccessPatterns, StridedSumReadsEveryStrideThElement) {
    for (std::size_t n : kSizes) {
        const auto data = values(n);
        for (std::size_t stride : {1, 2, 3, 8, 16, 1000}) {
            std::int64_t expected = 0;
            for (std::size_t i = 0; i < n; ++i) {
                if (i % stride == 0) expected += data[i];
            }
            EXPECT_EQ(oslab::sum_strided(data, stride), expected)
                << "n = " << n << ", stride = " << stride;
        }
    }
}

TEST(AccessPatterns, StridedSumRejectsStrideZero) {
    const std::vector<std::int64_t> data{1, 2};
    EXPECT_THROW(oslab::sum_strided(data, 0), std::invalid_argument);
}

}  // namespace
