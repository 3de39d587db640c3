// Given (compiled into both variants): the ping-pong with a working set per side, pinned to one
// CPU, and its no-switch baseline. See oslab/switch_working_set.hpp.
#include "oslab/switch_working_set.hpp"

#include <sched.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

#include "oslab/byte_pipe.hpp"
#include "oslab/sys_error.hpp"

namespace oslab {
namespace {

constexpr std::size_t kLine = 64;
constexpr std::size_t kWarmUpRounds = 3;

// W bytes of anonymous memory on 4 KiB pages (MADV_NOHUGEPAGE: the TLB part of the refill is
// the same whatever the THP mode), touched once so the timed part takes no page faults.
class WorkingSet {
public:
    explicit WorkingSet(std::size_t bytes) : size_(bytes) {
        if (bytes == 0) return;
        void* p =
            ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) throw_errno("mmap");
        data_ = static_cast<unsigned char*>(p);
        ::madvise(p, bytes, MADV_NOHUGEPAGE);  // advice only: a kernel without THP says EINVAL
        for (std::size_t i = 0; i < bytes; i += 4096)
            data_[i] = 1;
    }
    ~WorkingSet() {
        if (data_ != nullptr) ::munmap(data_, size_);
    }
    WorkingSet(const WorkingSet&) = delete;
    WorkingSet& operator=(const WorkingSet&) = delete;

    // One read-modify-write per cache line: every line and every page of the set is used.
    void touch() {
        auto* p = reinterpret_cast<volatile std::uint64_t*>(data_);
        for (std::size_t i = 0; i < size_ / sizeof(std::uint64_t);
             i += kLine / sizeof(std::uint64_t))
            p[i] = p[i] + 1;
    }

private:
    unsigned char* data_ = nullptr;
    std::size_t size_ = 0;
};

// Pins the calling thread to one CPU for the lifetime of the object (restores the old mask).
class PinGuard {
public:
    explicit PinGuard(int cpu) {
        CPU_ZERO(&saved_);
        check_syscall(::sched_getaffinity(0, sizeof saved_, &saved_), "sched_getaffinity");
        pin(cpu);
    }
    ~PinGuard() { ::sched_setaffinity(0, sizeof saved_, &saved_); }
    PinGuard(const PinGuard&) = delete;
    PinGuard& operator=(const PinGuard&) = delete;

    static void pin(int cpu) {
        if (cpu < 0 || cpu >= CPU_SETSIZE) throw std::invalid_argument("cpu out of range");
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(cpu, &one);
        check_syscall(::sched_setaffinity(0, sizeof one, &one), "sched_setaffinity");
    }

private:
    cpu_set_t saved_{};
};

double thread_cpu_ns() {
    timespec now{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) * 1e9 + static_cast<double>(now.tv_nsec);
}

constexpr char kToken = 'x';
constexpr char kStartToken = 's';  // the first timed pass: the pong side starts its CPU clock

// Reads one byte; returns it, or -1 at EOF.
int read_token(int fd) {
    char byte = 0;
    for (;;) {
        const ssize_t r = ::read(fd, &byte, 1);
        if (r == 1) return static_cast<unsigned char>(byte);
        if (r == 0) return -1;
        if (errno != EINTR) throw_errno("read");
    }
}

void write_bytes(int fd, const void* data, std::size_t size) {
    const auto* p = static_cast<const char*>(data);
    while (size > 0) {
        const ssize_t w = ::write(fd, p, size);
        if (w == -1 && errno == EINTR) continue;
        check_syscall(w, "write");
        p += w;
        size -= static_cast<std::size_t>(w);
    }
}

// The pong side: until EOF, wait for the token, touch the set, pass the token back. At EOF it
// sends the CPU time it used since the start token (8 bytes, a double in ns) on `to_ping`.
void pong_loop(int from_ping, int to_ping, std::size_t bytes) {
    WorkingSet set(bytes);
    double cpu_start = thread_cpu_ns();
    for (;;) {
        const int token = read_token(from_ping);
        if (token < 0) break;
        if (token == kStartToken) cpu_start = thread_cpu_ns();
        set.touch();
        write_byte(to_ping, kToken);
    }
    const double used = thread_cpu_ns() - cpu_start;
    write_bytes(to_ping, &used, sizeof used);
}

// The ping side: warm-up rounds, then the timed ones; closes `to_pong` (EOF for the pong side)
// and reads the pong side's CPU time. Returns the means per round trip.
SwitchTiming ping_loop(UniqueFd& to_pong, int from_pong, std::size_t bytes,
                       std::size_t round_trips) {
    WorkingSet set(bytes);
    auto round = [&](char token) {
        set.touch();
        write_byte(to_pong.get(), token);
        if (read_token(from_pong) < 0) throw std::runtime_error("ping-pong: the pong side quit");
    };
    for (std::size_t i = 0; i < kWarmUpRounds; ++i)
        round(kToken);
    const double cpu_start = thread_cpu_ns();
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < round_trips; ++i)
        round(i == 0 ? kStartToken : kToken);
    const auto wall = std::chrono::steady_clock::now() - start;
    const double ping_cpu = thread_cpu_ns() - cpu_start;
    to_pong.reset();
    double pong_cpu = 0;
    auto* p = reinterpret_cast<char*>(&pong_cpu);
    for (std::size_t got = 0; got < sizeof pong_cpu;) {
        const ssize_t r = ::read(from_pong, p + got, sizeof pong_cpu - got);
        if (r == -1 && errno == EINTR) continue;
        check_syscall(r, "read");
        if (r == 0) throw std::runtime_error("ping-pong: the pong side sent no CPU time");
        got += static_cast<std::size_t>(r);
    }
    const double n = static_cast<double>(round_trips);
    return {Nanos(wall) / n, Nanos((ping_cpu + pong_cpu) / n)};
}

}  // namespace

std::size_t working_set_round_trips(std::size_t working_set_bytes) {
    const std::size_t budget = std::size_t{128} << 20;
    const std::size_t per_round = std::max<std::size_t>(1, 2 * working_set_bytes);
    return std::clamp<std::size_t>(budget / per_round, 16, 2000);
}

SwitchTiming ping_pong_working_set(SwitchSides sides, std::size_t working_set_bytes,
                                   std::size_t round_trips, int cpu) {
    if (round_trips == 0) throw std::invalid_argument("ping_pong_working_set: round_trips == 0");
    PinGuard pinned(cpu);  // a child made by fork() or a new thread inherits this one-CPU mask
    Pipe to_pong = make_pipe();
    Pipe to_ping = make_pipe();
    if (sides == SwitchSides::threads) {
        std::exception_ptr pong_error;
        std::thread pong([&] {
            try {
                PinGuard::pin(cpu);
                pong_loop(to_pong.read.get(), to_ping.write.get(), working_set_bytes);
            } catch (...) {
                pong_error = std::current_exception();
            }
            to_ping.write.reset();  // EOF for the ping side, should the pong side have failed
        });
        SwitchTiming result;
        std::exception_ptr ping_error;
        try {
            result = ping_loop(to_pong.write, to_ping.read.get(), working_set_bytes, round_trips);
        } catch (...) {
            ping_error = std::current_exception();
        }
        to_pong.write.reset();  // EOF (if ping_loop failed before it): the pong loop ends
        pong.join();
        if (ping_error) std::rethrow_exception(ping_error);
        if (pong_error) std::rethrow_exception(pong_error);
        return result;
    }
    const pid_t pid = check_syscall(::fork(), "fork");
    if (pid == 0) {
        int status = 0;
        try {
            to_pong.write.reset();
            to_ping.read.reset();
            pong_loop(to_pong.read.get(), to_ping.write.get(), working_set_bytes);
        } catch (...) {
            status = 1;
        }
        ::_exit(status);
    }
    to_pong.read.reset();
    to_ping.write.reset();
    SwitchTiming result;
    std::exception_ptr ping_error;
    try {
        result = ping_loop(to_pong.write, to_ping.read.get(), working_set_bytes, round_trips);
    } catch (...) {
        ping_error = std::current_exception();
    }
    to_pong.write.reset();
    int status = 0;
    while (::waitpid(pid, &status, 0) == -1) {
        if (errno != EINTR) throw_errno("waitpid");
    }
    if (ping_error) std::rethrow_exception(ping_error);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw std::runtime_error("ping_pong_working_set: the pong child failed");
    return result;
}

SwitchTiming working_set_baseline(std::size_t working_set_bytes, std::size_t round_trips, int cpu) {
    if (round_trips == 0) throw std::invalid_argument("working_set_baseline: round_trips == 0");
    PinGuard pinned(cpu);
    WorkingSet a(working_set_bytes);
    WorkingSet b(working_set_bytes);
    Pipe pipe = make_pipe();
    auto round = [&] {
        a.touch();
        write_byte(pipe.write.get());
        read_byte(pipe.read.get());  // already there: no block, no switch
        b.touch();
        write_byte(pipe.write.get());
        read_byte(pipe.read.get());
    };
    for (std::size_t i = 0; i < kWarmUpRounds; ++i)
        round();
    const double cpu_start = thread_cpu_ns();
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < round_trips; ++i)
        round();
    const auto wall = std::chrono::steady_clock::now() - start;
    const double n = static_cast<double>(round_trips);
    return {Nanos(wall) / n, Nanos((thread_cpu_ns() - cpu_start) / n)};
}

bool cpu_has_pcid() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("flags", 0) != 0) continue;
        std::istringstream words(line.substr(line.find(':') + 1));
        std::string flag;
        while (words >> flag) {
            if (flag == "pcid") return true;
        }
        return false;
    }
    return false;
}

}  // namespace oslab
