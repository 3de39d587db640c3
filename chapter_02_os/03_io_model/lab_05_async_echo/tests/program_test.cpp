// lab05_echo_server and lab05_c10k as a user runs them: the output contract, the exit statuses.
// Every wait is bounded; a child left behind is killed by the Process destructor.
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "echo_conformance.hpp"
#include "oslab/coro_echo_server.hpp"
#include "oslab/unique_fd.hpp"
#include "oslab/uring_echo_server.hpp"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class Process {
public:
    // in_child, if given, runs in the child just before exec (async-signal-safe calls only).
    explicit Process(std::vector<std::string> args, void (*in_child)() = nullptr) {
        int out[2], err[2];
        if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0)
            throw std::runtime_error("pipe2");
        pid_ = ::fork();
        if (pid_ == 0) {
            ::dup2(out[1], STDOUT_FILENO);
            ::dup2(err[1], STDERR_FILENO);
            if (in_child != nullptr) in_child();
            std::vector<char*> argv;
            for (auto& a : args)
                argv.push_back(a.data());
            argv.push_back(nullptr);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        ::close(out[1]);
        ::close(err[1]);
        out_.reset(out[0]);
        err_.reset(err[0]);
    }
    ~Process() {
        if (!reaped_) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }

    // Reads `fd` until `stop(text)` holds, end of file, or the limit.
    static std::string read_until(int fd, std::chrono::milliseconds limit,
                                  bool (*stop)(const std::string&)) {
        std::string text;
        const auto deadline = Clock::now() + limit;
        while (!stop(text)) {
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
            if (left.count() <= 0) break;
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, int(left.count())) <= 0) continue;
            char buffer[4096];
            const ssize_t n = ::read(fd, buffer, sizeof buffer);
            if (n <= 0) break;
            text.append(buffer, std::size_t(n));
        }
        return text;
    }
    std::string first_line(std::chrono::milliseconds limit = 5s) {
        auto text = read_until(out_.get(), limit, [](const std::string& t) {
            return t.find('\n') != std::string::npos;
        });
        return text.substr(0, text.find('\n'));
    }
    std::string all_stdout(std::chrono::milliseconds limit) {
        return read_until(out_.get(), limit, [](const std::string&) { return false; });
    }
    std::string all_stderr(std::chrono::milliseconds limit = 5s) {
        return read_until(err_.get(), limit, [](const std::string&) { return false; });
    }
    // Exit status (or -signal), or -1000 if it did not exit within the limit.
    int wait(std::chrono::milliseconds limit = 10s) {
        const auto deadline = Clock::now() + limit;
        int status = 0;
        while (::waitpid(pid_, &status, WNOHANG) == 0) {
            if (Clock::now() > deadline) return -1000;
            std::this_thread::sleep_for(10ms);
        }
        reaped_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    }
    void signal(int sig) const { ::kill(pid_, sig); }

private:
    pid_t pid_ = -1;
    bool reaped_ = false;
    oslab::UniqueFd out_, err_;
};

std::uint16_t port_of(const std::string& line) {
    std::smatch m;
    static const std::regex pattern(R"(^listening on 127\.0\.0\.1:(\d+)$)");
    if (!std::regex_match(line, m, pattern)) return 0;
    return static_cast<std::uint16_t>(std::stoi(m[1]));
}

void serves_and_stops(std::vector<std::string> mode_args, int sig) {
    std::vector<std::string> args{OSLAB_PROGRAM_ECHO_SERVER, "--port", "0"};
    args.insert(args.end(), mode_args.begin(), mode_args.end());
    Process server(args);
    const auto line = server.first_line();
    const auto port = port_of(line);
    ASSERT_NE(port, 0) << "first line was '" << line << "', stderr: " << server.all_stderr(500ms);
    {
        oslab::testing::TestClient client(port);
        EXPECT_EQ(client.echo("program echo"), "program echo");
        server.signal(sig);  // with a client still connected
        EXPECT_EQ(server.wait(), 0) << "no clean exit 0 after signal " << sig;
    }
}

TEST(EchoServerProgram, EpollListensEchoesAndExitsOnSigterm) {
    serves_and_stops({"--mode", "epoll"}, SIGTERM);
}
TEST(EchoServerProgram, AsioExitsOnSigint) {
    serves_and_stops({"--mode", "asio"}, SIGINT);
}
TEST(EchoServerProgram, EpollEdgeTriggered) {
    serves_and_stops({"--mode", "epoll-et"}, SIGTERM);
}
TEST(EchoServerProgram, AsioFourThreads) {
    serves_and_stops({"--mode", "asio", "--threads", "4"}, SIGTERM);
}
TEST(EchoServerProgram, AsioPool) {
    serves_and_stops({"--mode", "asio-pool", "--threads", "2"}, SIGTERM);
}
TEST(EchoServerProgram, AsioNaive) {
    serves_and_stops({"--mode", "asio-naive"}, SIGTERM);
}
TEST(EchoServerProgram, uringListensEchoesAndExitsOnSigterm) {
    if (const auto probe = oslab::probe_io_uring(); !probe.ok) GTEST_SKIP() << probe.reason;
    serves_and_stops({"--mode", "uring"}, SIGTERM);
}

#if defined(__x86_64__)
constexpr std::uint32_t kAuditArch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
constexpr std::uint32_t kAuditArch = AUDIT_ARCH_AARCH64;
#else
constexpr std::uint32_t kAuditArch = 0;  // the seccomp case is skipped
#endif

// What Docker's default seccomp profile does to io_uring: io_uring_setup fails with EPERM. A
// filter of the same effect, installed in the child before exec (filters survive execve).
// Exits 99 if this kernel does not let us install one.
void block_io_uring_setup_like_docker() {
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
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &program) != 0) {
        ::_exit(99);
    }
}

// Where io_uring is blocked, --mode uring prints one line that says why and exits non-zero.
TEST(EchoServerProgram, uringBlockedBySeccompSaysWhyInOneLine) {
    if (kAuditArch == 0) GTEST_SKIP() << "no seccomp architecture constant for this CPU here";
    Process p({OSLAB_PROGRAM_ECHO_SERVER, "--mode", "uring", "--port", "0"},
              block_io_uring_setup_like_docker);
    const int status = p.wait();
    if (status == 99) GTEST_SKIP() << "this kernel refused to install a seccomp filter";
    const auto err = p.all_stderr(1s);
    EXPECT_NE(status, 0);
    EXPECT_NE(status, -1000) << "did not exit";
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << "stderr: " << err;
#if OSLAB_HAVE_LIBURING
    EXPECT_NE(err.find("io_uring unavailable: io_uring_setup: EPERM (blocked by a seccomp"),
              std::string::npos)
        << err;
#else
    EXPECT_NE(err.find("built without liburing"), std::string::npos) << err;
#endif
    EXPECT_EQ(p.all_stdout(200ms), "");
}

TEST(EchoServerProgram, Coroutines) {
    if (!oslab::CoroEchoServer::coroutines_supported()) GTEST_SKIP() << "no Asio coroutines here";
    serves_and_stops({"--mode", "coro"}, SIGTERM);
}

// Bad input: one line on stderr, nothing on stdout, a non-zero exit.
void rejects(std::vector<std::string> extra) {
    std::vector<std::string> args{OSLAB_PROGRAM_ECHO_SERVER};
    args.insert(args.end(), extra.begin(), extra.end());
    Process p(args);
    const int status = p.wait();
    const auto err = p.all_stderr(1s);
    EXPECT_NE(status, 0);
    EXPECT_NE(status, -1000) << "did not exit";
    EXPECT_FALSE(err.empty());
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << "stderr: " << err;
    EXPECT_EQ(p.all_stdout(200ms), "");
}

TEST(EchoServerProgram, RejectsBadInput) {
    rejects({"--mode", "select"});
    rejects({"--port", "70000"});
    rejects({"--mode", "epoll", "--threads", "3"});
    rejects({"--mode", "uring", "--threads", "2"});
    rejects({"--no-such-flag"});
    rejects({"--host", "not-an-address", "--port", "0"});
}

TEST(EchoServerProgram, PortInUseIsAnError) {
    Process first({OSLAB_PROGRAM_ECHO_SERVER, "--mode", "epoll", "--port", "0"});
    const auto port = port_of(first.first_line());
    ASSERT_NE(port, 0);
    for (const char* mode : {"epoll", "asio"}) {
        rejects({"--mode", mode, "--port", std::to_string(port)});
    }
    first.signal(SIGTERM);
    EXPECT_EQ(first.wait(), 0);
}

// A small C10K run: every connection is held and still echoes, the servers exit 0 on SIGTERM.
TEST(C10kProgram, SmallRunHoldsAndChecksEveryConnection) {
    Process run({OSLAB_PROGRAM_C10K, "--connections", "64", "--hold-seconds", "0.2", "--servers",
                 "asio,epoll-et", "--json"});
    const auto out = run.all_stdout(60s);
    EXPECT_EQ(run.wait(), 0) << out;
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
    Process run({OSLAB_PROGRAM_C10K, "--servers", "apache"});
    EXPECT_EQ(run.wait(), 2);
    EXPECT_NE(run.all_stderr().find("unknown server"), std::string::npos);
}

}  // namespace

namespace {

// The load variant of the experiment: a short closed-loop run, server CPU per message reported.
TEST(C10kProgram, LoadRunReportsEveryServer) {
    Process run({OSLAB_PROGRAM_C10K, "--load-bytes", "64", "--connections", "4", "--load-seconds",
                 "0.2", "--servers", "asio,epoll"});
    const auto out = run.all_stdout(60s);
    EXPECT_EQ(run.wait(), 0) << out;
    EXPECT_NE(out.find("\nasio "), std::string::npos) << out;
    EXPECT_NE(out.find("\nepoll "), std::string::npos) << out;
    EXPECT_EQ(out.find("skipped"), std::string::npos) << out;
}

}  // namespace
