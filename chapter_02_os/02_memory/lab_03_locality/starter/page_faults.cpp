// Step 4: counting the page faults of first touch, and avoiding them (README, "Step 4: Page
// faults"). The mapping itself is given (given/mapped_region.cpp); the functions below are yours.
#include "oslab/page_faults.hpp"

#include <sys/mman.h>
#include <sys/resource.h>

#include <cerrno>

#include "oslab/not_implemented.hpp"
#include "oslab/sys_error.hpp"

namespace oslab {

std::uint64_t minor_faults() {
    // TODO(student): getrusage(RUSAGE_THREAD, &usage) (this thread only: see `man 2 getrusage`),
    // check it with check_syscall(..., "getrusage"), return usage.ru_minflt.
    OSLAB_TODO("minor_faults: this thread's minor faults from getrusage", "Step 4: Page faults");
}

std::uint64_t major_faults() {
    // TODO(student): the same call, ru_majflt.
    OSLAB_TODO("major_faults: this thread's major faults from getrusage", "Step 4: Page faults");
}

TouchResult touch_pages(std::span<std::byte> region) {
    // TODO(student):
    //  1. Read minor_faults() and std::chrono::steady_clock::now() before the loop.
    //  2. Write one byte at offsets 0, page_size(), 2 * page_size(), ... < region.size(), counting
    //     the pages. Write through a volatile std::byte* so the compiler keeps every store.
    //  3. Fill TouchResult with the pages, the fault difference and the elapsed time.
    OSLAB_TODO("touch_pages: one write per page, faults and time", "Step 4: Page faults");
}

bool prefault(std::span<std::byte> region) {
    // TODO(student): madvise(region.data(), region.size(), MADV_POPULATE_WRITE). Return true on
    // success; return false when errno is EINVAL (a kernel older than 5.14 does not know this
    // advice); any other error: throw_errno("madvise(MADV_POPULATE_WRITE)").
    OSLAB_TODO("prefault: madvise(MADV_POPULATE_WRITE)", "Step 4: Page faults");
}

bool request_huge_pages(std::span<std::byte> region) {
    // TODO(student): madvise(..., MADV_HUGEPAGE); true on success, false on EINVAL (no THP in this
    // kernel), throw_errno("madvise(MADV_HUGEPAGE)") otherwise.
    OSLAB_TODO("request_huge_pages: madvise(MADV_HUGEPAGE)", "Step 4: Page faults");
}

}  // namespace oslab
