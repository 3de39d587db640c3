// oslab::ChildProcess and run_and_capture on small shell commands: bounded reads and waits, exit
// statuses, signals, and nothing left behind (no zombie, no descriptor).
#include "oslab/child_process.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <string>
#include <system_error>

#include "oslab/proc_status.hpp"

namespace {

using namespace std::chrono_literals;

// True when this process has no child left, neither running nor a zombie waiting to be reaped.
bool no_child_left() {
    errno = 0;
    return ::waitpid(-1, nullptr, WNOHANG) == -1 && errno == ECHILD;
}

oslab::ChildProcess shell(const std::string& script) {
    return oslab::ChildProcess({"/bin/sh", "-c", script});
}

TEST(ChildProcess, ReadsLinesAndTheExitStatus) {
    auto child = shell("echo first; echo second; echo oops >&2; exit 3");
    EXPECT_EQ(child.read_line(5s), std::optional<std::string>("first"));
    EXPECT_EQ(child.read_line(5s), std::optional<std::string>("second"));
    EXPECT_EQ(child.read_line(5s), std::nullopt) << "end of output";
    EXPECT_EQ(child.wait(5s), std::optional<int>(3));
    EXPECT_EQ(child.read_stderr(), "oops\n");
    EXPECT_TRUE(no_child_left());
}

TEST(ChildProcess, ReadAndWaitAreBounded) {
    auto child = shell("sleep 30");
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(child.read_line(100ms), std::nullopt);
    EXPECT_EQ(child.wait(100ms), std::nullopt) << "still running";
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
    child.signal(SIGTERM);
    EXPECT_EQ(child.wait(5s), std::optional<int>(128 + SIGTERM));
}

TEST(ChildProcess, StopEscalatesToSigkill) {
    auto child = shell("trap '' TERM; echo ready; sleep 30");
    ASSERT_EQ(child.read_line(5s), std::optional<std::string>("ready"));
    EXPECT_EQ(child.stop(200ms), 128 + SIGKILL) << "SIGTERM is ignored: SIGKILL must follow";
}

TEST(ChildProcess, DestructorKillsAndReapsAndClosesEverything) {
    const auto fds_before = oslab::count_open_fds();
    {
        auto child = shell("sleep 30");
        EXPECT_GT(oslab::count_open_fds(), fds_before) << "our ends of its stdout and stderr";
    }
    EXPECT_TRUE(no_child_left()) << "a zombie or a running child was left behind";
    EXPECT_EQ(oslab::count_open_fds(), fds_before);
}

TEST(ChildProcess, AMissingProgramThrowsNamingIt) {
    try {
        oslab::ChildProcess child({"/nonexistent/program"});
        FAIL() << "no such program";
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code().value(), ENOENT);
        EXPECT_NE(std::string(e.what()).find("/nonexistent/program"), std::string::npos);
    }
    EXPECT_TRUE(no_child_left());
}

TEST(ChildProcess, TheChildStartsWithDefaultSignals) {
    // Even when the parent ignores SIGPIPE, the child does not inherit that ("SigIgn" is a bit
    // mask of ignored signals in /proc/<pid>/status; SIGPIPE is bit 13).
    const auto old = ::signal(SIGPIPE, SIG_IGN);
    const auto run = oslab::run_and_capture({"/bin/sh", "-c", "grep SigIgn /proc/self/status"});
    ::signal(SIGPIPE, old);
    ASSERT_EQ(run.status, 0) << run.output;
    const auto mask = std::stoull(run.output.substr(run.output.find(':') + 1), nullptr, 16);
    EXPECT_EQ(mask & (1ull << (SIGPIPE - 1)), 0u) << run.output;
}

TEST(RunAndCapture, MergesOutputAndReportsTheStatus) {
    const auto run = oslab::run_and_capture({"/bin/sh", "-c", "echo out; echo err >&2; exit 7"});
    EXPECT_EQ(run.status, 7);
    EXPECT_EQ(run.output, "out\nerr\n");
    EXPECT_TRUE(no_child_left());
}

TEST(RunAndCapture, KillsWhatOutlivesTheLimit) {
    const auto run = oslab::run_and_capture({"/bin/sh", "-c", "sleep 30"}, 200ms);
    EXPECT_EQ(run.status, 128 + SIGKILL);
}

TEST(SiblingProgram, SameDirectoryAndTheStarterSuffix) {
    const auto self = std::filesystem::read_symlink("/proc/self/exe");
    EXPECT_EQ(oslab::sibling_program("lab04_echo_server", "solution"),
              self.parent_path() / "lab04_echo_server");
    EXPECT_EQ(oslab::sibling_program("lab04_echo_server", "starter"),
              self.parent_path() / "lab04_echo_server_starter");
}

}  // namespace
