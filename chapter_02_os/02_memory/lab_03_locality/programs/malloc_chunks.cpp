// lab03_malloc_chunks: what one malloc(n) really takes from glibc's heap, n = 1..64 (or --max):
// malloc_usable_size(3) and the chunk (usable + the 8-byte size field). Given code
// (oslab/alloc_sources.hpp). Under AddressSanitizer malloc_usable_size returns n itself.
//   lab03_malloc_chunks [--max N] [--json]
#include <fmt/core.h>

#include "oslab/alloc_sources.hpp"
#include "oslab/cli.hpp"

int main(int argc, char** argv) {
    CLI::App app{"glibc malloc: usable size and chunk size per request size"};
    std::size_t max = 64;
    bool json = false;
    app.add_option("--max", max, "largest request size")->check(CLI::Range(1, 4096));
    app.add_flag("--json", json, "print JSON");
    if (const auto status = oslab::parse_flags(app, argc, argv, "lab03_malloc_chunks"))
        return *status;
    if (json) fmt::print("[");
    if (!json) fmt::print("{:>8} {:>8} {:>8} {:>9}\n", "request", "usable", "chunk", "overhead");
    for (std::size_t n = 1; n <= max; ++n) {
        const auto s = oslab::malloc_chunk_size(n);
        if (json) {
            fmt::print("{}{{\"request\": {}, \"usable\": {}, \"chunk\": {}}}", n > 1 ? ", " : "",
                       s.request, s.usable, s.chunk);
        } else {
            fmt::print("{:>8} {:>8} {:>8} {:>9}\n", s.request, s.usable, s.chunk, s.chunk - n);
        }
    }
    if (json) fmt::print("]\n");
    return 0;
}
