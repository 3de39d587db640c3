// Where the bytes come from, and nothing else (given: a measurement, not an exercise). The same
// container — a chain of n nodes {value, next}, linked in the order they were allocated — is
// built with values 0..n-1, walked to sum them, and destroyed; only the memory source changes:
//   stack       a local array of kStackChainMax nodes (no allocator)
//   new_delete  one operator new per node, one operator delete per node (glibc malloc/free)
//   one_malloc  one malloc for all n nodes, one free
//   pmr_arena   std::pmr::monotonic_buffer_resource on the heap: a pointer bump per node, the
//               blocks (growing geometrically) released at once
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace oslab {

enum class NodeSource { stack, new_delete, one_malloc, pmr_arena };

std::string_view to_string(NodeSource source);

// The most nodes the stack source takes: 4096 x 16 bytes = 64 KiB of stack.
inline constexpr std::size_t kStackChainMax = 4096;

// Build, sum (0 + 1 + ... + n-1) and destroy the chain. Throws std::invalid_argument for n == 0,
// or n > kStackChainMax with the stack source; std::bad_alloc if the heap is exhausted.
std::int64_t chain_sum(NodeSource source, std::size_t n);

// The layout the same build gives (measured apart from chain_sum, so its timing has no extra
// work): the median distance in bytes between consecutive nodes (16 where they are packed, 32
// with new/delete: glibc's size field and rounding), and the fraction of consecutive pairs
// further apart than 64 bytes (jumps between blocks or through a fragmented heap).
struct ChainLayout {
    double median_gap_bytes = 0;
    double far_fraction = 0;
};
ChainLayout chain_layout(NodeSource source, std::size_t n);

// glibc's view of one heap chunk: malloc(request), malloc_usable_size(3), free. An in-use chunk
// is usable + 8 bytes (the size field before the user's bytes), rounded to 16, at least 32: so
// a 1-byte request costs 32 bytes of heap and a 24-byte one too, a 25-byte one 48.
struct ChunkSize {
    std::size_t request = 0;
    std::size_t usable = 0;  // malloc_usable_size (under AddressSanitizer: exactly `request`)
    std::size_t chunk = 0;   // usable + 8: the heap the allocation really takes
};
ChunkSize malloc_chunk_size(std::size_t request);

}  // namespace oslab
