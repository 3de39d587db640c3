// Lab 2 reference, stretch part: parallel_for's chunking (see oslab/parallel_for.hpp).
#include "oslab/parallel_for.hpp"

#include <algorithm>
#include <exception>
#include <future>
#include <vector>

#include "oslab/stealing_thread_pool.hpp"
#include "oslab/thread_pool.hpp"

namespace oslab::detail {

namespace {
// A few chunks per worker: enough that a worker finishing early finds more to do (the chunks
// rarely cost exactly the same), few enough that the per-task cost (~1 µs) stays negligible.
constexpr std::size_t kChunksPerWorker = 4;

template <class Pool>
void run_chunked_on(Pool& pool, std::size_t begin, std::size_t end, const ChunkFn& fn) {
    if (begin >= end) {
        return;
    }
    const std::size_t n = end - begin;
    const std::size_t chunks = std::min(n, pool.size() * kChunksPerWorker);
    const std::size_t base = n / chunks;
    const std::size_t extra = n % chunks;  // the first `extra` chunks get one more index

    std::vector<std::future<void>> futures;
    futures.reserve(chunks - 1);
    std::exception_ptr first_error;
    std::size_t b = begin;
    try {
        for (std::size_t c = 0; c + 1 < chunks; ++c) {
            const std::size_t e = b + base + (c < extra ? 1 : 0);
            futures.push_back(pool.submit([&fn, b, e] { fn(b, e); }));
            b = e;
        }
        fn(b, end);  // the caller works too instead of only waiting: the last chunk is ours
    } catch (...) {
        first_error = std::current_exception();
    }
    // Wait for every submitted chunk, even after an error: they use fn, which refers to the
    // caller's frame. Keep the first exception, rethrow it at the end.
    for (std::future<void>& f : futures) {
        try {
            f.get();
        } catch (...) {
            if (!first_error) {
                first_error = std::current_exception();
            }
        }
    }
    if (first_error) {
        std::rethrow_exception(first_error);
    }
}
}  // namespace

void run_chunked(ThreadPool& pool, std::size_t begin, std::size_t end, const ChunkFn& fn) {
    run_chunked_on(pool, begin, end, fn);
}

void run_chunked(StealingThreadPool& pool, std::size_t begin, std::size_t end, const ChunkFn& fn) {
    run_chunked_on(pool, begin, end, fn);
}

}  // namespace oslab::detail
