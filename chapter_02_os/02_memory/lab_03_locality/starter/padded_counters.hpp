// Step 3: the student's counters (README, "Step 3: False sharing").
#pragma once

#include <atomic>
#include <cstdint>

#include "oslab/pointer_chase.hpp"  // kCacheLineBytes

namespace oslab {

// TODO(student): Step 3. The same two counters as SharedLineCounters, with the same names and
// types, but never on one cache line, wherever an object of this type is placed (the tests check
// the distance between &a and &b, the alignment, and kCacheLineBytes against sysfs). Today they
// are 8 bytes apart, exactly like SharedLineCounters.
// Facts: a cache line is kCacheLineBytes (64) on this machine; coherence (MESI/MOESI) moves whole
//   lines between cores. alignas applies to what it is written on.
// Think: does aligning the struct separate its members? (Why a literal 64 and not
//   std::hardware_destructive_interference_size: see the comment on kCacheLineBytes.)
struct PaddedCounters {
    std::atomic<std::uint64_t> a{0};
    std::atomic<std::uint64_t> b{0};
};

}  // namespace oslab
