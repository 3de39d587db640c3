// Test-side helpers for Lab 1 (not part of the contract).
#pragma once

#include <sys/resource.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstdio>
#include <string>

namespace lab01_test {

// True when this process has no child at all, neither running nor a zombie waiting to be reaped:
// waitpid(-1, WNOHANG) then fails with ECHILD.
inline bool no_child_left() {
    int status = 0;
    errno = 0;
    return ::waitpid(-1, &status, WNOHANG) == -1 && errno == ECHILD;
}

struct CommandResult {
    int exit_code = -1;  // -1 if it did not exit normally
    std::string output;  // stdout and stderr together
};

// Runs a shell command, capturing its output.
inline CommandResult run_command(const std::string& command) {
    CommandResult result;
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr) return result;
    char buffer[4096];
    std::size_t got = 0;
    while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0)
        result.output.append(buffer, got);
    const int status = ::pclose(pipe);
    if (status != -1 && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    return result;
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
