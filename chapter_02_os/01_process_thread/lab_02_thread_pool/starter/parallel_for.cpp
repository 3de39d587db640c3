// Lab 2, stretch part: parallel_for's chunking (see oslab/parallel_for.hpp).
// Do the main lab first. Then read the README's "Step 8 (stretch): parallel_for".
#include "oslab/parallel_for.hpp"

#include "oslab/not_implemented.hpp"
#include "oslab/stealing_thread_pool.hpp"
#include "oslab/thread_pool.hpp"

namespace oslab::detail {

// TODO(student): Step 8 (stretch). Cut [begin, end) into a few chunks per worker
// (pool.size() * 4, fewer if the range is short), submit fn(chunk_begin, chunk_end) for all but
// the last chunk, run the last one on the calling thread, then wait for every future. If
// something threw, rethrow the first exception, but only after every chunk has finished: fn
// refers to the caller's variables. One function template can serve both pools below.

void run_chunked(ThreadPool& pool, std::size_t begin, std::size_t end, const ChunkFn& fn) {
    OSLAB_TODO("chunk the range over the pool", "Step 8 (stretch): parallel_for");
}

void run_chunked(StealingThreadPool& pool, std::size_t begin, std::size_t end, const ChunkFn& fn) {
    OSLAB_TODO("chunk the range over the pool", "Step 8 (stretch): parallel_for");
}

}  // namespace oslab::detail
