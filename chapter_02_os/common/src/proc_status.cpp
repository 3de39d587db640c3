#include "oslab/proc_status.hpp"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>

namespace oslab {
namespace {

std::filesystem::path proc_dir(pid_t pid) {
    return pid == 0 ? std::filesystem::path("/proc/self")
                    : std::filesystem::path("/proc") / std::to_string(pid);
}

// "VmRSS:\t    1234 kB" -> 1234
std::size_t parse_number(std::string_view field, std::string_view value) {
    const auto first = value.find_first_not_of(" \t");
    if (first == std::string_view::npos) {
        throw std::runtime_error("/proc status: empty value for " + std::string(field));
    }
    value.remove_prefix(first);
    std::size_t number = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (error != std::errc{} || end == value.data()) {
        throw std::runtime_error("/proc status: not a number for " + std::string(field) + ": '" +
                                 std::string(value) + "'");
    }
    return number;
}

std::size_t count_entries(const std::filesystem::path& dir) {
    std::error_code error;
    std::filesystem::directory_iterator it(dir, error);
    if (error) throw std::system_error(error, "opendir " + dir.string());
    std::size_t count = 0;
    for (; it != std::filesystem::directory_iterator(); it.increment(error)) {
        if (error) throw std::system_error(error, "readdir " + dir.string());
        ++count;
    }
    return count;
}

}  // namespace

ProcStatus parse_proc_status(std::string_view text) {
    ProcStatus status;
    while (!text.empty()) {
        const auto newline = text.find('\n');
        const auto line = text.substr(0, newline);
        text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);

        const auto colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        const auto key = line.substr(0, colon);
        const auto value = line.substr(colon + 1);
        if (key == "Threads") status.threads = parse_number(key, value);
        if (key == "VmRSS") status.vm_rss_kib = parse_number(key, value);
        if (key == "VmHWM") status.vm_hwm_kib = parse_number(key, value);
        if (key == "voluntary_ctxt_switches") {
            status.voluntary_ctxt_switches = parse_number(key, value);
        }
        if (key == "nonvoluntary_ctxt_switches") {
            status.nonvoluntary_ctxt_switches = parse_number(key, value);
        }
    }
    return status;
}

ProcStatus read_proc_status(pid_t pid) {
    const auto path = proc_dir(pid) / "status";
    std::ifstream file(path);
    if (!file) {
        throw std::system_error(errno ? errno : ENOENT, std::generic_category(),
                                "open " + path.string());
    }
    std::ostringstream text;
    text << file.rdbuf();
    return parse_proc_status(text.str());
}

std::size_t count_tasks(pid_t pid) {
    return count_entries(proc_dir(pid) / "task");
}

std::size_t count_open_fds(pid_t pid) {
    // The directory iterator holds one descriptor of its own while it reads /proc/self/fd.
    const auto entries = count_entries(proc_dir(pid) / "fd");
    return pid == 0 && entries > 0 ? entries - 1 : entries;
}

}  // namespace oslab
