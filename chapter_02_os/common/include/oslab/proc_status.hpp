// What the kernel tells about a process through the /proc file system. /proc is not on disk: every
// read of /proc/<pid>/status is answered by the kernel from the live task structures.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string_view>

namespace oslab {

// Selected fields of /proc/<pid>/status (see `man 5 proc`).
struct ProcStatus {
    std::size_t threads = 0;                     // "Threads:" tasks in the thread group
    std::size_t vm_rss_kib = 0;                  // "VmRSS:" resident memory now
    std::size_t vm_hwm_kib = 0;                  // "VmHWM:" peak resident memory
    std::size_t voluntary_ctxt_switches = 0;     // gave up the CPU (blocked: read, lock, sleep)
    std::size_t nonvoluntary_ctxt_switches = 0;  // preempted by the scheduler (time slice over)
};

// Parses the text of a status file. Fields missing from the text stay 0; a field whose value is
// not a number throws std::runtime_error naming the field.
ProcStatus parse_proc_status(std::string_view text);

// Reads /proc/<pid>/status; pid 0 means this process (/proc/self). Throws std::system_error when
// the file cannot be opened (no such process).
ProcStatus read_proc_status(pid_t pid = 0);

// Number of entries in /proc/<pid>/task: one per thread of the process.
std::size_t count_tasks(pid_t pid = 0);

// Number of entries in /proc/<pid>/fd: the open file descriptors (a leak check for tests).
std::size_t count_open_fds(pid_t pid = 0);

}  // namespace oslab
