// Step 4: page faults. mmap() only reserves address space; the kernel gives a page of RAM on the
// first touch, through a (minor) page fault. This header measures that cost and the two ways to
// avoid paying it one page at a time: prefaulting and huge pages.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

namespace oslab {

// The base page size, sysconf(_SC_PAGESIZE): 4096 on x86-64.
std::size_t page_size();

// 2 MiB: the size of a transparent huge page on x86-64 (one PMD entry maps 512 base pages).
inline constexpr std::size_t kHugePageBytes = std::size_t{2} << 20;

struct MapOptions {
    bool populate = false;          // MAP_POPULATE: the kernel allocates every page inside mmap()
    bool small_pages_only = false;  // madvise(MADV_NOHUGEPAGE): one fault per 4 KiB page, even
                                    // when transparent huge pages are "always" on
    bool huge_aligned = false;      // start on a 2 MiB boundary (a THP needs an aligned range)
};

// An anonymous private mapping (fresh zero pages, no file behind it), unmapped by the destructor.
// Given: mmap/munmap with checked errors.
class MappedRegion {
public:
    MappedRegion(std::size_t bytes, MapOptions options = {});
    ~MappedRegion();
    MappedRegion(MappedRegion&& other) noexcept;
    MappedRegion& operator=(MappedRegion&& other) noexcept;
    MappedRegion(const MappedRegion&) = delete;
    MappedRegion& operator=(const MappedRegion&) = delete;

    std::span<std::byte> bytes() const { return {data_, size_}; }

private:
    void* mapping_ = nullptr;  // what mmap returned (may start before data_ when aligned)
    std::size_t mapping_size_ = 0;
    std::byte* data_ = nullptr;
    std::size_t size_ = 0;
};

// Minor page faults of the calling thread so far: getrusage(RUSAGE_THREAD).ru_minflt. Per thread,
// so faults taken by other threads (a sanitizer's, a test framework's) do not count.
std::uint64_t minor_faults();
// Major faults (the page had to be read from disk: a file mapping or swap), ru_majflt.
std::uint64_t major_faults();

struct TouchResult {
    std::size_t pages = 0;           // pages written
    std::uint64_t minor_faults = 0;  // minor faults taken while writing them
    std::chrono::nanoseconds elapsed{};
};

// Writes std::byte{1} at the start of every page of region (stepping by page_size(); the tests
// read it back) and reports how many minor
// faults that took and how long. Fresh pages: about one fault per page (one per 2 MiB with huge
// pages); prefaulted pages: none.
TouchResult touch_pages(std::span<std::byte> region);

// Prefaults region for writing with madvise(MADV_POPULATE_WRITE) (Linux 5.14+). Returns false,
// without throwing, when the kernel does not know the advice (EINVAL): the caller then falls back
// to MAP_POPULATE or to touching the pages. Other errors throw std::system_error("madvise").
// madvise(2) also answers EINVAL for a start address that is not page-aligned: the regions given
// here are whole mappings (page-aligned), so EINVAL means the advice.
bool prefault(std::span<std::byte> region);

// Asks for transparent huge pages on region with madvise(MADV_HUGEPAGE). Returns false when the
// kernel has no THP support (EINVAL). It is only advice: a 2 MiB page is used only where a whole
// aligned 2 MiB range fits and the kernel can find 2 MiB of contiguous free memory.
bool request_huge_pages(std::span<std::byte> region);

// The selected mode in /sys/kernel/mm/transparent_hugepage/enabled ("always [madvise] never" ->
// "madvise"), or "" when the file is missing (no THP in this kernel). Given.
std::string transparent_hugepage_mode(
    const std::filesystem::path& file = "/sys/kernel/mm/transparent_hugepage/enabled");

}  // namespace oslab
