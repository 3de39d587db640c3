// Step 5 reference: the same list, three sources of memory.
#include "oslab/allocation.hpp"

#include <array>
#include <list>
#include <numeric>
#include <stdexcept>
#include <string>

namespace oslab {

std::int64_t list_sum_new_delete(std::size_t n) {
    // Every push_back calls operator new (malloc) for one 24-byte node; the destructor calls
    // operator delete n times. The nodes end up wherever malloc found room.
    std::list<std::int64_t> values;
    for (std::size_t i = 0; i < n; ++i)
        values.push_back(static_cast<std::int64_t>(i));
    return std::accumulate(values.begin(), values.end(), std::int64_t{0});
}

std::int64_t list_sum_arena(std::size_t n, std::pmr::memory_resource* upstream) {
    // The arena: a buffer on this function's stack frame, handed out front to back. No locks, no
    // free lists, no per-node headers; nodes are adjacent in memory (good locality too).
    // deallocate() is a no-op; the memory comes back when `arena` is destroyed.
    std::array<std::byte, kArenaStackBytes> buffer;
    std::pmr::monotonic_buffer_resource arena(buffer.data(), buffer.size(), upstream);
    std::int64_t sum = 0;
    {
        // The list must die before the arena it allocates from: its own scope.
        std::pmr::list<std::int64_t> values(&arena);
        for (std::size_t i = 0; i < n; ++i)
            values.push_back(static_cast<std::int64_t>(i));
        sum = std::accumulate(values.begin(), values.end(), std::int64_t{0});
    }
    return sum;
}

std::int64_t array_sum_stack(std::size_t n) {
    if (n > kStackArrayMax) {
        throw std::invalid_argument("array_sum_stack: " + std::to_string(n) +
                                    " values do not fit the stack array of " +
                                    std::to_string(kStackArrayMax));
    }
    // "Allocating" on the stack is moving the stack pointer when the function is entered: free.
    std::array<std::int64_t, kStackArrayMax> values;
    for (std::size_t i = 0; i < n; ++i)
        values[i] = static_cast<std::int64_t>(i);
    return std::accumulate(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(n),
                           std::int64_t{0});
}

}  // namespace oslab
