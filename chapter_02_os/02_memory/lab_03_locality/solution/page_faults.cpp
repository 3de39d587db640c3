// Step 4 reference: counting the page faults of first touch, and avoiding them.
#include "oslab/page_faults.hpp"

#include <sys/mman.h>
#include <sys/resource.h>

#include <cerrno>

#include "oslab/sys_error.hpp"

namespace oslab {

namespace {

rusage thread_usage() {
    // RUSAGE_THREAD (Linux 2.6.26+): this thread only. RUSAGE_SELF would add every thread of the
    // process, including ones we do not control.
    rusage usage{};
    check_syscall(::getrusage(RUSAGE_THREAD, &usage), "getrusage");
    return usage;
}

}  // namespace

std::uint64_t minor_faults() {
    return static_cast<std::uint64_t>(thread_usage().ru_minflt);
}

std::uint64_t major_faults() {
    return static_cast<std::uint64_t>(thread_usage().ru_majflt);
}

TouchResult touch_pages(std::span<std::byte> region) {
    const std::size_t step = page_size();
    TouchResult result;
    const std::uint64_t faults_before = minor_faults();
    const auto start = std::chrono::steady_clock::now();
    // One write per page. The first write to a fresh anonymous page traps into the kernel, which
    // takes a zeroed page, maps it into the page table and returns: a minor fault (no disk I/O).
    // volatile: the compiler must really store, even though nobody reads the bytes back.
    for (std::size_t offset = 0; offset < region.size(); offset += step) {
        *static_cast<volatile std::byte*>(&region[offset]) = std::byte{1};
        ++result.pages;
    }
    result.elapsed = std::chrono::steady_clock::now() - start;
    result.minor_faults = minor_faults() - faults_before;
    return result;
}

bool prefault(std::span<std::byte> region) {
    // MADV_POPULATE_WRITE (Linux 5.14) faults every page in, writable, in one system call: the same
    // work as touching them, minus one trap per page. An older kernel answers EINVAL.
#ifdef MADV_POPULATE_WRITE
    if (::madvise(region.data(), region.size(), MADV_POPULATE_WRITE) == 0) return true;
    if (errno == EINVAL) return false;
    throw_errno("madvise(MADV_POPULATE_WRITE)");
#else
    (void)region;
    return false;  // headers older than the kernel feature
#endif
}

bool request_huge_pages(std::span<std::byte> region) {
    // Only advice: with THP in "madvise" mode this is what opts the range in; "never" ignores it.
    if (::madvise(region.data(), region.size(), MADV_HUGEPAGE) == 0) return true;
    if (errno == EINVAL) return false;  // kernel built without CONFIG_TRANSPARENT_HUGEPAGE
    throw_errno("madvise(MADV_HUGEPAGE)");
}

}  // namespace oslab
