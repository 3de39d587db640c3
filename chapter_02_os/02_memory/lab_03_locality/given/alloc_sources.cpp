// Given (compiled into both variants): the chain of oslab/alloc_sources.hpp on four memory
// sources, and glibc's chunk sizes.
#include "oslab/alloc_sources.hpp"

#include <malloc.h>

#include <algorithm>
#include <cstdlib>
#include <memory_resource>
#include <new>
#include <stdexcept>
#include <vector>

namespace oslab {
namespace {

struct Node {
    std::int64_t value;
    Node* next;
};

// The one algorithm every source runs: allocate and link n nodes in order, sum, then hand each
// node to `release` (a no-op for sources that free everything at once). `seen`, when given,
// receives each node's address right after allocation (for chain_layout only).
template <class Allocate, class Release>
std::int64_t build_sum_destroy(std::size_t n, Allocate&& allocate, Release&& release,
                               std::uintptr_t* seen = nullptr) {
    Node* head = nullptr;
    Node* tail = nullptr;
    for (std::size_t i = 0; i < n; ++i) {
        Node* node = allocate(i);
        if (seen != nullptr) seen[i] = reinterpret_cast<std::uintptr_t>(node);
        node->value = static_cast<std::int64_t>(i);
        node->next = nullptr;
        if (tail != nullptr) {
            tail->next = node;
        } else {
            head = node;
        }
        tail = node;
    }
    std::int64_t sum = 0;
    for (const Node* node = head; node != nullptr; node = node->next)
        sum += node->value;
    for (Node* node = head; node != nullptr;) {
        Node* next = node->next;
        release(node);
        node = next;
    }
    return sum;
}

std::int64_t run(NodeSource source, std::size_t n, std::uintptr_t* seen) {
    if (n == 0) throw std::invalid_argument("chain_sum: n == 0");
    auto nothing = [](Node*) {};
    switch (source) {
        case NodeSource::stack: {
            if (n > kStackChainMax) throw std::invalid_argument("chain_sum: n > kStackChainMax");
            Node nodes[kStackChainMax];  // not initialised: the build writes every node it uses
            return build_sum_destroy(
                n, [&](std::size_t i) { return &nodes[i]; }, nothing, seen);
        }
        case NodeSource::new_delete:
            return build_sum_destroy(
                n, [](std::size_t) { return new Node; }, [](Node* node) { delete node; }, seen);
        case NodeSource::one_malloc: {
            auto* nodes = static_cast<Node*>(std::malloc(n * sizeof(Node)));
            if (nodes == nullptr) throw std::bad_alloc();
            const auto sum = build_sum_destroy(
                n, [&](std::size_t i) { return &nodes[i]; }, nothing, seen);
            std::free(nodes);
            return sum;
        }
        case NodeSource::pmr_arena: {
            std::pmr::monotonic_buffer_resource arena(std::pmr::new_delete_resource());
            return build_sum_destroy(
                n,
                [&](std::size_t) {
                    return static_cast<Node*>(arena.allocate(sizeof(Node), alignof(Node)));
                },
                nothing, seen);  // the arena's destructor releases every block at once
        }
    }
    throw std::invalid_argument("chain_sum: unknown source");
}

}  // namespace

std::string_view to_string(NodeSource source) {
    switch (source) {
        case NodeSource::stack:
            return "stack";
        case NodeSource::new_delete:
            return "new_delete";
        case NodeSource::one_malloc:
            return "one_malloc";
        case NodeSource::pmr_arena:
            return "pmr_arena";
    }
    return "?";
}

std::int64_t chain_sum(NodeSource source, std::size_t n) {
    return run(source, n, nullptr);
}

ChainLayout chain_layout(NodeSource source, std::size_t n) {
    std::vector<std::uintptr_t> seen(n);
    run(source, n, seen.data());
    ChainLayout layout;
    if (n < 2) return layout;
    std::vector<std::uintptr_t> gaps;
    gaps.reserve(n - 1);
    std::size_t far = 0;
    for (std::size_t i = 1; i < n; ++i) {
        const auto gap = seen[i] > seen[i - 1] ? seen[i] - seen[i - 1] : seen[i - 1] - seen[i];
        gaps.push_back(gap);
        far += gap > 64 ? 1 : 0;
    }
    std::nth_element(gaps.begin(), gaps.begin() + static_cast<std::ptrdiff_t>(gaps.size() / 2),
                     gaps.end());
    layout.median_gap_bytes = static_cast<double>(gaps[gaps.size() / 2]);
    layout.far_fraction = static_cast<double>(far) / static_cast<double>(n - 1);
    return layout;
}

ChunkSize malloc_chunk_size(std::size_t request) {
    void* p = std::malloc(request);
    if (p == nullptr) throw std::bad_alloc();
    ChunkSize size;
    size.request = request;
    size.usable = ::malloc_usable_size(p);
    size.chunk = size.usable + sizeof(std::size_t);
    std::free(p);
    return size;
}

}  // namespace oslab
