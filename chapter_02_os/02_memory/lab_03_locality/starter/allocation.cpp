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
    // TODO(student): a std::list<std::int64_t> with push_back(0), ..., push_back(n - 1), then
    // std::accumulate. Every node is one operator new; the list's destructor deletes them all.
    OSLAB_TODO("list_sum_new_delete: std::list on the global heap",
               "Step 5: Stack, heap and arena");
}

std::int64_t list_sum_arena(std::size_t n, std::pmr::memory_resource* upstream) {
    // TODO(student):
    //  1. std::array<std::byte, kArenaStackBytes> buffer;   (on this function's stack frame)
    //  2. std::pmr::monotonic_buffer_resource arena(buffer.data(), buffer.size(), upstream);
    //  3. In an inner scope (the list must be destroyed before the arena), a
    //     std::pmr::list<std::int64_t> values(&arena); push_back 0..n-1; accumulate.
    OSLAB_TODO("list_sum_arena: std::pmr::list on a monotonic buffer",
               "Step 5: Stack, heap and arena");
}

std::int64_t array_sum_stack(std::size_t n) {
    // TODO(student): throw std::invalid_argument when n > kStackArrayMax; otherwise fill the first
    // n slots of a std::array<std::int64_t, kStackArrayMax> with 0..n-1 and add them up.
    OSLAB_TODO("array_sum_stack: the values in a std::array", "Step 5: Stack, heap and arena");
}

}  // namespace oslab
