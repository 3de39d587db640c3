// Step 3: false sharing. Two threads that never touch each other's variable still slow each other
// down when the two variables sit in the same cache line: the coherence protocol (MESI/MOESI) hands
// the line back and forth between the cores' private caches on every write.
#pragma once

#include <atomic>
#include <cstdint>

#include "oslab/pointer_chase.hpp"  // kCacheLineBytes

namespace oslab {

// Two counters side by side: 8 bytes apart, on the same 64-byte line (given).
struct SharedLineCounters {
    std::atomic<std::uint64_t> a{0};
    std::atomic<std::uint64_t> b{0};
};

}  // namespace oslab

// PaddedCounters (members a and b, same types) is the student's: it lives in the variant's own
// padded_counters.hpp (starter/ or solution/), found first on the include path.
#include "padded_counters.hpp"

namespace oslab {

// Starts two threads: the first adds 1 to `a` `iterations` times, the second does the same to `b`
// (relaxed atomic increments: each is a real read-modify-write of memory). Returns when both have
// finished. With SharedLineCounters the two cores fight over one line; with PaddedCounters they
// don't, and the arithmetic is the same.
void increment_in_two_threads(std::atomic<std::uint64_t>& a, std::atomic<std::uint64_t>& b,
                              std::uint64_t iterations);

}  // namespace oslab
