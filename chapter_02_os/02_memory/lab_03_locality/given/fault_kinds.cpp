// Given (compiled into both variants): the page-fault kinds of oslab/fault_kinds.hpp.
#include "oslab/fault_kinds.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "oslab/sys_error.hpp"
#include "oslab/unique_fd.hpp"

namespace oslab {
namespace {

constexpr std::size_t kPage = 4096;

struct Usage {
    std::uint64_t minor = 0, major = 0;
};

Usage thread_usage() {
    rusage usage{};
    check_syscall(::getrusage(RUSAGE_THREAD, &usage), "getrusage(RUSAGE_THREAD)");
    return {static_cast<std::uint64_t>(usage.ru_minflt),
            static_cast<std::uint64_t>(usage.ru_majflt)};
}

double cpu_now_ns() {
    timespec now{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) * 1e9 + static_cast<double>(now.tv_nsec);
}

// Touches one byte per page (write or read) and measures it: the one loop every case shares.
template <bool Write>
FaultSample touch_each_page(unsigned char* data, std::size_t pages) {
    FaultSample sample;
    sample.pages = pages;
    const Usage before = thread_usage();
    const double cpu_start = cpu_now_ns();
    const auto start = std::chrono::steady_clock::now();
    volatile unsigned char* p = data;
    unsigned sum = 0;
    for (std::size_t i = 0; i < pages; ++i) {
        if constexpr (Write) {
            p[i * kPage] = 1;
        } else {
            sum += p[i * kPage];
        }
    }
    sample.wall_ns =
        std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
    sample.cpu_ns = cpu_now_ns() - cpu_start;
    const Usage after = thread_usage();
    sample.minor = after.minor - before.minor;
    sample.major = after.major - before.major;
    if (sum == 0xFFFFFFFFu) sample.pages = 0;  // never true: keeps the reads
    return sample;
}

// An anonymous private mapping on 4 KiB pages, unmapped at scope end.
struct AnonRegion {
    unsigned char* data = nullptr;
    std::size_t bytes = 0;
    explicit AnonRegion(std::size_t size) : bytes(size) {
        void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) throw_errno("mmap");
        data = static_cast<unsigned char*>(p);
        ::madvise(p, size, MADV_NOHUGEPAGE);  // EINVAL without THP: 4 KiB pages anyway
    }
    ~AnonRegion() { ::munmap(data, bytes); }
    AnonRegion(const AnonRegion&) = delete;
    AnonRegion& operator=(const AnonRegion&) = delete;
};

void write_all_bytes(int fd, const void* data, std::size_t size) {
    const auto* p = static_cast<const char*>(data);
    while (size > 0) {
        const ssize_t n = ::write(fd, p, size);
        if (n == -1 && errno == EINTR) continue;
        check_syscall(n, "write");
        p += n;
        size -= static_cast<std::size_t>(n);
    }
}

bool read_all_bytes(int fd, void* data, std::size_t size) {
    auto* p = static_cast<char*>(data);
    while (size > 0) {
        const ssize_t n = ::read(fd, p, size);
        if (n == -1 && errno == EINTR) continue;
        check_syscall(n, "read");
        if (n == 0) return false;
        p += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

void reap(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) == -1) {
        if (errno != EINTR) throw_errno("waitpid");
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw std::runtime_error("page-fault experiment: the child failed");
}

// Runs child(result_fd) in a forked child that writes a T into result_fd; returns the T. If
// `between` is given it runs in the parent after the T arrived and before the child may exit.
template <class T, class Child, class Between>
T in_child(Child&& child, Between&& between) {
    static_assert(std::is_trivially_copyable_v<T>);
    int result_fds[2], go_fds[2];
    check_syscall(::pipe2(result_fds, O_CLOEXEC), "pipe2");
    UniqueFd result_read(result_fds[0]), result_write(result_fds[1]);
    check_syscall(::pipe2(go_fds, O_CLOEXEC), "pipe2");
    UniqueFd go_read(go_fds[0]), go_write(go_fds[1]);
    const pid_t pid = check_syscall(::fork(), "fork");
    if (pid == 0) {
        int status = 0;
        try {
            result_read.reset();
            go_write.reset();
            const T result = child();
            write_all_bytes(result_write.get(), &result, sizeof result);
            char byte;
            while (::read(go_read.get(), &byte, 1) == -1 && errno == EINTR) {
            }  // wait until the parent is done looking (EOF)
        } catch (...) {
            status = 1;
        }
        ::_exit(status);
    }
    result_write.reset();
    go_read.reset();
    T result{};
    bool got = false;
    try {
        got = read_all_bytes(result_read.get(), &result, sizeof result);
        if (got) between(result);
    } catch (...) {
        go_write.reset();
        reap(pid);
        throw;
    }
    go_write.reset();
    reap(pid);
    if (!got) throw std::runtime_error("page-fault experiment: the child sent no result");
    return result;
}

}  // namespace

FaultSample first_touch_in_child(std::size_t pages) {
    if (pages == 0) throw std::invalid_argument("first_touch_in_child: pages == 0");
    return in_child<FaultSample>(
        [pages] {
            AnonRegion region(pages * kPage);
            return touch_each_page<true>(region.data, pages);
        },
        [](const FaultSample&) {});
}

CowReport copy_on_write_in_child(std::size_t pages) {
    if (pages == 0) throw std::invalid_argument("copy_on_write_in_child: pages == 0");
    AnonRegion region(pages * kPage);
    for (std::size_t i = 0; i < pages; ++i)
        region.data[i * kPage] = 2;  // every page present and private to the parent
    CowReport report;
    report.parent_before_fork = read_smaps_entry(region.data);
    const CowReport from_child = in_child<CowReport>(
        [&] {
            CowReport r;
            r.child_before_write = read_smaps_entry(region.data);
            r.child = touch_each_page<true>(region.data, pages);
            r.child_after_write = read_smaps_entry(region.data);
            return r;
        },
        [&](const CowReport&) { report.parent_after_child_wrote = read_smaps_entry(region.data); });
    report.child = from_child.child;
    report.child_before_write = from_child.child_before_write;
    report.child_after_write = from_child.child_after_write;
    return report;
}

std::filesystem::path disk_directory(const std::filesystem::path& preferred, std::string* why) {
    std::vector<std::filesystem::path> candidates;
    if (!preferred.empty()) candidates.push_back(preferred);
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) candidates.push_back(exe.parent_path());
    candidates.emplace_back("/var/tmp");
    candidates.push_back(std::filesystem::current_path(ec));
    std::string reasons;
    for (const auto& dir : candidates) {
        struct statfs fs {};
        if (dir.empty() || ::statfs(dir.c_str(), &fs) != 0) {
            reasons += dir.string() + ": cannot statfs; ";
            continue;
        }
        if (fs.f_type == TMPFS_MAGIC || fs.f_type == RAMFS_MAGIC) {
            reasons += dir.string() + ": tmpfs/ramfs (in RAM, nothing to read from disk); ";
            continue;
        }
        const auto free_bytes = static_cast<double>(fs.f_bavail) * static_cast<double>(fs.f_bsize);
        if (free_bytes < 256.0 * 1024 * 1024) {
            reasons += dir.string() + ": less than 256 MiB free; ";
            continue;
        }
        if (::access(dir.c_str(), W_OK) != 0) {
            reasons += dir.string() + ": not writable; ";
            continue;
        }
        return dir;
    }
    if (why != nullptr) *why = "no directory on a disk file system: " + reasons;
    return {};
}

FaultFile::FaultFile(const std::filesystem::path& directory, std::size_t pages) : pages_(pages) {
    if (pages == 0) throw std::invalid_argument("FaultFile: pages == 0");
    std::string pattern = (directory / "oslab-major-faults-XXXXXX").string();
    const int raw = ::mkostemp(pattern.data(), O_CLOEXEC);
    if (raw == -1) throw_errno(("mkostemp in " + directory.string()).c_str());
    UniqueFd fd(raw);
    path_ = pattern;
    std::vector<unsigned char> chunk(256 * kPage, 0x5a);  // non-zero: no hole, real blocks
    for (std::size_t done = 0; done < pages;) {
        const std::size_t n = std::min<std::size_t>(256, pages - done);
        write_all_bytes(fd.get(), chunk.data(), n * kPage);
        done += n;
    }
    check_syscall(::fsync(fd.get()), "fsync");  // clean pages: DONTNEED may drop them
}

FaultFile::~FaultFile() {
    if (!path_.empty()) ::unlink(path_.c_str());
}

FaultSample FaultFile::read_after_eviction(bool random) const {
    const UniqueFd fd(check_syscall(::open(path_.c_str(), O_RDONLY | O_CLOEXEC), "open"));
    const std::size_t bytes = pages_ * kPage;
    const int rc = ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_DONTNEED);
    if (rc != 0) {
        errno = rc;
        throw_errno("posix_fadvise(POSIX_FADV_DONTNEED)");
    }
    void* p = ::mmap(nullptr, bytes, PROT_READ, MAP_SHARED, fd.get(), 0);
    if (p == MAP_FAILED) throw_errno("mmap");
    struct Unmap {
        void* p;
        std::size_t n;
        ~Unmap() { ::munmap(p, n); }
    } unmap{p, bytes};
    if (random) check_syscall(::madvise(p, bytes, MADV_RANDOM), "madvise(MADV_RANDOM)");
    std::vector<unsigned char> resident(pages_);
    check_syscall(::mincore(p, bytes, resident.data()), "mincore");
    std::size_t in_cache = 0;
    for (const unsigned char r : resident)
        in_cache += r & 1u;
    FaultSample sample = touch_each_page<false>(static_cast<unsigned char*>(p), pages_);
    sample.resident_before = in_cache;
    return sample;
}

}  // namespace oslab
