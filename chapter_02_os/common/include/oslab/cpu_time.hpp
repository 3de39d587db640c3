// CPU time, as the kernel accounts it. On a shared machine wall time also counts the time other
// processes held the CPU; CPU time counts only what this code made the CPU do (stalls on memory
// included, time spent preempted or asleep excluded).
#pragma once

#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace oslab {

// A timeval (getrusage, wait4) in seconds.
double to_seconds(const timeval& time);

// User + system CPU time of every thread of this process, live or exited: getrusage(RUSAGE_SELF).
double process_cpu_seconds();

// CPU time of the calling thread alone: clock_gettime(CLOCK_THREAD_CPUTIME_ID), nanosecond
// resolution (getrusage(RUSAGE_THREAD) would round to the scheduler tick on some kernels).
double thread_cpu_seconds();

// User + system CPU time of another process, every thread of it: fields 14 (utime) and 15
// (stime) of /proc/<pid>/stat, in clock ticks (sysconf(_SC_CLK_TCK)). Throws std::system_error
// when the process does not exist.
double process_cpu_seconds(pid_t pid);

// What one thread of this process asked of the CPUs: the time it ran plus the time it was
// runnable but waited for a CPU (fields 1 and 2 of /proc/self/task/<tid>/schedstat, nanoseconds;
// see the kernel's Documentation/scheduler/sched-stats.rst). A thread that never blocks (a spin)
// demands the whole wall time however busy the machine is, while its CPU time shrinks as other
// processes take the CPU.
struct ThreadDemand {
    pid_t tid = 0;
    std::string name;  // /proc/self/task/<tid>/comm
    double seconds = 0;
};

// Every live thread of this process; empty when the kernel keeps no schedstat
// (CONFIG_SCHED_INFO off). Threads that exited are no longer there.
std::vector<ThreadDemand> thread_cpu_demands();

// How many CPUs the *other* threads of this process kept busy or wanted while the calling
// thread slept for `window`: their demand over the time that really passed (the caller's own
// demand is the measurement, and its wait for a CPU after the sleep is the machine's load, so
// neither counts). About 1 per spinning thread and near 0 when they all sleep, on an idle
// machine as on a loaded one. Without schedstat: the process's CPU time over the time passed.
struct CpuDemand {
    double cpus = 0;
    std::string by_thread;  // "tid name: N ms" for each thread that demanded a millisecond or more
};
CpuDemand cpus_demanded_while_sleeping(std::chrono::milliseconds window);

}  // namespace oslab
