// Command-line parsing for the course's programs (CLI11, header-only), one convention everywhere:
// --help prints the help and exits 0; a bad flag is ONE line on standard error,
// "<program>: <what is wrong> (see --help)", and exit status 2.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>

#include "oslab/net.hpp"

namespace oslab {

// Parses argv into app. nullopt: go on; a value: return it from main at once.
//   if (const auto status = oslab::parse_flags(app, argc, argv, "lab04_echo_server")) return
//   *status;
inline std::optional<int> parse_flags(CLI::App& app, int argc, char** argv, const char* program) {
    try {
        app.parse(argc, argv);
        return std::nullopt;
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::fprintf(stderr, "%s: %s (see --help)\n", program, e.what());
        return 2;
    }
}

// Text made safe inside a JSON string ("..."), for the programs' --json output: quotes and
// backslashes escaped, control characters (a newline in an error message) dropped.
inline std::string json_escape(const std::string& text) {
    std::string out;
    for (const char ch : text) {
        if (ch == '"' || ch == '\\') out += '\\';
        if (static_cast<unsigned char>(ch) >= 0x20) out += ch;
    }
    return out;
}

// A CLI11 check that the value is an IPv4 address (oslab::ipv4_address, the course's one parser).
inline CLI::Validator ipv4_check() {
    return CLI::Validator(
        [](std::string& host) {
            try {
                (void)ipv4_address(host, 0);
                return std::string();
            } catch (const std::invalid_argument& e) {
                return std::string(e.what());
            }
        },
        "IPv4", "IPv4 address");
}

}  // namespace oslab
