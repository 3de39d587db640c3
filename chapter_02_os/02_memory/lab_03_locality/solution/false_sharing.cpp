// Step 3 reference: two threads, two counters.
#include "oslab/false_sharing.hpp"

#include <system_error>
#include <thread>

namespace oslab {

void increment_in_two_threads(std::atomic<std::uint64_t>& a, std::atomic<std::uint64_t>& b,
                              std::uint64_t iterations, bool pin) {
    // fetch_add is a locked read-modify-write: the core must own the line in the Modified state
    // to do it. When a and b share a line, each increment steals the line from the other core.
    // memory_order_relaxed: we need atomicity, not ordering with other variables.
    auto work = [iterations, pin](std::atomic<std::uint64_t>& counter, std::size_t cpu) {
        // Two different CPUs, or the experiment may measure one core taking turns. Best effort:
        // an exception must not escape a thread (std::terminate), and counting works unpinned.
        if (pin) {
            try {
                pin_this_thread(cpu);
            } catch (const std::system_error&) {
            }
        }
        for (std::uint64_t i = 0; i < iterations; ++i) {
            counter.fetch_add(1, std::memory_order_relaxed);
        }
    };
    std::jthread first(work, std::ref(a), std::size_t{0});
    std::jthread second(work, std::ref(b), std::size_t{1});
    // jthread joins in its destructor: both threads have finished when this function returns.
}

}  // namespace oslab
