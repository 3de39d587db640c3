// Step 3: two threads, two counters (README, "Step 3: False sharing").
#include "oslab/false_sharing.hpp"

#include <thread>

#include "oslab/not_implemented.hpp"

namespace oslab {

void increment_in_two_threads(std::atomic<std::uint64_t>& a, std::atomic<std::uint64_t>& b,
                              std::uint64_t iterations, bool pin) {
    // TODO(student): start two std::jthread (or std::thread + join): the first runs
    // a.fetch_add(1, std::memory_order_relaxed) `iterations` times, the second does the same on b.
    // When pin is true, each thread first calls pin_this_thread(0) (first) or (1) (second).
    // Return only when both have finished. (Pass the atomics with std::ref: threads copy their
    // arguments, and an atomic cannot be copied.)
    OSLAB_TODO("increment_in_two_threads: two threads, one counter each", "Step 3: False sharing");
}

}  // namespace oslab
