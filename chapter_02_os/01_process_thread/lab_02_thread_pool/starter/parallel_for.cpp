// Lab 2, stretch part: parallel_for's chunking (see oslab/parallel_for.hpp). Do the main lab
// first, then read the README's "Step 7 (stretch): parallel_for".
#include "oslab/parallel_for.hpp"

#include "oslab/not_implemented.hpp"
#include "oslab/stealing_thread_pool.hpp"
#include "oslab/thread_pool.hpp"

namespace oslab::detail {

// run_chunked(pool, begin, end, fn): calls fn(b, e) on disjoint chunks that together cover
// [begin, end) exactly once, spread over the pool's workers, and returns only when every call has
// finished.
// Contract: an empty range (end <= begin) calls nothing; a range shorter than the pool is fine.
//   If fn throws, the first exception is rethrown, but only once no chunk is running any more:
//   fn refers to the caller's stack frame (the test checks that nothing moves after the throw).
//   Called from outside the pool (from inside, it could wait for chunks no free worker is left
//   to run).
// OS facts: a task costs hundreds of ns of pool overhead (Step 2's figures) and a loop iteration
//   about one: the number of chunks decides which of the two you pay for.
// Think: how many chunks per worker, and why more than one? What does the calling thread do while
//   it waits? One function template can serve both pools.

void run_chunked(ThreadPool& pool, std::size_t begin, std::size_t end, const ChunkFn& fn) {
    // TODO(student): Step 7 (stretch).
    OSLAB_TODO("cut the range into chunks and run them on the pool",
               "Step 7 (stretch): parallel_for");
}

void run_chunked(StealingThreadPool& pool, std::size_t begin, std::size_t end, const ChunkFn& fn) {
    // TODO(student): Step 7 (stretch).
    OSLAB_TODO("cut the range into chunks and run them on the pool",
               "Step 7 (stretch): parallel_for");
}

}  // namespace oslab::detail
