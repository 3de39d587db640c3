// Step 5: where the bytes come from. The same work (build a list of the values 0..n-1, sum it,
// destroy it) with memory from the general-purpose heap, from an arena, or from no allocator at
// all (the stack).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory_resource>

namespace oslab {

// std::list<std::int64_t>: one operator new and one operator delete per node (malloc/free).
std::int64_t list_sum_new_delete(std::size_t n);

// The bytes of the stack buffer list_sum_arena() starts from.
inline constexpr std::size_t kArenaStackBytes = 64 * 1024;

// std::pmr::list<std::int64_t> on a std::pmr::monotonic_buffer_resource whose first buffer is a
// kArenaStackBytes array on the stack: allocating is a pointer bump, deallocating a node does
// nothing, and everything is released at once when the resource goes out of scope. When the stack
// buffer is full the resource asks `upstream` for more (pass std::pmr::null_memory_resource() to
// forbid that: it throws std::bad_alloc instead).
std::int64_t list_sum_arena(std::size_t n,
                            std::pmr::memory_resource* upstream = std::pmr::new_delete_resource());

// The most values array_sum_stack() accepts (kArenaStackBytes of std::int64_t).
inline constexpr std::size_t kStackArrayMax = kArenaStackBytes / sizeof(std::int64_t);

// The values in a std::array on the stack: no allocator at all. Throws std::invalid_argument when
// n > kStackArrayMax (the stack is small: 8 MiB for the main thread by default, see ulimit -s).
std::int64_t array_sum_stack(std::size_t n);

}  // namespace oslab
