// Reference: reading and setting the CPU affinity mask of the calling thread.
#include "oslab/affinity.hpp"

#include <sched.h>

#include <stdexcept>
#include <string>

#include "oslab/sys_error.hpp"

namespace oslab {

std::vector<int> allowed_cpus() {
    // pid 0 = the calling thread. (In the kernel every thread is a task with its own mask; the
    // "pid" these calls take is really a thread id.)
    cpu_set_t set;
    CPU_ZERO(&set);
    check_syscall(::sched_getaffinity(0, sizeof set, &set), "sched_getaffinity");
    std::vector<int> cpus;
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
        if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
    }
    return cpus;
}

void set_affinity(std::span<const int> cpus) {
    if (cpus.empty()) throw std::invalid_argument("set_affinity: empty CPU list");
    cpu_set_t set;
    CPU_ZERO(&set);
    for (const int cpu : cpus) {
        // CPU_SET with a number outside the set is undefined behaviour: check first.
        if (cpu < 0 || cpu >= CPU_SETSIZE) {
            throw std::invalid_argument("set_affinity: no such CPU number " + std::to_string(cpu));
        }
        CPU_SET(cpu, &set);
    }
    // The kernel refuses (EINVAL) a mask with no online CPU the thread is allowed to use (cgroup
    // cpusets, taskset of the parent). If the thread runs on a CPU outside the new mask, it is
    // migrated before this call returns.
    check_syscall(::sched_setaffinity(0, sizeof set, &set), "sched_setaffinity");
}

}  // namespace oslab
