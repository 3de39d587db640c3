// The echo servers as programs, for the experiments that measure each server from outside, in
// its own process (lab05_c10k, lab05_echo_cost): Lab 4's blocking server, then every compared row
// of the mode table (oslab/echo_server_modes.hpp), run as `lab05_echo_server --mode <name>`. A
// separate process, so /proc/<pid> and perf see the server alone, and the server's descriptors
// and the load's each count against their own RLIMIT_NOFILE.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "oslab/child_process.hpp"

namespace oslab {

struct EchoServerProgram {
    std::string name;     // "blocking", or a mode of the table
    std::string program;  // its file name in the bin directory, of this program's variant
    std::vector<std::string> args;
    std::string unavailable;  // a mode this build does not have: skipped with this reason
};

// "blocking" and the compared modes, in the table's order.
std::vector<std::string> echo_server_names();
// The names joined by spaces, for --help and error messages.
std::string echo_server_list();
// The server of that name, in this program's variant (lab05_c10k runs the reference servers,
// lab05_c10k_starter the student's); nullopt for an unknown name.
std::optional<EchoServerProgram> echo_server_program(const std::string& name);

// A started server: the child process and the port it listens on (--port 0: any free port).
struct StartedEchoServer {
    std::unique_ptr<ChildProcess> process;
    std::uint16_t port = 0;
};

// Why the server cannot be started from `bin` ("" when it can): its mode is not in this build,
// or its program is not built.
std::string echo_server_missing(const EchoServerProgram& server, const std::filesystem::path& bin);
// Starts it and waits (bounded) for its "listening on" line; throws on failure. Its standard error
// is kept in memory: first_stderr_line() tells why it exited.
StartedEchoServer start_echo_server(const EchoServerProgram& server,
                                    const std::filesystem::path& bin);
std::string first_stderr_line(ChildProcess& server);

// The bin directory of the running program (/proc/self/exe), where the servers are built.
std::filesystem::path this_program_directory();

}  // namespace oslab
