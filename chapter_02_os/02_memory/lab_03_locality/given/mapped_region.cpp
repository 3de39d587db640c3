// Given (not an exercise, compiled into both variants): the anonymous mapping the page-fault
// experiments touch, the page size and the THP mode.
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <fstream>
#include <utility>

#include "oslab/page_faults.hpp"
#include "oslab/sys_error.hpp"

namespace oslab {

std::size_t page_size() {
    static const std::size_t size =
        static_cast<std::size_t>(check_syscall(::sysconf(_SC_PAGESIZE), "sysconf"));
    return size;
}

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

}  // namespace oslab
