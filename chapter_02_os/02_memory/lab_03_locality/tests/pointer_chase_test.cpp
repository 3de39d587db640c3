// Step 2: one cycle through every node, and a chase that lands where the permutation says.
#include "oslab/pointer_chase.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>

namespace {

// Follows next[] from 0 and returns the length of the cycle through 0 (0 for an empty array).
std::size_t cycle_length(const std::vector<std::size_t>& next) {
    if (next.empty()) return 0;
    std::size_t length = 0;
    std::size_t i = 0;
    do {
        i = next.at(i);
        ++length;
    } while (i != 0 && length <= next.size());
    return length;
}

TEST(PointerChase, SattoloIsOneCycleThroughEveryNode) {
    for (std::size_t n : {1, 2, 3, 4, 5, 10, 64, 1000, 4099}) {
        for (std::uint64_t seed : {1u, 2u, 99u}) {
            const auto next = oslab::sattolo_cycle(n, seed);
            ASSERT_EQ(next.size(), n);
            EXPECT_EQ(cycle_length(next), n)
                << "n = " << n << ", seed = " << seed << ": the walk from node 0 must visit all "
                << n << " nodes before returning (a shorter loop means it is not Sattolo)";
            if (n > 1) {
                for (std::size_t i = 0; i < n; ++i) {
                    ASSERT_NE(next[i], i) << "node " << i << " points to itself";
                }
            }
        }
    }
}

TEST(PointerChase, SattoloIsRandomAndSeeded) {
    const auto first = oslab::sattolo_cycle(1000, 5);
    EXPECT_EQ(first, oslab::sattolo_cycle(1000, 5));
    EXPECT_NE(first, oslab::sattolo_cycle(1000, 6));
    // Not the trivial cycle i -> i + 1, which the prefetcher would follow with ease.
    std::size_t successors = 0;
    for (std::size_t i = 0; i < first.size(); ++i)
        successors += first[i] == (i + 1) % 1000;
    EXPECT_LT(successors, 100u) << "the cycle looks sequential, not random";
}

TEST(PointerChase, SattoloOfZeroIsEmpty) {
    EXPECT_TRUE(oslab::sattolo_cycle(0, 1).empty());
}

TEST(PointerChase, NodesFillOneCacheLineEach) {
    std::vector<oslab::ChaseNode> nodes(4);
    const auto first = reinterpret_cast<std::uintptr_t>(&nodes[0]);
    const auto second = reinterpret_cast<std::uintptr_t>(&nodes[1]);
    EXPECT_EQ(second - first, oslab::kCacheLineBytes);
    EXPECT_EQ(first % oslab::kCacheLineBytes, 0u);
}

TEST(PointerChase, LinkNodesFollowsThePermutation) {
    std::vector<oslab::ChaseNode> nodes(3);
    const std::vector<std::size_t> next{2, 0, 1};
    oslab::link_nodes(nodes, next);
    EXPECT_EQ(nodes[0].next, &nodes[2]);
    EXPECT_EQ(nodes[1].next, &nodes[0]);
    EXPECT_EQ(nodes[2].next, &nodes[1]);
}

TEST(PointerChase, LinkNodesRejectsBadInput) {
    std::vector<oslab::ChaseNode> nodes(3);
    const std::vector<std::size_t> short_next{1, 0};
    const std::vector<std::size_t> out_of_range{1, 2, 3};
    EXPECT_THROW(oslab::link_nodes(nodes, short_next), std::invalid_argument);
    EXPECT_THROW(oslab::link_nodes(nodes, out_of_range), std::invalid_argument);
}

TEST(PointerChase, ChaseLandsOnTheExpectedNodeAfterKSteps) {
    const std::size_t n = 777;
    const auto next = oslab::sattolo_cycle(n, 11);
    std::vector<oslab::ChaseNode> nodes(n);
    oslab::link_nodes(nodes, next);
    for (std::size_t steps : {0, 1, 2, 5, 776, 777, 778, 10'000}) {
        std::size_t expected = 0;
        for (std::size_t k = 0; k < steps; ++k)
            expected = next[expected];
        EXPECT_EQ(oslab::chase(&nodes[0], steps), &nodes[expected]) << steps << " steps";
    }
}

TEST(PointerChase, ChaseBufferIsOneCycleOfTheRightSize) {
    const oslab::ChaseBuffer buffer(64 * 1024, 3);
    EXPECT_EQ(buffer.nodes(), 1024u);
    EXPECT_EQ(buffer.bytes(), 64u * 1024u);
    // After exactly `nodes` steps the walk is back at the start, and never before.
    const oslab::ChaseNode* node = buffer.start();
    for (std::size_t k = 1; k < buffer.nodes(); ++k) {
        node = oslab::chase(node, 1);
        ASSERT_NE(node, buffer.start()) << "back at the start after only " << k << " steps";
    }
    EXPECT_EQ(oslab::chase(node, 1), buffer.start());
}

}  // namespace
