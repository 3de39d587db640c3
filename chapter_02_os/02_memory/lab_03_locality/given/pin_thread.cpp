// Given (not an exercise, compiled into both variants): pinning the calling thread to one CPU.
#include <sched.h>

#include "oslab/false_sharing.hpp"
#include "oslab/sys_error.hpp"

namespace oslab {

bool pin_this_thread(std::size_t index) {
    // sched_getaffinity(0, ...) = the CPUs this thread may use (taskset, cgroups may restrict it).
    cpu_set_t allowed;
    CPU_ZERO(&allowed);
    check_syscall(::sched_getaffinity(0, sizeof allowed, &allowed), "sched_getaffinity");
    const int count = CPU_COUNT(&allowed);
    if (count < 2) return false;
    int wanted = static_cast<int>(index % static_cast<std::size_t>(count));
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
        if (!CPU_ISSET(cpu, &allowed)) continue;
        if (wanted-- == 0) {
            cpu_set_t one;
            CPU_ZERO(&one);
            CPU_SET(cpu, &one);
            // pid 0 = the calling thread (affinity is per thread on Linux).
            check_syscall(::sched_setaffinity(0, sizeof one, &one), "sched_setaffinity");
            return true;
        }
    }
    return false;
}

}  // namespace oslab
