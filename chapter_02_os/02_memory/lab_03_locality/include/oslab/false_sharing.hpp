// Step 3: false sharing. Two threads that never touch each other's variable still slow each other
// down when the two variables sit in the same cache line: the coherence protocol (MESI/MOESI) hands
// the line back and forth between the cores' private caches on every write.
#pragma once

#include <atomic>
#include <cstddef>
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

// Pins the calling thread to the index-th CPU it may run on (counting modulo the allowed CPUs),
// with sched_setaffinity. Returns false, and changes nothing, when fewer than two CPUs are allowed.
// Given (given/pin_thread.cpp).
bool pin_this_thread(std::size_t index);

// Starts two threads: the first adds 1 to `a` `iterations` times, the second does the same to `b`
// (relaxed atomic increments: each is a real read-modify-write of memory). Returns when both have
// finished. With pin, the first thread first calls pin_this_thread(0) and the second
// pin_this_thread(1): on a busy machine the scheduler may otherwise run both on one CPU, where a
// line cannot ping-pong. With SharedLineCounters the two cores fight over one line; with
// PaddedCounters they don't, and the arithmetic is the same.
void increment_in_two_threads(std::atomic<std::uint64_t>& a, std::atomic<std::uint64_t>& b,
                              std::uint64_t iterations, bool pin = true);

}  // namespace oslab
