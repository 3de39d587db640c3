// The machine's caches, as the kernel describes them in sysfs:
//   /sys/devices/system/cpu/cpu0/cache/index<k>/{level,type,size,coherency_line_size}
// Given (not an exercise): the benchmarks and programs use it to size their inputs and to mark the
// cache sizes on the latency curve.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace oslab {

struct CacheLevel {
    int level = 0;               // 1, 2, 3
    std::string type;            // "Data", "Instruction" or "Unified"
    std::size_t size_bytes = 0;  // from "size", e.g. "32K"
    std::size_t line_bytes = 0;  // from "coherency_line_size", e.g. "64" (0 when missing)
};

struct CacheInfo {
    std::vector<CacheLevel> levels;  // sorted by level, then type

    // 0 when the level is not described.
    std::size_t l1d_bytes() const;  // level 1, Data (or Unified)
    std::size_t l2_bytes() const;
    std::size_t l3_bytes() const;
    std::size_t llc_bytes() const;   // the last (highest) level's data or unified cache
    std::size_t line_bytes() const;  // the L1d line size, 0 when unknown
};

// "32K" -> 32768, "512K", "32768K", "1M", "2G", "64" (bytes). Throws std::invalid_argument on
// anything else (empty, no digits, unknown suffix, overflow).
std::size_t parse_cache_size(std::string_view text);

// Reads every index*/ directory under cache_dir. A missing cache_dir gives an empty CacheInfo
// (containers and some VMs do not expose it); a present but malformed file throws
// std::runtime_error naming the file.
CacheInfo read_cache_info(
    const std::filesystem::path& cache_dir = "/sys/devices/system/cpu/cpu0/cache");

}  // namespace oslab
