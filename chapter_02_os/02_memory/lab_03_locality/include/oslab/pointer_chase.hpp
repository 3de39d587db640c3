// Step 2: the latency probe. Each load's address is the value of the previous load, so the CPU
// cannot start load k+1 before load k has finished: no overlap, no prefetching, and the time per
// step is the latency of whichever level of the memory hierarchy holds the working set. This is
// lmbench's lat_mem_rd and the "pointer chasing" of Drepper's "What every programmer should know
// about memory".
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace oslab {

// The cache-line size the lab assumes (x86-64 and most ARM cores: 64 bytes; the sysfs reader in
// cache_info.hpp reports the real one). A literal rather than
// std::hardware_destructive_interference_size: GCC 12 warns (-Winterference-size) when that
// constant is used in a header, because its value may change with -mtune and would silently change
// the layout (the ABI) of every type built on it.
inline constexpr std::size_t kCacheLineBytes = 64;

// One node per cache line: following `next` always loads a different line.
struct alignas(kCacheLineBytes) ChaseNode {
    ChaseNode* next = nullptr;
};
static_assert(sizeof(ChaseNode) == kCacheLineBytes, "one node must fill one cache line");

// Sattolo's algorithm: a random cyclic permutation of 0..n-1 in which following
// i -> next[i] -> next[next[i]] ... visits all n indices before coming back to i (one single
// cycle, never a shorter loop). Seeded std::mt19937_64: same seed, same cycle. n == 0 gives an
// empty vector; n == 1 gives {0} (the only cycle of one element).
std::vector<std::size_t> sattolo_cycle(std::size_t n, std::uint64_t seed);

// Links the nodes along the permutation: nodes[i].next = &nodes[next[i]].
// Throws std::invalid_argument when the sizes differ or an index is out of range.
void link_nodes(std::span<ChaseNode> nodes, std::span<const std::size_t> next);

// Follows `next` from start for `steps` steps and returns the node reached (start when steps == 0).
// The returned pointer depends on every load, so the compiler cannot drop the loop.
const ChaseNode* chase(const ChaseNode* start, std::size_t steps);

// A ready-to-chase buffer of `bytes` (rounded down to whole nodes, at least one node) linked as one
// Sattolo cycle. Given: it only combines the three functions above.
class ChaseBuffer {
public:
    ChaseBuffer(std::size_t bytes, std::uint64_t seed);
    const ChaseNode* start() const { return nodes_.data(); }
    std::size_t nodes() const { return nodes_.size(); }
    std::size_t bytes() const { return nodes_.size() * sizeof(ChaseNode); }

private:
    std::vector<ChaseNode> nodes_;
};

}  // namespace oslab
