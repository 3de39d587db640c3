// Given (not an exercise, compiled into both variants): a buffer linked as one Sattolo cycle.
#include <algorithm>

#include "oslab/pointer_chase.hpp"

namespace oslab {

ChaseBuffer::ChaseBuffer(std::size_t bytes, std::uint64_t seed)
    : nodes_(std::max<std::size_t>(1, bytes / sizeof(ChaseNode))) {
    link_nodes(nodes_, sattolo_cycle(nodes_.size(), seed));
}

}  // namespace oslab
