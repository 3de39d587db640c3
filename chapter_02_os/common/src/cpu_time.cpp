// CPU time of this process, this thread or another process (see oslab/cpu_time.hpp).
#include "oslab/cpu_time.hpp"

#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <system_error>
#include <thread>

#include "oslab/sys_error.hpp"

namespace oslab {

double to_seconds(const timeval& time) {
    return static_cast<double>(time.tv_sec) + static_cast<double>(time.tv_usec) * 1e-6;
}

double process_cpu_seconds() {
    rusage usage{};
    check_syscall(::getrusage(RUSAGE_SELF, &usage), "getrusage(RUSAGE_SELF)");
    return to_seconds(usage.ru_utime) + to_seconds(usage.ru_stime);
}

double thread_cpu_seconds() {
    timespec now{};
    check_syscall(::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now),
                  "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

double process_cpu_seconds(pid_t pid) {
    const std::string path = "/proc/" + std::to_string(pid) + "/stat";
    std::ifstream in(path);
    if (!in) throw std::system_error(errno ? errno : ENOENT, std::generic_category(), path);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so the fields are
    // counted from the last ')'. Field 3 is the state.
    std::istringstream fields(text.substr(text.rfind(')') + 2));
    std::string field;
    double ticks = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i) {
        if (i >= 14) ticks += std::stod(field);
    }
    return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

std::vector<ThreadDemand> thread_cpu_demands() {
    std::vector<ThreadDemand> threads;
    std::error_code error;
    for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", error)) {
        std::ifstream stats(task.path() / "schedstat");
        double on_cpu = 0, waiting = 0;
        if (!(stats >> on_cpu >> waiting)) continue;  // exited meanwhile, or no schedstat
        ThreadDemand thread;
        thread.tid = static_cast<pid_t>(std::stol(task.path().filename().string()));
        thread.seconds = (on_cpu + waiting) * 1e-9;
        std::ifstream comm(task.path() / "comm");
        std::getline(comm, thread.name);
        threads.push_back(std::move(thread));
    }
    return threads;
}

CpuDemand cpus_demanded_while_sleeping(std::chrono::milliseconds window) {
    using Clock = std::chrono::steady_clock;
    const pid_t self = ::gettid();
    std::map<pid_t, double> before;
    for (const ThreadDemand& thread : thread_cpu_demands())
        before[thread.tid] = thread.seconds;
    const double cpu_before = process_cpu_seconds();
    const auto start = Clock::now();
    std::this_thread::sleep_for(window);
    const double passed = std::chrono::duration<double>(Clock::now() - start).count();
    const std::vector<ThreadDemand> after = thread_cpu_demands();
    CpuDemand demand;
    if (after.empty()) {
        demand.cpus = (process_cpu_seconds() - cpu_before) / passed;
        demand.by_thread = "(no schedstat: process CPU time)";
        return demand;
    }
    double seconds = 0;
    for (const ThreadDemand& thread : after) {
        if (thread.tid == self) continue;
        const auto earlier = before.find(thread.tid);  // a thread born meanwhile: all of it
        const double delta = thread.seconds - (earlier == before.end() ? 0 : earlier->second);
        seconds += delta;
        if (delta >= 1e-3) {
            demand.by_thread += (demand.by_thread.empty() ? "" : ", ") +
                                std::to_string(thread.tid) + " " + thread.name + ": " +
                                std::to_string(static_cast<long>(delta * 1e3)) + " ms";
        }
    }
    demand.cpus = seconds / passed;
    return demand;
}

}  // namespace oslab
