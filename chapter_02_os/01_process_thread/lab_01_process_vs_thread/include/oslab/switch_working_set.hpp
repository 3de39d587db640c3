// The indirect cost of a context switch (given: a measurement, not an exercise). The pipe
// ping-pong of ping_pong.hpp, but each side reads and writes a private working set of W bytes
// before it passes the token on, and both sides are pinned to ONE CPU, so every pass is a real
// switch on that CPU and each side finds the caches and the TLB holding the other side's data.
//
// What PCID changes. Switching to another process loads its page-table root into CR3. Without
// PCID (process-context identifiers) that write flushes every non-global TLB entry, so the next
// task refills its TLB one page walk at a time. With PCID (the `pcid` flag in /proc/cpuinfo;
// Linux uses it since 4.14) each TLB entry is tagged with an address-space id, the kernel keeps a
// few ids per CPU, and the CR3 write keeps the other tagged entries: a process that comes back
// soon may still find its translations. Two threads of one process share one mm: switching
// between them does not touch CR3 at all, so their TLB entries always survive. What neither
// avoids is the caches: W bytes that no longer fit next to the other side's W must be reloaded.
#pragma once

#include <cstddef>

#include "oslab/ping_pong.hpp"  // Nanos

namespace oslab {

enum class SwitchSides { threads, processes };

// Means per round trip: wall time, and the CPU time both sides used (CLOCK_THREAD_CPUTIME_ID of
// the ping side plus the pong side's, which it sends back at the end). On a busy machine the CPU
// time excludes what other programs ran on that CPU meanwhile; on a quiet one the two agree.
struct SwitchTiming {
    Nanos wall{};
    Nanos cpu{};
};

// Mean time of one round trip: the ping side (the calling thread) touches its W bytes and passes
// the token, the pong side (a new thread, or a child made by fork()) touches its own W bytes and
// passes it back. Both run on `cpu` (sched_setaffinity; the caller's mask is restored). A few
// untimed round trips warm up first. Throws std::invalid_argument for round_trips == 0,
// std::system_error for a failed call, std::runtime_error when the child fails.
SwitchTiming ping_pong_working_set(SwitchSides sides, std::size_t working_set_bytes,
                                   std::size_t round_trips, int cpu);

// The baseline with the same bytes and system calls and no switch: one thread on `cpu` touches
// working set A, writes and reads one byte through a pipe, touches working set B, writes and
// reads again. Mean wall and CPU time of one such "round".
SwitchTiming working_set_baseline(std::size_t working_set_bytes, std::size_t round_trips, int cpu);

// Round trips that keep one measurement near 128 MiB of touched memory: 2000 for small W, at
// least 16 for the largest.
std::size_t working_set_round_trips(std::size_t working_set_bytes);

// True when /proc/cpuinfo lists the `pcid` flag.
bool cpu_has_pcid();

}  // namespace oslab
