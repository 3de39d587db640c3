// Step 2: the latency probe (README, "Step 2: Pointer chasing").
#include "oslab/pointer_chase.hpp"

#include <numeric>
#include <random>
#include <stdexcept>

#include "oslab/not_implemented.hpp"

namespace oslab {

std::vector<std::size_t> sattolo_cycle(std::size_t n, std::uint64_t seed) {
    // TODO(student): Step 2.
    // Contract (oslab/pointer_chase.hpp): a random cyclic permutation: following
    //   i -> next[i] -> next[next[i]] visits all n indices before it returns to i. Seeded
    //   std::mt19937_64; n == 0 gives {}, n == 1 gives {0}.
    // Facts: Sattolo's algorithm (1986) is Fisher-Yates with one change in the range of the
    //   random index; that change is what rules out every cycle shorter than n.
    // Think: why would a permutation with a short cycle spoil a latency measurement?
    OSLAB_TODO("sattolo_cycle: one random cycle through all n nodes", "Step 2: Pointer chasing");
}

void link_nodes(std::span<ChaseNode> nodes, std::span<const std::size_t> next) {
    // TODO(student): Step 2.
    // Contract: nodes[i].next points to nodes[next[i]] for every i.
    // Errors: sizes that differ, or an index out of range -> std::invalid_argument.
    OSLAB_TODO("link_nodes: turn the permutation into pointers", "Step 2: Pointer chasing");
}

const ChaseNode* chase(const ChaseNode* start, std::size_t steps) {
    // TODO(student): Step 2.
    // Contract: the node reached after `steps` steps along next (start for 0 steps).
    // Think: what makes the address of each load depend on the one before, and why is that the
    //   whole point of this function?
    OSLAB_TODO("chase: follow next for K steps", "Step 2: Pointer chasing");
}

}  // namespace oslab
