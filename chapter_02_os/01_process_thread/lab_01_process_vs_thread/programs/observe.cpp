// lab01_observe: keep W worker threads or W worker processes alive for S seconds and print, once a
// second, what /proc says about them. Meant to be watched from a second terminal (see --help).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/core.h>

#include <chrono>
#include <cstdint>
#include <exception>
#include <string>
#include <thread>
#include <vector>

#include "oslab/cli.hpp"
#include "oslab/parallel_sum.hpp"
#include "oslab/proc_status.hpp"
#include "oslab/sys_error.hpp"

namespace {

using Clock = std::chrono::steady_clock;

// What each worker does until the deadline: ~5 ms of adding, then ~5 ms asleep. So htop shows them
// busy about half the time, and both context-switch counters move (voluntary: the sleeps;
// involuntary: when the scheduler preempts a busy worker).
void work_until(Clock::time_point deadline) {
    std::uint64_t sink = 0;
    while (Clock::now() < deadline) {
        const auto busy_until = Clock::now() + std::chrono::milliseconds(5);
        while (Clock::now() < busy_until)
            sink += oslab::sum_chunk({1, 100'000});
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    asm volatile("" : : "r"(sink));
}

std::string describe(pid_t pid) {
    const auto s = oslab::read_proc_status(pid);
    return fmt::format("tasks {:>3}  rss {:>7.1f} MiB  ctxt vol {:>6} invol {:>5}",
                       oslab::count_tasks(pid), static_cast<double>(s.vm_rss_kib) / 1024.0,
                       s.voluntary_ctxt_switches, s.nonvoluntary_ctxt_switches);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Start W worker threads or processes for S seconds and show what /proc sees."};
    std::string mode;
    std::size_t workers = 4;
    int seconds = 10;
    app.add_option("--mode", mode, "threads or processes")
        ->required()
        ->check(CLI::IsMember({"threads", "processes"}));
    app.add_option("--workers", workers, "number of workers")
        ->check(CLI::Range(std::size_t{1}, std::size_t{256}));
    app.add_option("--seconds", seconds, "how long the workers stay alive")
        ->check(CLI::Range(1, 3600));
    app.footer(
        "Watch it from another terminal (PID is printed first):\n"
        "  htop -p PID                 (press H to show threads, F5 for the tree of children)\n"
        "  ls /proc/PID/task           one entry per thread\n"
        "  grep -E 'Threads|VmRSS|ctxt' /proc/PID/status\n"
        "  pstree -p PID               the process and its children\n"
        "  strace -f -e trace=clone,clone3,fork,vfork,wait4 lab01_observe --mode threads "
        "--seconds 2\n"
        "                              how each worker is created (CLONE_THREAD or not)\n"
        "  perf stat -e context-switches,cpu-migrations -p PID -- sleep 3");
    if (const auto status = oslab::parse_flags(app, argc, argv, "lab01_observe")) return *status;

    try {
        const auto deadline = Clock::now() + std::chrono::seconds(seconds);
        const pid_t self = ::getpid();
        fmt::print("lab01_observe: pid {}, {} {} for {} s\n", self, workers, mode, seconds);
        std::fflush(stdout);  // flush before fork: the children must not print our buffer again

        std::vector<std::jthread> threads;
        std::vector<pid_t> children;
        for (std::size_t i = 0; i < workers; ++i) {
            if (mode == "threads") {
                threads.emplace_back([deadline] { work_until(deadline); });
            } else {
                const pid_t pid = oslab::check_syscall(::fork(), "fork");
                if (pid == 0) {
                    work_until(deadline);
                    ::_exit(0);
                }
                children.push_back(pid);
            }
        }

        for (int second = 1; second <= seconds; ++second) {
            std::this_thread::sleep_until(deadline - std::chrono::seconds(seconds - second) -
                                          std::chrono::milliseconds(100));
            fmt::print("[{:>4} s] pid {}: {}\n", second, self, describe(self));
            if (!children.empty()) {
                fmt::print("         children {} (each is a process with its own /proc/PID):\n",
                           children.size());
                for (const pid_t child : children) {
                    fmt::print("           pid {}: {}\n", child, describe(child));
                }
            }
            std::fflush(stdout);
        }
        int failures = 0;
        for (const pid_t child : children) {
            int status = 0;
            while (::waitpid(child, &status, 0) == -1) {
                if (errno != EINTR) oslab::throw_errno("waitpid");
            }
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++failures;
        }
        threads.clear();  // joins
        fmt::print("done: {} {} finished{}\n", workers, mode,
                   failures ? fmt::format(", {} failed", failures) : "");
        return failures ? 1 : 0;
    } catch (const std::exception& e) {
        fmt::print(stderr, "lab01_observe: {}\n", e.what());
        return 1;
    }
}
