// lab05_echo_cost: what one echoed message costs each server, measured from outside. For each
// server (Lab 4's blocking one, then every compared row of the mode table) and each connection
// count: start the server as its own process, open the connections, run a closed-loop load of a
// fixed number of messages, and over exactly those messages count
//   - the server's CPU time: utime + stime of /proc/<pid>/stat, divided by the messages;
//   - the server's system calls: perf stat on the raw_syscalls:sys_enter tracepoint, attached to
//     the server (oslab/syscall_count.hpp), divided by the messages. Where perf cannot count
//     here, the column says why and the CPU time is still measured.
//   lab05_echo_cost --connections 16,128 --bytes 64 --messages 40000 [--json]
// CPU time, not messages per second, is the comparison that survives a busy machine: it counts
// only what the server made the CPU do, however long it waited for the CPU.
#include <unistd.h>

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "oslab/cli.hpp"
#include "oslab/cpu_time.hpp"
#include "oslab/echo_load.hpp"
#include "oslab/echo_server_programs.hpp"
#include "oslab/fd_limit.hpp"
#include "oslab/syscall_count.hpp"

namespace {

struct Cost {
    std::string server, error;
    std::size_t connections = 0;
    oslab::LoadResult load;
    double cpu_seconds = 0;
    std::optional<std::uint64_t> syscalls;  // nullopt: not counted (see syscall_error)
    std::string syscall_error;
};

struct Settings {
    std::size_t bytes = 64;
    std::uint64_t messages = 40000;
    double max_seconds = 20;
    bool count_syscalls = true;
};

Cost measure(const oslab::EchoServerProgram& spec, const std::filesystem::path& bin,
             std::size_t connections, const Settings& settings,
             const std::string& syscalls_unavailable) {
    Cost cost;
    cost.server = spec.name;
    cost.connections = connections;
    cost.error = oslab::echo_server_missing(spec, bin);
    if (!cost.error.empty()) return cost;
    try {
        auto server = oslab::start_echo_server(spec, bin);
        const pid_t pid = server.process->pid();
        std::unique_ptr<oslab::SyscallCounter> counter;
        cost.syscall_error = syscalls_unavailable;
        if (cost.syscall_error.empty()) {
            try {
                counter = std::make_unique<oslab::SyscallCounter>(pid);
            } catch (const std::exception& e) {
                cost.syscall_error = e.what();
            }
        }
        oslab::LoadOptions options;
        options.port = server.port;
        options.connections = connections;
        options.message_size = settings.bytes;
        options.warmup = std::chrono::milliseconds(200);  // caches, the first allocations
        options.duration = std::chrono::milliseconds(static_cast<long>(settings.max_seconds * 1e3));
        options.max_messages = settings.messages;
        double cpu_before = 0;
        options.on_measure_start = [&] {
            if (counter) counter->start();
            cpu_before = oslab::process_cpu_seconds(pid);
        };
        options.on_measure_end = [&] {
            cost.cpu_seconds = oslab::process_cpu_seconds(pid) - cpu_before;
            if (!counter) return;
            try {
                cost.syscalls = counter->stop();
            } catch (const std::exception& e) {
                cost.syscall_error = e.what();
            }
        };
        cost.load = oslab::run_echo_load(options);
        if (cost.load.errors > 0) cost.error = fmt::format("{} load errors", cost.load.errors);
        if (cost.load.messages == 0) cost.error = "no message was echoed";
        if (server.process->stop(std::chrono::seconds(10)) != 0 && cost.error.empty()) {
            cost.error = "exit: " + oslab::first_stderr_line(*server.process);
        }
    } catch (const std::exception& e) {
        cost.error = e.what();
    }
    return cost;
}

double per_message(double total, const Cost& cost) {
    return cost.load.messages == 0 ? 0.0 : total / static_cast<double>(cost.load.messages);
}

void print_row(const Cost& c) {
    if (!c.error.empty()) {
        fmt::print("{:<10} {:>6}  skipped: {}\n", c.server, c.connections, c.error);
        return;
    }
    const std::string syscalls =
        c.syscalls ? fmt::format("{:.2f}", per_message(static_cast<double>(*c.syscalls), c))
                   : std::string("-");
    fmt::print("{:<10} {:>6} {:>9} {:>10.0f} {:>9.0f} {:>10.2f} {:>11} \n", c.server, c.connections,
               c.load.messages, c.load.messages_per_second, c.load.p99_us,
               per_message(c.cpu_seconds, c) * 1e6, syscalls);
}

void print_json(const std::vector<Cost>& costs, const Settings& settings,
                const std::string& syscalls_unavailable) {
    fmt::print(
        "{{\"bytes\": {}, \"messages\": {}, \"syscalls_unavailable\": \"{}\", "
        "\"runs\": [\n",
        settings.bytes, settings.messages, oslab::json_escape(syscalls_unavailable));
    for (std::size_t i = 0; i < costs.size(); ++i) {
        const Cost& c = costs[i];
        fmt::print(
            "  {{\"server\": \"{}\", \"connections\": {}, \"error\": \"{}\", \"messages\": {}, "
            "\"seconds\": {:.4f}, \"msgs_per_s\": {:.1f}, \"p99_us\": {:.1f}, "
            "\"server_cpu_s\": {:.4f}, \"cpu_us_per_msg\": {:.4f}, \"syscalls\": {}, "
            "\"syscalls_per_msg\": {}, \"syscall_error\": \"{}\"}}{}\n",
            c.server, c.connections, oslab::json_escape(c.error), c.load.messages, c.load.seconds,
            c.load.messages_per_second, c.load.p99_us, c.cpu_seconds,
            per_message(c.cpu_seconds, c) * 1e6, c.syscalls ? std::to_string(*c.syscalls) : "null",
            c.syscalls ? fmt::format("{:.4f}", per_message(static_cast<double>(*c.syscalls), c))
                       : "null",
            oslab::json_escape(c.syscall_error), i + 1 < costs.size() ? "," : "");
    }
    fmt::print("]}}\n");
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"CPU time and system calls per echoed message, for each echo server"};
    std::vector<std::size_t> connection_counts{16, 128};
    std::vector<std::string> servers = oslab::echo_server_names();
    Settings settings;
    bool json = false;
    app.add_option("--connections", connection_counts, "connection counts, comma-separated")
        ->delimiter(',')
        ->check(CLI::Range(1, 20000));
    app.add_option("--bytes", settings.bytes, "message size")->check(CLI::Range(1, 1 << 20));
    app.add_option("--messages", settings.messages, "echoes measured per run (a fixed amount)")
        ->check(CLI::Range(100, 100000000));
    app.add_option("--max-seconds", settings.max_seconds, "a run stops here if still short")
        ->check(CLI::Range(0.5, 600.0));
    app.add_option("--servers", servers,
                   "comma-separated, of: " + oslab::echo_server_list() + " (default: all)")
        ->delimiter(',');
    app.add_flag("!--no-syscalls", settings.count_syscalls, "do not count system calls (no perf)");
    app.add_flag("--json", json, "print JSON instead of the table");
    if (const auto status = oslab::parse_flags(app, argc, argv, "lab05_echo_cost")) return *status;
    std::vector<oslab::EchoServerProgram> specs;
    for (const auto& name : servers) {
        const auto spec = oslab::echo_server_program(name);
        if (!spec) {
            fmt::print(stderr, "lab05_echo_cost: unknown server '{}' (known: {})\n", name,
                       oslab::echo_server_list());
            return 2;
        }
        specs.push_back(*spec);
    }
    std::size_t most = 0;
    for (const auto n : connection_counts)
        most = std::max(most, n);
    oslab::raise_fd_limit(most + 64);  // the servers inherit it: one descriptor per connection
    const std::string unavailable = settings.count_syscalls
                                        ? oslab::syscall_counting_unavailable()
                                        : std::string("not asked for (--no-syscalls)");
    const auto bin = oslab::this_program_directory();

    if (!json) {
        fmt::print("{} B messages, {} measured per run; system calls: {}\n\n", settings.bytes,
                   settings.messages,
                   unavailable.empty() ? "perf, raw_syscalls:sys_enter" : unavailable);
        fmt::print("{:<10} {:>6} {:>9} {:>10} {:>9} {:>10} {:>11}\n", "server", "conns", "messages",
                   "msgs/s", "p99 us", "CPU us/msg", "syscall/msg");
    }
    std::vector<Cost> costs;
    bool ok = true;
    for (const auto& spec : specs) {
        for (const auto connections : connection_counts) {
            costs.push_back(measure(spec, bin, connections, settings, unavailable));
            const Cost& cost = costs.back();
            // A mode this build lacks is skipped, not a failure; a server that fails the load is.
            if (!cost.error.empty() && oslab::echo_server_missing(spec, bin).empty()) ok = false;
            if (!json) {
                print_row(cost);
                std::fflush(stdout);
            }
        }
    }
    if (json) {
        print_json(costs, settings, unavailable);
    } else {
        fmt::print(
            "\nCPU: utime+stime of the server (/proc/PID/stat, {} ticks per second) over the "
            "measured messages; system calls: every thread of the server, same messages.\n",
            ::sysconf(_SC_CLK_TCK));
    }
    return ok ? 0 : 1;
}
