// Step 4: counting the page faults of first touch, and avoiding them (README, "Step 4: Page
// faults"). The mapping itself is given; the four functions at the bottom are yours.
#include "oslab/page_faults.hpp"

#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <utility>

#include "oslab/not_implemented.hpp"
#include "oslab/system_error.hpp"

namespace oslab {

std::size_t page_size() {
    static const std::size_t size =
        static_cast<std::size_t>(check_syscall(::sysconf(_SC_PAGESIZE), "sysconf"));
    return size;
}

// ---- Given: the mapping itself ----------------------------------------------------------------

MappedRegion::MappedRegion(std::size_t bytes, MapOptions options) {
    // MAP_ANONYMOUS | MAP_PRIVATE: memory backed by nothing, private to this process. The kernel
    // only records the range (a VMA); no page is allocated until it is touched, unless
    // MAP_POPULATE asks it to fault every page in right now.
    const std::size_t slack = options.huge_aligned ? kHugePageBytes : 0;
    const int flags = MAP_PRIVATE | MAP_ANONYMOUS | (options.populate ? MAP_POPULATE : 0);
    void* mapping = ::mmap(nullptr, bytes + slack, PROT_READ | PROT_WRITE, flags, -1, 0);
    if (mapping == MAP_FAILED) throw_errno("mmap");
    mapping_ = mapping;
    mapping_size_ = bytes + slack;
    auto address = reinterpret_cast<std::uintptr_t>(mapping);
    if (options.huge_aligned) address = (address + kHugePageBytes - 1) & ~(kHugePageBytes - 1);
    data_ = reinterpret_cast<std::byte*>(address);
    size_ = bytes;
    if (options.small_pages_only && ::madvise(mapping_, mapping_size_, MADV_NOHUGEPAGE) == -1) {
        const int saved = errno;
        ::munmap(mapping_, mapping_size_);
        errno = saved;
        throw_errno("madvise(MADV_NOHUGEPAGE)");
    }
}

MappedRegion::~MappedRegion() {
    if (mapping_ != nullptr) ::munmap(mapping_, mapping_size_);  // cannot fail on a valid range
}

MappedRegion::MappedRegion(MappedRegion&& other) noexcept
    : mapping_(std::exchange(other.mapping_, nullptr)),
      mapping_size_(std::exchange(other.mapping_size_, 0)),
      data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)) {}

MappedRegion& MappedRegion::operator=(MappedRegion&& other) noexcept {
    if (this != &other) {
        if (mapping_ != nullptr) ::munmap(mapping_, mapping_size_);
        mapping_ = std::exchange(other.mapping_, nullptr);
        mapping_size_ = std::exchange(other.mapping_size_, 0);
        data_ = std::exchange(other.data_, nullptr);
        size_ = std::exchange(other.size_, 0);
    }
    return *this;
}

std::string transparent_hugepage_mode(const std::filesystem::path& file) {
    // The file lists every mode and brackets the selected one: "always [madvise] never".
    std::ifstream in(file);
    std::string line;
    if (!in || !std::getline(in, line)) return "";
    const auto open = line.find('[');
    const auto close = line.find(']', open);
    if (open == std::string::npos || close == std::string::npos) return "";
    return line.substr(open + 1, close - open - 1);
}

// ---- The exercise -------------------------------------------------------------------------------

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
