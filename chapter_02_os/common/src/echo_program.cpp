// The echo programs' "listening on HOST:PORT" line (see oslab/echo_program.hpp).
#include "oslab/echo_program.hpp"

#include <charconv>
#include <stdexcept>

namespace oslab {

std::optional<ListeningLine> parse_listening_line(std::string_view line) {
    constexpr std::string_view prefix = "listening on ";
    if (!line.starts_with(prefix)) return std::nullopt;
    line.remove_prefix(prefix.size());
    const auto colon = line.rfind(':');
    if (colon == std::string_view::npos || colon == 0) return std::nullopt;
    const auto digits = line.substr(colon + 1);
    unsigned port = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (error != std::errc{} || end != digits.data() + digits.size() || digits.empty() ||
        port == 0 || port > 65535) {
        return std::nullopt;
    }
    return ListeningLine{std::string(line.substr(0, colon)), static_cast<std::uint16_t>(port)};
}

std::uint16_t wait_until_listening(ChildProcess& program, std::chrono::milliseconds limit) {
    const auto line = program.read_line(limit);
    if (line) {
        if (const auto listening = parse_listening_line(*line)) return listening->port;
    }
    std::string what = !line ? "no 'listening on HOST:PORT' line in time"
                             : "unexpected first line '" + *line + "'";
    if (const auto status = program.wait(std::chrono::milliseconds(200))) {
        what += " (exit status " + std::to_string(*status) + ")";
    }
    std::string why = program.read_stderr();  // after the wait: all it wrote before exiting
    why = why.substr(0, why.find('\n'));
    throw std::runtime_error(why.empty() ? what : what + ": " + why);
}

}  // namespace oslab
