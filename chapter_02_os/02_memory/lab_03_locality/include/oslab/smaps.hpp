// What the kernel says about one mapping of a process: the entry of /proc/<pid>/smaps whose
// address range holds a given address (see `man 5 proc`). Given: a /proc reader, not an exercise.
//   Rss            resident now (in RAM), this mapping
//   Shared_*       resident pages also mapped by another process (after fork: both see them)
//   Private_*      resident pages mapped by this process only
//   *_Dirty        written since they were read or zero-filled; *_Clean: identical to their source
//   AnonHugePages  resident anonymous memory mapped by 2 MiB transparent huge pages
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace oslab {

struct SmapsEntry {
    bool found = false;  // false: no mapping holds the address
    std::size_t size_kib = 0;
    std::size_t rss_kib = 0;
    std::size_t pss_kib = 0;
    std::size_t shared_clean_kib = 0;
    std::size_t shared_dirty_kib = 0;
    std::size_t private_clean_kib = 0;
    std::size_t private_dirty_kib = 0;
    std::size_t anonymous_kib = 0;
    std::size_t anon_huge_kib = 0;
};

// The entry of `text` (the whole smaps file) whose range "start-end" holds `address`.
SmapsEntry parse_smaps_entry(std::string_view text, std::uintptr_t address);

// Reads /proc/<pid>/smaps (pid 0: this process). Throws std::system_error if it cannot be read.
SmapsEntry read_smaps_entry(const void* address, pid_t pid = 0);

// /proc/<pid>/smaps_rollup: the same fields summed over every mapping (found = false when the
// kernel has no smaps_rollup, before Linux 4.14).
SmapsEntry read_smaps_rollup(pid_t pid = 0);

}  // namespace oslab
