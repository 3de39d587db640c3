// lab05_echo_server and lab05_c10k as a user runs them. The echo program contract shared with
// Lab 4 (chapter_02_os/common/testing) runs once per row of the mode table; the cases below are
// Lab 5's own: the mode list, modes missing from this build, the C10K experiment.
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "echo_program_contract.hpp"
#include "oslab/child_process.hpp"
#include "oslab/echo_server_modes.hpp"

namespace oslab::testing {
namespace {

std::vector<EchoProgramCase> every_mode() {
    std::vector<EchoProgramCase> cases;
    for (const auto& mode : echo_modes()) {
        // A single-thread mode refuses --threads > 1; a multi-thread one refuses 0 threads.
        const std::vector<std::string> bad_threads{"--threads",
                                                   mode.default_threads > 0 ? "0" : "3"};
        cases.push_back({.name = mode.name,
                         .program = OSLAB_PROGRAM_ECHO_SERVER,
                         .args = {"--mode", mode.name},
                         .unavailable = mode.unavailable,
                         .good_flags = {},
                         .bad_flags = {bad_threads}});
    }
    return cases;
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(Lab05, EchoProgramContract, ::testing::ValuesIn(every_mode()));

}  // namespace oslab::testing

namespace {

using namespace std::chrono_literals;

std::size_t lines_in(const std::string& text) {
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

TEST(EchoServerProgram, UnknownModeIsOneLineListingTheModes) {
    const auto run = oslab::run_and_capture({OSLAB_PROGRAM_ECHO_SERVER, "--mode", "select"});
    EXPECT_NE(run.status, 0);
    EXPECT_EQ(lines_in(run.output), 1u) << run.output;
    for (const auto& mode : oslab::echo_modes())
        EXPECT_NE(run.output.find(mode.name), std::string::npos) << run.output;
}

TEST(EchoServerProgram, AModeNotInThisBuildSaysWhyInOneLine) {
    bool any = false;
    for (const auto& mode : oslab::echo_modes()) {
        if (mode.unavailable.empty()) continue;
        any = true;
        const auto run =
            oslab::run_and_capture({OSLAB_PROGRAM_ECHO_SERVER, "--mode", mode.name, "--port", "0"});
        EXPECT_NE(run.status, 0) << mode.name;
        EXPECT_EQ(lines_in(run.output), 1u) << run.output;
        EXPECT_NE(run.output.find(mode.unavailable), std::string::npos) << run.output;
    }
    if (!any) GTEST_SKIP() << "every mode is built here";
}

#if defined(__x86_64__)
constexpr std::uint32_t kAuditArch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
constexpr std::uint32_t kAuditArch = AUDIT_ARCH_AARCH64;
#else
constexpr std::uint32_t kAuditArch = 0;  // the seccomp case is skipped
#endif

// What Docker's default seccomp profile does to io_uring: io_uring_setup fails with EPERM. A
// filter of the same effect (seccomp(2), SECCOMP_SET_MODE_FILTER). Without the TSYNC flag a filter
// binds only the calling thread, and the processes that thread starts inherit it (across execve),
// so a helper thread installs it and starts the program: the test process stays unfiltered.
bool block_io_uring_setup_in_this_thread() {
    static sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kAuditArch, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    static sock_fprog program{sizeof filter / sizeof filter[0], filter};
    return ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
           ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &program) == 0;
}

// Where io_uring is blocked, --mode uring prints one line that says why and exits non-zero.
TEST(EchoServerProgram, uringBlockedBySeccompSaysWhyInOneLine) {
    if (kAuditArch == 0) GTEST_SKIP() << "no seccomp architecture constant for this CPU here";
    bool installed = false;
    oslab::CapturedRun run;
    std::thread([&] {
        installed = block_io_uring_setup_in_this_thread();
        if (installed) {
            run = oslab::run_and_capture(
                {OSLAB_PROGRAM_ECHO_SERVER, "--mode", "uring", "--port", "0"}, 30s);
        }
    }).join();
    if (!installed) GTEST_SKIP() << "this kernel refused to install a seccomp filter";
    EXPECT_NE(run.status, 0) << run.output;
    EXPECT_EQ(lines_in(run.output), 1u) << run.output;
#if OSLAB_HAVE_LIBURING
    EXPECT_NE(run.output.find("io_uring_setup: EPERM (blocked by a seccomp"), std::string::npos)
        << run.output;
#else
    EXPECT_NE(run.output.find("built without liburing"), std::string::npos) << run.output;
#endif
}

// A small C10K run: every connection is held and still echoes, the servers exit 0 on SIGTERM.
TEST(C10kProgram, SmallRunHoldsAndChecksEveryConnection) {
    const auto run =
        oslab::run_and_capture({OSLAB_PROGRAM_C10K, "--connections", "64", "--hold-seconds", "0.2",
                                "--servers", "asio,epoll-et", "--json"});
    const auto& out = run.output;
    EXPECT_EQ(run.status, 0) << out;
    for (const char* server : {"\"asio\"", "\"epoll-et\""}) {
        const auto at = out.find(std::string("\"server\": ") + server);
        ASSERT_NE(at, std::string::npos) << out;
        const auto row = out.substr(at, out.find('\n', at) - at);
        EXPECT_NE(row.find("\"echoed_at_end\": 64,"), std::string::npos) << row;
        EXPECT_NE(row.find("\"exit_status\": 0,"), std::string::npos) << row;
        EXPECT_NE(row.find("\"error\": \"\""), std::string::npos) << row;
    }
}

TEST(C10kProgram, RejectsUnknownServer) {
    const auto run = oslab::run_and_capture({OSLAB_PROGRAM_C10K, "--servers", "apache"});
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.output.find("unknown server"), std::string::npos) << run.output;
}

// lab05_echo_cost: a fixed number of messages per server, every one counted; CPU time and (where
// perf can count) system calls per message reported per server. A readiness server makes at
// least a read and a write per message (one message in flight per connection), so its count,
// when measured, is at least 2 per message.
TEST(EchoCostProgram, FixedCountRunReportsEveryServer) {
    const auto run =
        oslab::run_and_capture({OSLAB_PROGRAM_ECHO_COST, "--connections", "4", "--messages", "2000",
                                "--servers", "asio,epoll", "--json"});
    const auto& out = run.output;
    ASSERT_EQ(run.status, 0) << out;
    // The number after "key": in a row of the JSON (NaN for null or a missing key).
    const auto number = [](const std::string& row, const std::string& key) {
        const auto at = row.find("\"" + key + "\": ");
        if (at == std::string::npos || row.compare(at + key.size() + 4, 4, "null") == 0) {
            return std::nan("");
        }
        return std::stod(row.substr(at + key.size() + 4));
    };
    for (const std::string server : {"asio", "epoll"}) {
        const auto at = out.find("\"server\": \"" + server + "\"");
        ASSERT_NE(at, std::string::npos) << out;
        const auto row = out.substr(at, out.find('\n', at) - at);
        EXPECT_NE(row.find("\"error\": \"\""), std::string::npos) << row;
        // The run ends between two epoll rounds of the load: within one message per connection.
        EXPECT_GE(number(row, "messages"), 2000) << row;
        EXPECT_LT(number(row, "messages"), 2000 + 4) << row;
        EXPECT_GT(number(row, "cpu_us_per_msg"), 0) << row;
        const double calls = number(row, "syscalls_per_msg");
        if (server == "epoll" && !std::isnan(calls)) {
            EXPECT_GE(calls, 2.0) << "an epoll echo is at least a read and a write: " << row;
        }
    }
}

TEST(EchoCostProgram, RejectsUnknownServerAndBadCounts) {
    auto run = oslab::run_and_capture({OSLAB_PROGRAM_ECHO_COST, "--servers", "apache"});
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.output.find("unknown server"), std::string::npos) << run.output;
    run = oslab::run_and_capture({OSLAB_PROGRAM_ECHO_COST, "--connections", "0"});
    EXPECT_EQ(run.status, 2) << run.output;
    EXPECT_EQ(lines_in(run.output), 1u) << run.output;
}

}  // namespace
