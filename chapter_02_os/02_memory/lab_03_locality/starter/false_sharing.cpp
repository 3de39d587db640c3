// Step 3: two threads, two counters (README, "Step 3: False sharing").
#include "oslab/false_sharing.hpp"

#include <thread>

#include "oslab/not_implemented.hpp"

namespace oslab {

void increment_in_two_threads(std::atomic<std::uint64_t>& a, std::atomic<std::uint64_t>& b,
                              std::uint64_t iterations, bool pin) {
    // TODO(student): Step 3.
    // Contract (oslab/false_sharing.hpp): two threads, one adding 1 to `a` `iterations` times
    //   with a relaxed atomic read-modify-write, the other doing the same to `b`; returns when both
    //   are done. With pin, the first thread runs pin_this_thread(0), the second pin_this_thread(1)
    //   (given), before they count.
    // OS facts: sched_setaffinity(2) (inside pin_this_thread) binds the calling thread. A
    //   std::thread copies its arguments: an atomic cannot be copied.
    // Think: on a busy machine, what would the scheduler do to two unpinned threads, and what
    //   would that do to the cache line they fight over?
    OSLAB_TODO("increment_in_two_threads: two threads, one counter each", "Step 3: False sharing");
}

}  // namespace oslab
