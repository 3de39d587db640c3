// CPU time, as the kernel accounts it. On a shared machine wall time also counts the time other
// processes held the CPU; CPU time counts only what this code made the CPU do (stalls on memory
// included, time spent preempted or asleep excluded).
#pragma once

#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>

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

}  // namespace oslab
