// Test-side helpers for Lab 1 (not part of the contract).
#pragma once

#include <sys/resource.h>
#include <sys/wait.h>

#include <cerrno>
#include <string>
#include <vector>

#include "oslab/child_process.hpp"

namespace lab01_test {

// True when this process has no child at all, neither running nor a zombie waiting to be reaped:
// waitpid(-1, WNOHANG) then fails with ECHILD.
inline bool no_child_left() {
    int status = 0;
    errno = 0;
    return ::waitpid(-1, &status, WNOHANG) == -1 && errno == ECHILD;
}

struct CommandResult {
    int exit_code = -1;  // exit status (128 + N after signal N)
    std::string output;  // stdout and stderr together
};

// Runs a program to its end (oslab::run_and_capture: posix_spawn, no shell), capturing its output.
// The child is reaped, so no_child_left() holds afterwards.
inline CommandResult run_command(const std::vector<std::string>& argv) {
    const auto run = oslab::run_and_capture(argv);
    return {run.status, run.output};
}

// The same for a shell command line (for shell features: `command -v`, VAR=value prefixes).
inline CommandResult run_shell(const std::string& command) {
    return run_command({"/bin/sh", "-c", command});
}

// Voluntary context switches: of this whole process (every thread, dead ones included), plus its
// reaped children if `with_children`.
inline long voluntary_switches(bool with_children = false) {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    long total = usage.ru_nvcsw;
    if (with_children) {
        ::getrusage(RUSAGE_CHILDREN, &usage);
        total += usage.ru_nvcsw;
    }
    return total;
}

// Voluntary context switches of the calling thread alone.
inline long thread_voluntary_switches() {
    rusage usage{};
    ::getrusage(RUSAGE_THREAD, &usage);
    return usage.ru_nvcsw;
}

}  // namespace lab01_test
