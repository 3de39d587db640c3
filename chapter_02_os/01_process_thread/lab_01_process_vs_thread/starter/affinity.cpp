// Lab 1, Step 3: the CPU affinity mask of the calling thread. The contract is in
// oslab/affinity.hpp; README.md, "Step 3: Pin a thread to a CPU", says what must hold.
#include "oslab/affinity.hpp"

#include <sched.h>

#include <stdexcept>
#include <string>

#include "oslab/not_implemented.hpp"
#include "oslab/sys_error.hpp"

namespace oslab {

std::vector<int> allowed_cpus() {
    // TODO(student): Step 3.
    // Contract: the CPUs the calling thread may run on, in increasing order; never empty.
    // Errors: a failing system call -> std::system_error naming it (check_syscall).
    // OS facts: sched_getaffinity(2) fills a cpu_set_t (CPU_SET(3): CPU_ZERO, CPU_ISSET,
    //   CPU_SETSIZE); pid 0 means the calling *thread*: in Linux each thread has its own mask.
    OSLAB_TODO("read the affinity mask with sched_getaffinity", "Step 3: Pin a thread to a CPU");
}

void set_affinity(std::span<const int> cpus) {
    // TODO(student): Step 3.
    // Contract: restricts the calling thread to exactly `cpus`.
    // Errors: empty, or a number outside [0, CPU_SETSIZE) -> std::invalid_argument, before any
    //   system call; a mask the kernel refuses (EINVAL: none of them exists or is allowed) ->
    //   std::system_error.
    // OS facts: sched_setaffinity(2); CPU_SET(3) on a number outside the set is undefined
    //   behaviour, so the range check is yours. The kernel migrates the thread at once.
    // Think: which invalid inputs can only the kernel detect, and which must you catch first?
    OSLAB_TODO("set the affinity mask with sched_setaffinity", "Step 3: Pin a thread to a CPU");
}

}  // namespace oslab
