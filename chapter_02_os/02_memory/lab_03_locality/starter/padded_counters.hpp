// Step 3: the student's counters (README, "Step 3: False sharing").
#pragma once

#include <atomic>
#include <cstdint>

#include "oslab/pointer_chase.hpp"  // kCacheLineBytes

namespace oslab {

// TODO(student): put a and b on different cache lines. Today they are 8 bytes apart, exactly like
// SharedLineCounters, and the test "PaddedCountersAreAtLeastOneLineApart" says so.
// Use alignas(kCacheLineBytes) (why not std::hardware_destructive_interference_size: see the
// comment on kCacheLineBytes). Check your result with sizeof and offsetof, or in the test.
struct PaddedCounters {
    std::atomic<std::uint64_t> a{0};
    std::atomic<std::uint64_t> b{0};
};

}  // namespace oslab
