// Step 2 reference: build one random cycle through the buffer and follow it.
#include "oslab/pointer_chase.hpp"

#include <numeric>
#include <random>
#include <stdexcept>

namespace oslab {

std::vector<std::size_t> sattolo_cycle(std::size_t n, std::uint64_t seed) {
    // Start from the identity, then Sattolo (1986): like Fisher-Yates, except that position i
    // swaps with a position strictly below it (j in [0, i-1], never i itself). That one change
    // makes the result a cyclic permutation: read as "the successor of i is next[i]", it is a
    // single cycle through all n indices. (Fisher-Yates would give any permutation, usually
    // several short cycles: a chase would loop in a small part of the buffer, which then fits in
    // the cache and measures the wrong thing.)
    std::vector<std::size_t> next(n);
    std::iota(next.begin(), next.end(), std::size_t{0});
    std::mt19937_64 rng(seed);
    for (std::size_t i = n; i > 1; --i) {
        std::uniform_int_distribution<std::size_t> pick(0, i - 2);
        std::swap(next[i - 1], next[pick(rng)]);
    }
    return next;
}

void link_nodes(std::span<ChaseNode> nodes, std::span<const std::size_t> next) {
    if (nodes.size() != next.size()) {
        throw std::invalid_argument("link_nodes: nodes and next differ in size");
    }
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        if (next[i] >= nodes.size()) throw std::invalid_argument("link_nodes: index out of range");
        nodes[i].next = &nodes[next[i]];
    }
}

const ChaseNode* chase(const ChaseNode* start, std::size_t steps) {
    // Each iteration's address is the previous iteration's loaded value: a dependency chain, so
    // the time per step is the full load-to-use latency of wherever the line lives.
    const ChaseNode* node = start;
    for (std::size_t i = 0; i < steps; ++i)
        node = node->next;
    return node;
}

}  // namespace oslab
