// The echo servers as child processes, for lab05_c10k and lab05_echo_cost (see
// oslab/echo_server_programs.hpp).
#include "oslab/echo_server_programs.hpp"

#include "oslab/echo_program.hpp"
#include "oslab/echo_server_modes.hpp"

namespace oslab {
namespace {

const std::string kBlocking = "blocking";  // Lab 4's server: not a row of Lab 5's table

std::string variant_program(const char* program) {
    return sibling_program(program, OSLAB_VARIANT).filename().string();
}

}  // namespace

std::vector<std::string> echo_server_names() {
    std::vector<std::string> names{kBlocking};
    for (const auto& mode : echo_modes()) {
        if (mode.compared) names.push_back(mode.name);
    }
    return names;
}

std::string echo_server_list() {
    std::string list;
    for (const auto& name : echo_server_names())
        list += (list.empty() ? "" : " ") + name;
    return list;
}

std::optional<EchoServerProgram> echo_server_program(const std::string& name) {
    if (name == kBlocking)
        return EchoServerProgram{name, variant_program("lab04_echo_server"), {}, ""};
    for (const auto& mode : echo_modes()) {
        if (mode.name == name) {  // the mode's default thread count (--threads not given)
            return EchoServerProgram{
                name, variant_program("lab05_echo_server"), {"--mode", name}, mode.unavailable};
        }
    }
    return std::nullopt;
}

std::string echo_server_missing(const EchoServerProgram& server, const std::filesystem::path& bin) {
    if (!server.unavailable.empty()) return "not in this build: " + server.unavailable;
    if (!std::filesystem::exists(bin / server.program)) {
        return server.program + " not built (configure with its lab too)";
    }
    return "";
}

StartedEchoServer start_echo_server(const EchoServerProgram& server,
                                    const std::filesystem::path& bin) {
    std::vector<std::string> argv{(bin / server.program).string()};
    argv.insert(argv.end(), server.args.begin(), server.args.end());
    argv.insert(argv.end(), {"--port", "0"});
    StartedEchoServer started;
    started.process = std::make_unique<ChildProcess>(argv);
    started.port = wait_until_listening(*started.process, std::chrono::seconds(5));
    return started;
}

std::string first_stderr_line(ChildProcess& server) {
    const auto text = server.read_stderr();
    return text.substr(0, text.find('\n'));
}

std::filesystem::path this_program_directory() {
    return std::filesystem::read_symlink("/proc/self/exe").parent_path();
}

}  // namespace oslab
