// Lab 1, Step 3: the CPU affinity mask of the calling thread.
// Read README.md, "Step 3: Pin a thread to a CPU".
#include "oslab/affinity.hpp"

#include <sched.h>

#include <stdexcept>
#include <string>

#include "oslab/not_implemented.hpp"
#include "oslab/sys_error.hpp"

namespace oslab {

std::vector<int> allowed_cpus() {
    // TODO(student): a cpu_set_t, CPU_ZERO, then ::sched_getaffinity(0, sizeof set, &set)
    // (pid 0 = the calling thread), checked with oslab::check_syscall. Return every cpu in
    // [0, CPU_SETSIZE) for which CPU_ISSET is true, in increasing order.
    OSLAB_TODO("read the affinity mask with sched_getaffinity", "Step 3: Pin a thread to a CPU");
}

void set_affinity(std::span<const int> cpus) {
    // TODO(student): empty list -> std::invalid_argument. CPU_ZERO a cpu_set_t; for every cpu,
    // reject numbers outside [0, CPU_SETSIZE) with std::invalid_argument (CPU_SET outside the
    // set is undefined behaviour), CPU_SET the others. Then ::sched_setaffinity(0, ...), checked.
    OSLAB_TODO("set the affinity mask with sched_setaffinity", "Step 3: Pin a thread to a CPU");
}

}  // namespace oslab
