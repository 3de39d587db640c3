// Step 5: the same list, three sources of memory (README, "Step 5: Stack, heap and arena").
#include "oslab/allocation.hpp"

#include <array>
#include <list>
#include <numeric>
#include <stdexcept>
#include <string>

#include "oslab/not_implemented.hpp"

namespace oslab {

std::int64_t list_sum_new_delete(std::size_t n) {
    // TODO(student): Step 5.
    // Contract (oslab/allocation.hpp): builds a std::list<std::int64_t> of 0..n-1 on the global
    //   heap, sums it, destroys it; returns the sum.
    OSLAB_TODO("list_sum_new_delete: std::list on the global heap",
               "Step 5: Stack, heap and arena");
}

std::int64_t list_sum_arena(std::size_t n, std::pmr::memory_resource* upstream) {
    // TODO(student): Step 5.
    // Contract: the same list as a std::pmr::list on a std::pmr::monotonic_buffer_resource whose
    //   first buffer is kArenaStackBytes on this function's stack; more memory only from
    //   `upstream` (a test passes std::pmr::null_memory_resource(): 1000 nodes must fit; another
    //   counts the upstream's allocations for 100 000: a few big blocks).
    // Facts: a monotonic resource never frees single blocks: deallocate is a no-op, everything is
    //   released when the resource is destroyed. C++ destroys locals in reverse order.
    // Think: what must be destroyed first, the list, the resource or the buffer, and why?
    OSLAB_TODO("list_sum_arena: std::pmr::list on a monotonic buffer",
               "Step 5: Stack, heap and arena");
}

std::int64_t array_sum_stack(std::size_t n) {
    // TODO(student): Step 5.
    // Contract: the values 0..n-1 in a std::array on the stack, summed; no allocator at all.
    //   n > kStackArrayMax -> std::invalid_argument.
    OSLAB_TODO("array_sum_stack: the values in a std::array", "Step 5: Stack, heap and arena");
}

}  // namespace oslab
