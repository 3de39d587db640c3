// Lab 2, stretch part: parallel_for over an index range.
//
//   oslab::parallel_for(pool, 0, v.size(), [&](std::size_t i) { v[i] = f(i); });
//
// Calls fn(i) once for every i in [begin, end), spread over the pool's workers, and returns when
// all calls have finished. The range is cut into a few chunks per worker (not one task per index:
// a task costs far more than a loop iteration), the calling thread runs the last chunk itself,
// and the first exception thrown by fn is rethrown once every chunk has finished (fn may
// reference the caller's locals, so nothing may still run when parallel_for returns or throws).
// Call it from outside the pool: from inside one of its tasks it could wait on chunks that no
// free worker is left to run.
#pragma once

#include <cstddef>
#include <functional>

namespace oslab {

class ThreadPool;
class StealingThreadPool;

namespace detail {
// fn(chunk_begin, chunk_end) for each chunk; implemented in parallel_for.cpp.
using ChunkFn = std::function<void(std::size_t, std::size_t)>;
void run_chunked(ThreadPool& pool, std::size_t begin, std::size_t end, const ChunkFn& fn);
void run_chunked(StealingThreadPool& pool, std::size_t begin, std::size_t end, const ChunkFn& fn);
}  // namespace detail

template <class Pool, class Fn>
void parallel_for(Pool& pool, std::size_t begin, std::size_t end, Fn&& fn) {
    // One indirect call per chunk; the per-index loop is inlined here.
    detail::run_chunked(pool, begin, end, [&fn](std::size_t chunk_begin, std::size_t chunk_end) {
        for (std::size_t i = chunk_begin; i < chunk_end; ++i) {
            fn(i);
        }
    });
}

}  // namespace oslab
