// Another program run as a child process: started with posix_spawn, its standard output and error
// on pipes or in memory, every read and every wait bounded by a deadline, and always reaped.
//
//   oslab::ChildProcess server({"/path/to/lab04_echo_server", "--port", "0"});
//   auto line = server.read_line(5s);       // "listening on 127.0.0.1:41234", or nullopt
//   server.signal(SIGTERM);
//   auto status = server.wait(10s);         // 0, or nullopt if still running after 10 s
//
// A child that has exited stays a zombie (an entry in the kernel's process table holding its exit
// status) until its parent reaps it with wait4/waitpid. The destructor reaps it, killing it first
// (SIGKILL) if it still runs: no zombie, no descriptor left behind, even when a test fails halfway.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oslab/unique_fd.hpp"

namespace oslab {

// Where a child's standard output or standard error goes.
enum class Output {
    inherit,         // the parent's own (the terminal): nothing to read back
    pipe,            // a pipe the parent reads with a deadline. The child blocks in write() once
                     // the pipe buffer (64 KiB) is full and nobody reads: for short outputs
    memory,          // an in-memory file (memfd_create): never blocks the child; read any time
    same_as_stdout,  // standard error only: wherever standard output goes (the shell's 2>&1)
};

struct ChildOptions {
    Output out = Output::pipe;
    Output err = Output::memory;
};

class ChildProcess {
public:
    // Starts argv[0] (a path; $PATH is not searched) with these arguments and our environment.
    // Throws std::system_error naming the program when it cannot be started (no such file...).
    explicit ChildProcess(const std::vector<std::string>& argv, ChildOptions options = {});
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    pid_t pid() const { return pid_; }

    // The next line of standard output, without its '\n'; nullopt if the deadline passes or the
    // output ends first. Needs Output::pipe.
    std::optional<std::string> read_line(std::chrono::milliseconds limit);
    // The rest of standard output, until the child closes it (it exits) or the deadline passes.
    // With Output::memory: everything written so far (no waiting).
    std::string read_stdout(std::chrono::milliseconds limit);
    // The same for standard error.
    std::string read_stderr(std::chrono::milliseconds limit = {});

    // Waits (bounded) for the child to exit and reaps it. Returns its exit status (0-255), or
    // 128 + N when signal N ended it (the shell's $? convention); nullopt if it still runs at the
    // deadline. Once reaped, returns the same status again at once.
    std::optional<int> wait(std::chrono::milliseconds limit);
    // Sends a signal (kill(2)); does nothing once reaped, as the pid may belong to another process.
    void signal(int number) const;
    // SIGTERM, up to `grace` for a clean exit, then SIGKILL. Returns the status as wait() does.
    int stop(std::chrono::milliseconds grace);
    // What the kernel counted for the child (wait4): CPU time, page faults, peak RSS, context
    // switches. All zeros until it has been reaped.
    const rusage& usage() const { return usage_; }

private:
    std::string read_stream(int fd, bool in_memory, std::chrono::milliseconds limit);

    pid_t pid_ = -1;
    std::optional<int> status_;  // set once reaped
    rusage usage_{};
    UniqueFd out_, err_;  // our ends: a pipe's read end or the memfd (invalid for inherit)
    bool out_in_memory_ = false, err_in_memory_ = false;
    std::string pending_;  // bytes of standard output read beyond the last line returned
};

// The output (standard output and error together, as a terminal shows them) and the exit status
// of a program run to completion: popen() without a shell, so no quoting pitfalls. A program
// still running after `limit` is killed (status 128 + SIGKILL).
struct CapturedRun {
    int status = -1;
    std::string output;
    rusage usage{};
};
CapturedRun run_and_capture(const std::vector<std::string>& argv,
                            std::chrono::milliseconds limit = std::chrono::seconds(60));

// Where an executable is: a path with a slash is taken as is; a bare name is searched in $PATH
// (as execvp would). nullopt when there is no such executable.
std::optional<std::string> find_executable(const std::string& name);

// A lab program in the same bin directory as the running executable, of the same variant: the
// course names programs <lab>_<program> for the reference and <lab>_<program>_starter for the
// student's build. sibling_program("lab04_echo_server", OSLAB_VARIANT).
std::filesystem::path sibling_program(std::string_view program, std::string_view variant);

}  // namespace oslab
