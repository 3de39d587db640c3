// The echo program contract (see echo_program_contract.hpp). Every case starts the program as a
// child process (oslab::ChildProcess): every read and wait is bounded, and a program left running
// by a failed assertion is killed and reaped when the case ends.
#include "echo_program_contract.hpp"

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <optional>

#include "echo_conformance.hpp"
#include "oslab/child_process.hpp"
#include "oslab/echo_program.hpp"

namespace oslab::testing {
namespace {

using namespace std::chrono_literals;

// Generous: a program built with sanitizers on a busy 2-core machine starts slowly.
constexpr auto kLimit = 20s;

// The program with this case's own arguments first, then `extra`.
ChildProcess start_program(const std::vector<std::string>& extra) {
    const auto& param = EchoProgramContract::GetParam();
    std::vector<std::string> argv{param.program};
    argv.insert(argv.end(), param.args.begin(), param.args.end());
    argv.insert(argv.end(), extra.begin(), extra.end());
    return ChildProcess(argv);
}

// The port of a first line "listening on 127.0.0.1:PORT", 0 for any other line (or none).
std::uint16_t listening_port(ChildProcess& program) {
    const auto line = program.read_line(kLimit);
    if (!line) {
        ADD_FAILURE() << "no first line on standard output; standard error: "
                      << program.read_stderr();
        return 0;
    }
    const auto listening = parse_listening_line(*line);
    if (!listening || listening->host != "127.0.0.1") {
        ADD_FAILURE() << "the first line must be exactly 'listening on 127.0.0.1:PORT', got: '"
                      << *line << "'";
        return 0;
    }
    return listening->port;
}

std::string joined(const std::vector<std::string>& args) {
    std::string text;
    for (const auto& arg : args)
        text += (text.empty() ? "" : " ") + arg;
    return text;
}

std::size_t lines_in(const std::string& text) {
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// Serves one client, then gets `signal_number` with that client still connected: the client is
// closed and the program exits 0.
void serves_then_exits_cleanly_on(int signal_number) {
    auto program = start_program({"--port", "0"});
    const auto port = listening_port(program);
    ASSERT_NE(port, 0);
    {
        TestClient client(port);
        EXPECT_EQ(client.echo("program"), "program");
        program.signal(signal_number);
        EXPECT_EQ(client.read_once(), TestClient::Outcome::closed)
            << "the client was not closed after signal " << signal_number;
    }
    const auto status = program.wait(kLimit);
    ASSERT_TRUE(status.has_value())
        << "still running " << kLimit.count() << " s after signal " << signal_number;
    EXPECT_EQ(*status, 0) << "standard error: " << program.read_stderr();
}

}  // namespace

TEST_P(EchoProgramContract, FirstLineThenCleanExitOnSigterm) {
    serves_then_exits_cleanly_on(SIGTERM);
}

TEST_P(EchoProgramContract, CleanExitOnSigint) {
    serves_then_exits_cleanly_on(SIGINT);
}

TEST_P(EchoProgramContract, BadFlagIsAOneLineErrorAndNonZeroExit) {
    {  // With good flags the same program starts (so the exits below are about the flags).
        std::vector<std::string> good{"--port",         "0",  "--max-connections", "10",
                                      "--idle-timeout", "2.5"};
        good.insert(good.end(), GetParam().good_flags.begin(), GetParam().good_flags.end());
        auto program = start_program(good);
        ASSERT_NE(listening_port(program), 0) << "with good flags: " << joined(good);
        program.signal(SIGTERM);
        ASSERT_EQ(program.wait(kLimit), std::optional<int>(0));
    }
    std::vector<std::vector<std::string>> bad{{"--port", "not-a-number"},
                                              {"--port", "70000"},
                                              {"--frobnicate"},
                                              {"--idle-timeout", "-1"},
                                              {"--host", "not-an-address", "--port", "0"}};
    bad.insert(bad.end(), GetParam().bad_flags.begin(), GetParam().bad_flags.end());
    for (const auto& flags : bad) {
        SCOPED_TRACE(joined(flags));
        auto program = start_program(flags);
        const auto status = program.wait(kLimit);
        ASSERT_TRUE(status.has_value()) << "did not exit";
        EXPECT_NE(*status, 0);
        const auto message = program.read_stderr();
        EXPECT_EQ(lines_in(message), 1u) << "standard error: " << message;
        EXPECT_EQ(program.read_stdout(1s), "") << "nothing on standard output on bad input";
    }
}

TEST_P(EchoProgramContract, PortInUseIsAOneLineErrorAndNonZeroExit) {
    auto first = start_program({"--port", "0"});
    const auto port = listening_port(first);
    ASSERT_NE(port, 0);

    auto second = start_program({"--port", std::to_string(port)});
    const auto status = second.wait(kLimit);
    ASSERT_TRUE(status.has_value()) << "the second program did not exit";
    EXPECT_NE(*status, 0);
    const auto message = second.read_stderr();
    EXPECT_NE(message.find("in use"), std::string::npos) << message;
    EXPECT_EQ(lines_in(message), 1u) << message;

    first.signal(SIGTERM);
    EXPECT_EQ(first.wait(kLimit), std::optional<int>(0));
}

}  // namespace oslab::testing
