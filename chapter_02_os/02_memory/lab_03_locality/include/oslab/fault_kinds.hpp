// Kinds of page faults (given: measurements, not an exercise), each timed per page and counted
// with getrusage in the process that takes them:
//   first touch     a fresh anonymous page: a minor fault allocates and zeroes a frame
//   copy-on-write   after fork(), the child's first write to a page it shares with the parent: a
//                   minor fault copies the 4 KiB frame (the parent had touched every page)
//   file, readahead a file mapping whose page cache was emptied: the first fault reads from disk
//                   (major) and starts readahead; the following pages are found in the page cache
//                   (minor faults, several pages mapped per fault by fault-around)
//   file, random    the same after madvise(MADV_RANDOM): no readahead, one disk read per page
// The anonymous cases run in a forked child (both of them, so they are measured the same way);
// the child reports through a pipe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "oslab/smaps.hpp"

namespace oslab {

inline constexpr std::size_t kFaultPages = 16384;  // 64 MiB of 4 KiB pages

struct FaultSample {
    std::size_t pages = 0;            // pages touched (one byte each)
    double wall_ns = 0;               // steady clock over the touching loop
    double cpu_ns = 0;                // CPU time of the touching thread (excludes waiting for disk)
    std::uint64_t minor = 0;          // ru_minflt taken in the loop
    std::uint64_t major = 0;          // ru_majflt taken in the loop
    std::size_t resident_before = 0;  // file cases: pages in the page cache before (mincore)
};

// Fork; the child maps `pages` fresh anonymous 4 KiB pages (MADV_NOHUGEPAGE) and writes one byte
// in each. Throws std::system_error / std::runtime_error when the child fails.
FaultSample first_touch_in_child(std::size_t pages = kFaultPages);

// What the kernel shows for the region around the copy-on-write experiment (/proc/PID/smaps
// entry of the region): the parent before fork, the child after fork before writing, the child
// after writing every page, and the parent while that child is still alive.
struct CowReport {
    FaultSample child;
    SmapsEntry parent_before_fork;
    SmapsEntry child_before_write;
    SmapsEntry child_after_write;
    SmapsEntry parent_after_child_wrote;
};

// Maps `pages` anonymous 4 KiB pages, writes every one, forks; the child writes one byte per page
// (one copy-on-write fault each).
CowReport copy_on_write_in_child(std::size_t pages = kFaultPages);

// A directory on a disk file system for the major-fault file: `preferred` (if not empty), the
// directory of this executable (the build tree), /var/tmp, the current directory — the first that
// is not tmpfs/ramfs (statfs f_type: their pages live in RAM, there is nothing to read back) and
// has room. Returns empty and sets *why when there is none.
std::filesystem::path disk_directory(const std::filesystem::path& preferred, std::string* why);

// A file of `pages` pages of non-zero bytes, written and fsync'ed (so its page cache is clean
// and can be dropped), removed by the destructor.
class FaultFile {
public:
    FaultFile(const std::filesystem::path& directory, std::size_t pages = kFaultPages);
    ~FaultFile();
    FaultFile(const FaultFile&) = delete;
    FaultFile& operator=(const FaultFile&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::size_t pages() const { return pages_; }

    // posix_fadvise(POSIX_FADV_DONTNEED) the whole file, mmap it read-only, madvise(MADV_RANDOM)
    // if `random`, count resident pages with mincore (FaultSample::resident_before), read one
    // byte per page in order, unmap.
    FaultSample read_after_eviction(bool random) const;

private:
    std::filesystem::path path_;
    std::size_t pages_ = 0;
};

}  // namespace oslab
