// The echo load generator's engine, used by the echo_load program, the Lab 4 and Lab 5 benchmarks
// and the chapter report. Closed loop: every connection sends a message, waits for the whole echo,
// checks every byte, and sends the next one. Driven by one epoll loop, so the generator itself
// needs one thread however many connections it drives. Every run is bounded in time.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "oslab/fd_limit.hpp"  // raise_fd_limit: one descriptor per connection

namespace oslab {

struct LoadOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 7007;
    std::size_t connections = 1;
    std::size_t message_size = 64;             // bytes per message
    std::chrono::milliseconds duration{1000};  // measured phase
    std::chrono::milliseconds warmup{0};       // run but not measured
    std::uint64_t max_messages = 0;  // > 0: the measured phase ends after this many echoes
                                     // (a fixed amount of work), or at `duration`, if sooner
    // Called as the measured phase starts (connections open, warm-up done) and as it ends
    // (connections still open), e.g. to read the server's CPU time or count its system calls
    // over exactly the measured echoes. The load waits while they run.
    std::function<void()> on_measure_start, on_measure_end;
};

struct LoadResult {
    std::size_t connections = 0;  // connections that were established
    std::uint64_t messages = 0;   // full echoes received and verified in the measured phase
    std::uint64_t bytes = 0;      // payload bytes echoed in the measured phase
    double seconds = 0;           // length of the measured phase
    double messages_per_second = 0;
    double megabytes_per_second = 0;             // 10^6 bytes per second, one direction
    double p50_us = 0, p99_us = 0, p999_us = 0;  // round-trip latency percentiles, microseconds
    std::uint64_t errors = 0;                    // failed connects, resets, mismatched bytes
};

LoadResult run_echo_load(const LoadOptions& options);

struct HoldOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 7007;
    std::size_t connections = 100;
    std::chrono::milliseconds hold{1000};  // how long the connections stay open and idle
};

struct HoldResult {
    std::size_t opened = 0;         // connections established
    std::size_t echoed_at_end = 0;  // of those, how many still echoed a message after the hold
    std::uint64_t errors = 0;
};

// Opens `connections` connections, keeps them idle for `hold`, then checks each still echoes.
// on_held (if set) runs while every connection is open, e.g. to sample the server's /proc.
HoldResult hold_connections(const HoldOptions& options, const std::function<void()>& on_held = {});

}  // namespace oslab
