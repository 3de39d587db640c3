// The echo server programs' output contract (lab04_echo_server, lab05_echo_server): the first
// line of standard output is exactly "listening on HOST:PORT" (the real port with --port 0),
// flushed at once, so a script or a test knows when and where to connect.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "oslab/child_process.hpp"

namespace oslab {

struct ListeningLine {
    std::string host;
    std::uint16_t port = 0;
};

// "listening on 127.0.0.1:7007" -> {"127.0.0.1", 7007}; nullopt for any other line.
std::optional<ListeningLine> parse_listening_line(std::string_view line);

// Reads the first line of a started echo program (bounded) and returns its port. Throws
// std::runtime_error saying what came instead (nothing, an exit, another line), with the first
// line of its standard error when that says why.
std::uint16_t wait_until_listening(ChildProcess& program, std::chrono::milliseconds limit);

}  // namespace oslab
