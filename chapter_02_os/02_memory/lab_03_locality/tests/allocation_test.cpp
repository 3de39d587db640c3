// Step 5: three sources of memory, one answer; and the arena really uses its stack buffer.
#include "oslab/allocation.hpp"

#include <gtest/gtest.h>

#include <memory_resource>
#include <new>
#include <stdexcept>

namespace {

std::int64_t triangle(std::size_t n) {
    return n == 0 ? 0 : static_cast<std::int64_t>(n) * static_cast<std::int64_t>(n - 1) / 2;
}

// A memory resource that counts what is asked of it and forwards to new/delete.
class CountingResource : public std::pmr::memory_resource {
public:
    std::size_t allocations = 0;

private:
    void* do_allocate(std::size_t bytes, std::size_t alignment) override {
        ++allocations;
        return std::pmr::new_delete_resource()->allocate(bytes, alignment);
    }
    void do_deallocate(void* p, std::size_t bytes, std::size_t alignment) override {
        std::pmr::new_delete_resource()->deallocate(p, bytes, alignment);
    }
    bool do_is_equal(const std::pmr::memory_resource& other) const noexcept override {
        return this == &other;
    }
};

TEST(Allocation, AllThreeSumTheSameValues) {
    for (std::size_t n : {0, 1, 2, 3, 100, 1000}) {
        EXPECT_EQ(oslab::list_sum_new_delete(n), triangle(n)) << "n = " << n;
        EXPECT_EQ(oslab::list_sum_arena(n), triangle(n)) << "n = " << n;
        EXPECT_EQ(oslab::array_sum_stack(n), triangle(n)) << "n = " << n;
    }
    EXPECT_EQ(oslab::list_sum_new_delete(100'000), triangle(100'000));
    EXPECT_EQ(oslab::array_sum_stack(oslab::kStackArrayMax), triangle(oslab::kStackArrayMax));
}

TEST(Allocation, SmallArenaListNeverAsksUpstream) {
    // 1000 nodes of 24 bytes fit the 64 KiB stack buffer: with an upstream that refuses every
    // request, the list must still be built.
    EXPECT_EQ(oslab::list_sum_arena(1000, std::pmr::null_memory_resource()), triangle(1000));
}

TEST(Allocation, LargeArenaListGrowsFromUpstream) {
    CountingResource upstream;
    EXPECT_EQ(oslab::list_sum_arena(100'000, &upstream), triangle(100'000));
    EXPECT_GT(upstream.allocations, 0u) << "100000 nodes cannot fit the stack buffer";
    EXPECT_LT(upstream.allocations, 100u) << "the arena grows in big blocks, not per node";
    EXPECT_THROW(oslab::list_sum_arena(100'000, std::pmr::null_memory_resource()), std::bad_alloc);
}

TEST(Allocation, StackArrayRejectsTooManyValues) {
    EXPECT_THROW(oslab::array_sum_stack(oslab::kStackArrayMax + 1), std::invalid_argument);
}

}  // namespace
