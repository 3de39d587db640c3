// The lab04_echo_server program (this variant's build, OSLAB_PROGRAM_ECHO_SERVER): its first line,
// its errors, and its clean exit on SIGTERM/SIGINT.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "echo_conformance.hpp"
#include "oslab/net.hpp"

namespace {

using namespace std::chrono_literals;

// The program running as a child process, its stdout and stderr on pipes.
class Program {
public:
    explicit Program(std::vector<std::string> args) {
        int out[2], err[2];
        if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0)
            throw std::runtime_error("pipe2");
        args.insert(args.begin(), OSLAB_PROGRAM_ECHO_SERVER);
        std::vector<char*> argv;
        for (auto& arg : args)
            argv.push_back(arg.data());
        argv.push_back(nullptr);
        pid_ = ::fork();
        if (pid_ == 0) {  // child: only async-signal-safe calls until exec
            ::dup2(out[1], STDOUT_FILENO);
            ::dup2(err[1], STDERR_FILENO);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        ::close(out[1]);
        ::close(err[1]);
        out_.reset(out[0]);
        err_.reset(err[0]);
        if (pid_ == -1) throw std::runtime_error("fork");
    }
    ~Program() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }

    // One line of standard output, or nullopt after `limit`.
    std::optional<std::string> read_line(std::chrono::milliseconds limit = 20s) {
        std::string line;
        const auto deadline = std::chrono::steady_clock::now() + limit;
        for (;;) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            pollfd waiting{out_.get(), POLLIN, 0};
            if (left.count() <= 0 || ::poll(&waiting, 1, static_cast<int>(left.count())) <= 0) {
                return std::nullopt;
            }
            char c = 0;
            if (::read(out_.get(), &c, 1) != 1) return std::nullopt;
            if (c == '\n') return line;
            line.push_back(c);
        }
    }

    // Everything on standard error until the program closes it (it exits), bounded.
    std::string read_stderr(std::chrono::milliseconds limit = 20s) {
        std::string text;
        const auto deadline = std::chrono::steady_clock::now() + limit;
        char buffer[512];
        for (;;) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            pollfd waiting{err_.get(), POLLIN, 0};
            if (left.count() <= 0 || ::poll(&waiting, 1, static_cast<int>(left.count())) <= 0) {
                return text;
            }
            const auto n = ::read(err_.get(), buffer, sizeof buffer);
            if (n <= 0) return text;
            text.append(buffer, static_cast<std::size_t>(n));
        }
    }

    // The exit status (WEXITSTATUS), -1 on a signal death, nullopt if still running after limit.
    std::optional<int> wait(std::chrono::milliseconds limit = 20s) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            int status = 0;
            const pid_t done = ::waitpid(pid_, &status, WNOHANG);
            if (done == pid_) {
                pid_ = -1;
                return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            }
            std::this_thread::sleep_for(10ms);
        }
        return std::nullopt;
    }

    void signal(int number) { ::kill(pid_, number); }

private:
    pid_t pid_ = -1;
    oslab::UniqueFd out_, err_;
};

std::uint16_t port_of(const std::string& line) {
    std::smatch match;
    static const std::regex pattern(R"(^listening on 127\.0\.0\.1:(\d+)$)");
    if (!std::regex_match(line, match, pattern)) return 0;
    return static_cast<std::uint16_t>(std::stoi(match[1]));
}

void serves_then_exits_on(int signal_number) {
    Program program({"--port", "0", "--log-level", "error"});
    const auto line = program.read_line();
    ASSERT_TRUE(line.has_value()) << "no first line on standard output; stderr: "
                                  << program.read_stderr(2s);
    const auto port = port_of(*line);
    ASSERT_NE(port, 0) << "first line must be exactly 'listening on HOST:PORT', got: " << *line;
    {
        oslab::testing::TestClient client(port);
        EXPECT_EQ(client.echo("program"), "program");
        program.signal(signal_number);
        EXPECT_EQ(client.read_once(), oslab::testing::TestClient::Outcome::closed);
    }
    const auto status = program.wait();
    ASSERT_TRUE(status.has_value()) << "still running after the signal";
    EXPECT_EQ(*status, 0) << program.read_stderr(1s);
}

TEST(EchoServerProgram, FirstLineThenCleanExitOnSigterm) {
    serves_then_exits_on(SIGTERM);
}

TEST(EchoServerProgram, CleanExitOnSigint) {
    serves_then_exits_on(SIGINT);
}

TEST(EchoServerProgram, PortInUseIsAOneLineErrorAndNonZeroExit) {
    Program first({"--port", "0", "--log-level", "error"});
    const auto line = first.read_line();
    ASSERT_TRUE(line.has_value()) << "no first line on standard output; stderr: "
                                  << first.read_stderr(2s);
    const auto port = port_of(*line);
    ASSERT_NE(port, 0) << *line;

    Program second({"--port", std::to_string(port)});
    const auto status = second.wait();
    ASSERT_TRUE(status.has_value());
    EXPECT_NE(*status, 0);
    const auto message = second.read_stderr();
    EXPECT_NE(message.find("in use"), std::string::npos) << message;
    EXPECT_EQ(std::count(message.begin(), message.end(), '\n'), 1) << message;
}

TEST(EchoServerProgram, BadFlagIsAOneLineErrorAndNonZeroExit) {
    {  // With good flags the same program starts (so the exits below are about the flags).
        Program good({"--port", "0", "--max-connections", "10", "--idle-timeout", "2.5",
                      "--log-level", "debug"});
        const auto line = good.read_line();
        ASSERT_TRUE(line.has_value())
            << "no first line with good flags; stderr: " << good.read_stderr(2s);
        ASSERT_NE(port_of(*line), 0) << *line;
        good.signal(SIGTERM);
        ASSERT_EQ(good.wait(), std::optional<int>(0));
    }
    for (const auto& args : std::vector<std::vector<std::string>>{{"--port", "not-a-number"},
                                                                  {"--frobnicate"},
                                                                  {"--log-level", "loud"},
                                                                  {"--idle-timeout", "-1"}}) {
        Program program(args);
        const auto status = program.wait();
        ASSERT_TRUE(status.has_value()) << args[0];
        EXPECT_NE(*status, 0) << args[0];
        const auto message = program.read_stderr();
        EXPECT_EQ(std::count(message.begin(), message.end(), '\n'), 1) << message;
    }
}

}  // namespace
