// CPU time of this process, this thread or another process (see oslab/cpu_time.hpp).
#include "oslab/cpu_time.hpp"

#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iterator>
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

std::optional<double> process_cpu_demand_seconds() {
    std::error_code error;
    double nanoseconds = 0;
    bool any = false;
    for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", error)) {
        std::ifstream in(task.path() / "schedstat");
        double on_cpu = 0, waiting = 0;
        if (in >> on_cpu >> waiting) {  // a thread that exited meanwhile has no file: skipped
            nanoseconds += on_cpu + waiting;
            any = true;
        }
    }
    if (!any) return std::nullopt;
    return nanoseconds * 1e-9;
}

double cpus_demanded_while_sleeping(std::chrono::milliseconds window) {
    const auto demand_before = process_cpu_demand_seconds();
    const double cpu_before = process_cpu_seconds();
    std::this_thread::sleep_for(window);
    const auto demand_after = process_cpu_demand_seconds();
    const double seconds = std::chrono::duration<double>(window).count();
    if (demand_before && demand_after) return (*demand_after - *demand_before) / seconds;
    return (process_cpu_seconds() - cpu_before) / seconds;
}

}  // namespace oslab
