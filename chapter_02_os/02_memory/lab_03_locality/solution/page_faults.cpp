// Step 4 reference: counting the page faults of first touch, and avoiding them.
#include "oslab/page_faults.hpp"

#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <utility>

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
