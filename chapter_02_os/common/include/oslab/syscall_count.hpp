// Counting the system calls of another process, exactly and cheaply: the kernel's
// raw_syscalls:sys_enter tracepoint fires once per system call entry of any thread; `perf stat`
// attached to the process (-p PID) counts it for every thread it has, and, since the counter is
// inherited, every thread it creates later. No stop per call as under strace (which slows the
// traced program down so much that an event loop's batching changes), so the count is the one of
// the program running at full speed.
//
//   oslab::SyscallCounter counter(server.pid());   // perf attached, counting disabled
//   counter.start();                               // ... the load ...
//   const std::uint64_t calls = counter.stop();
//
// perf starts with its event disabled (-D -1) and is switched on and off through its control
// FIFOs (--control fifo:CTL,ACK: "enable"/"disable", each answered by "ack"), so only the calls
// between start() and stop() are counted, not perf's own attaching nor the setup around it.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "oslab/child_process.hpp"
#include "oslab/unique_fd.hpp"

namespace oslab {

// Why system calls cannot be counted on this machine, in one line ("" when they can): perf not
// installed, the tracepoint not permitted (perf_event_paranoid, no access to tracefs), ... Runs
// `perf stat -e raw_syscalls:sys_enter -- true` once.
std::string syscall_counting_unavailable();

class SyscallCounter {
public:
    // Attaches perf to `pid`. Throws std::runtime_error with perf's reason if it cannot.
    explicit SyscallCounter(pid_t pid);
    ~SyscallCounter();
    SyscallCounter(const SyscallCounter&) = delete;
    SyscallCounter& operator=(const SyscallCounter&) = delete;

    void start();
    // Stops counting and perf; the system calls made between start() and stop().
    std::uint64_t stop();

private:
    void command(const char* what);  // writes it to the control FIFO, waits for perf's "ack"

    std::filesystem::path dir_;  // the FIFOs and perf's output file (removed by the destructor)
    UniqueFd control_, ack_;
    std::unique_ptr<ChildProcess> perf_;
};

}  // namespace oslab
