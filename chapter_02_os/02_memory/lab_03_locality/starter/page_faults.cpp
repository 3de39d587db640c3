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
    // TODO(student): Step 4.
    // Contract: the minor page faults of the calling thread so far (faults of other threads, a
    //   sanitizer's or the test framework's, must not count).
    // OS facts: getrusage(2) with RUSAGE_THREAD (Linux); ru_minflt. Check the call.
    OSLAB_TODO("minor_faults: this thread's minor faults from getrusage", "Step 4: Page faults");
}

std::uint64_t major_faults() {
    // TODO(student): Step 4. The same for major faults (ru_majflt): the page came from disk.
    OSLAB_TODO("major_faults: this thread's major faults from getrusage", "Step 4: Page faults");
}

TouchResult touch_pages(std::span<std::byte> region) {
    // TODO(student): Step 4.
    // Contract: writes one byte in every page of region (page_size() apart) and reports the pages
    //   written, the minor faults taken meanwhile and the elapsed time. Fresh pages: about one
    //   fault per page; prefaulted pages: almost none (the tests allow a margin for ASan's shadow).
    // Facts: the compiler may merge or drop stores nobody reads back, unless they are volatile.
    // Think: what does the kernel do on the first write to a fresh anonymous page, and on the
    //   second?
    OSLAB_TODO("touch_pages: one write per page, faults and time", "Step 4: Page faults");
}

bool prefault(std::span<std::byte> region) {
    // TODO(student): Step 4.
    // Contract (oslab/page_faults.hpp): faults the whole region in for writing with one call;
    //   false, without throwing, when the kernel does not know the advice; other errors throw
    //   std::system_error naming the call.
    // OS facts: madvise(2) MADV_POPULATE_WRITE (Linux 5.14+); an older kernel answers EINVAL.
    //   errno is only valid right after the failed call.
    OSLAB_TODO("prefault: madvise(MADV_POPULATE_WRITE)", "Step 4: Page faults");
}

bool request_huge_pages(std::span<std::byte> region) {
    // TODO(student): Step 4.
    // Contract: asks for transparent huge pages on region; false on EINVAL (no THP in this
    //   kernel), std::system_error otherwise.
    // OS facts: madvise(2) MADV_HUGEPAGE is advice: a 2 MiB page is used only for an aligned 2 MiB
    //   range, with THP enabled (transparent_hugepage_mode()) and contiguous free memory.
    // Think: 512 times fewer faults: why not 512 times less time?
    OSLAB_TODO("request_huge_pages: madvise(MADV_HUGEPAGE)", "Step 4: Page faults");
}

}  // namespace oslab
