// Step 2: the latency probe (README, "Step 2: Pointer chasing").
#include "oslab/pointer_chase.hpp"

#include <numeric>
#include <random>
#include <stdexcept>

#include "oslab/not_implemented.hpp"

namespace oslab {

std::vector<std::size_t> sattolo_cycle(std::size_t n, std::uint64_t seed) {
    // TODO(student): Sattolo's algorithm. Start from the identity next = {0, 1, ..., n-1}; with
    // std::mt19937_64 rng(seed), for i from n down to 2 swap next[i-1] with next[j], j uniform in
    // [0, i-2]: strictly below i-1. (Fisher-Yates draws j from [0, i-1]; allowing j == i-1 is what
    // lets short cycles form.) Read the result as "the successor of i is next[i]".
    OSLAB_TODO("sattolo_cycle: one random cycle through all n nodes", "Step 2: Pointer chasing");
}

void link_nodes(std::span<ChaseNode> nodes, std::span<const std::size_t> next) {
    // TODO(student): nodes[i].next = &nodes[next[i]] for every i. Throw std::invalid_argument when
    // the sizes differ or an index is out of range.
    OSLAB_TODO("link_nodes: turn the permutation into pointers", "Step 2: Pointer chasing");
}

const ChaseNode* chase(const ChaseNode* start, std::size_t steps) {
    // TODO(student): follow ->next `steps` times and return where you are. Nothing else: the point
    // is that each load needs the previous one's result.
    OSLAB_TODO("chase: follow next for K steps", "Step 2: Pointer chasing");
}

}  // namespace oslab
