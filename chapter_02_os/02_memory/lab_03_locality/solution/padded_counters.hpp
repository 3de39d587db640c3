// Step 3 reference: each counter on its own cache line.
#pragma once

#include <atomic>
#include <cstdint>

#include "oslab/pointer_chase.hpp"  // kCacheLineBytes

namespace oslab {

// alignas(64) on each member: a starts a line, b starts the next one, and sizeof is 128. The
// 64 is the x86-64 line size (see kCacheLineBytes for why it is not
// std::hardware_destructive_interference_size). Some Intel cores prefetch lines in adjacent pairs,
// which is why some libraries pad to 128; 64 is enough to stop the ping-pong of one line.
struct PaddedCounters {
    alignas(kCacheLineBytes) std::atomic<std::uint64_t> a{0};
    alignas(kCacheLineBytes) std::atomic<std::uint64_t> b{0};
};

}  // namespace oslab
