// lab05_c10k: the C10K experiment. For each server (Lab 4's blocking one, each compared row of
// the Lab 5 mode table, oslab/echo_server_modes.hpp):
//   start it as a child process (the programs next to this one in the bin directory), hold N idle
//   connections to it, read /proc/<server pid>/status before and while holding (threads, VmRSS),
//   check every connection still echoes, stop it with SIGTERM, and print one table row.
//   lab05_c10k --connections 10000 --hold-seconds 2
// Each server is a separate process, so the server's descriptors and this process's client
// descriptors each need N (not 2N) under RLIMIT_NOFILE, and /proc shows the server alone.
#include <unistd.h>

#include <fmt/core.h>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "oslab/cli.hpp"
#include "oslab/echo_load.hpp"
#include "oslab/echo_server_programs.hpp"
#include "oslab/fd_limit.hpp"
#include "oslab/proc_status.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

// System-wide kernel memory from /proc/meminfo (KiB): kernel stacks (16 KiB per thread on
// x86-64) and slab caches (socket structures, among others). Other processes add noise.
std::size_t meminfo_kib(const std::string& field) {
    std::ifstream in("/proc/meminfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(field + ":", 0) == 0) {
            std::istringstream values(line.substr(field.size() + 1));
            std::size_t kib = 0;
            values >> kib;
            return kib;
        }
    }
    return 0;
}

struct Sample {
    oslab::ProcStatus status;
    std::size_t fds = 0, kernel_stack_kib = 0, slab_kib = 0;
};

Sample sample(pid_t pid) {
    Sample s;
    s.status = oslab::read_proc_status(pid);
    s.fds = oslab::count_open_fds(pid);
    s.kernel_stack_kib = meminfo_kib("KernelStack");
    s.slab_kib = meminfo_kib("Slab");
    return s;
}

struct Row {
    std::string name, error;
    bool not_built = false;  // the program is absent: skipped, not a failure
    Sample before, held;
    oslab::HoldResult hold;
    std::size_t connections = 0;
    double seconds = 0;
    int exit_status = -1;
};

Row run_one(const oslab::EchoServerProgram& spec, const fs::path& bin, std::size_t connections,
            std::chrono::milliseconds hold) {
    Row row;
    row.name = spec.name;
    row.connections = connections;
    row.error = oslab::echo_server_missing(spec, bin);
    if (!row.error.empty()) {
        row.not_built = true;
        return row;
    }
    const auto started = Clock::now();
    try {
        auto server = oslab::start_echo_server(spec, bin);
        const std::uint16_t port = server.port;
        oslab::ChildProcess& child = *server.process;
        std::this_thread::sleep_for(200ms);  // let it settle (threads started, pages touched)
        row.before = sample(child.pid());
        oslab::HoldOptions options;
        options.port = port;
        options.connections = connections;
        options.hold = hold;
        row.hold = oslab::hold_connections(options, [&] {
            // connect() completes in the kernel before the server accept()s: wait (bounded)
            // until the server holds a descriptor for every connection, then sample.
            const auto deadline = Clock::now() + 30s;
            while (oslab::count_open_fds(child.pid()) < row.before.fds + connections &&
                   Clock::now() < deadline) {
                std::this_thread::sleep_for(50ms);
            }
            std::this_thread::sleep_for(300ms);
            row.held = sample(child.pid());
        });
        row.exit_status = child.stop(10s);
        if (row.exit_status != 0)
            row.error =
                "exit " + std::to_string(row.exit_status) + ": " + oslab::first_stderr_line(child);
    } catch (const std::exception& e) {
        row.error = e.what();
    }
    row.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    return row;
}

double per_connection_kib(std::size_t before, std::size_t held, std::size_t n) {
    return n == 0 ? 0.0 : (double(held) - double(before)) / double(n);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"C10K: threads and memory of each echo server while it holds N idle connections"};
    std::size_t connections = 10000;
    double hold_seconds = 2;
    std::vector<std::string> servers = oslab::echo_server_names();
    const std::string server_list = oslab::echo_server_list();
    std::string bin_dir;
    bool json = false;
    app.add_option("--connections", connections, "idle connections to hold")
        ->check(CLI::Range(1, 200000));
    app.add_option("--hold-seconds", hold_seconds, "how long to hold them")
        ->check(CLI::Range(0.0, 600.0));
    app.add_option("--servers", servers, "comma-separated, of: " + server_list + " (default: all)")
        ->delimiter(',');
    app.add_option("--bin-dir", bin_dir, "where the server programs are (default: next to this)");
    app.add_flag("--json", json, "print JSON instead of the table");
    if (const auto status = oslab::parse_flags(app, argc, argv, "lab05_c10k")) return *status;
    std::vector<oslab::EchoServerProgram> specs;
    for (const auto& name : servers) {
        auto spec = oslab::echo_server_program(name);
        if (!spec) {
            fmt::print(stderr, "lab05_c10k: unknown server '{}' (known: {})\n", name, server_list);
            return 2;
        }
        specs.push_back(*spec);
    }
    const fs::path bin = bin_dir.empty() ? oslab::this_program_directory() : fs::path(bin_dir);

    // Each side needs one descriptor per connection plus a few: this process for the clients and
    // the server (which inherits this limit through fork/exec) for the accepted sockets.
    const std::size_t wanted = connections + 64;
    const rlimit limit = oslab::fd_limit();
    if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < wanted) {
        fmt::print(stderr,
                   "lab05_c10k: the descriptor hard limit (ulimit -Hn) is {}, but {} connections "
                   "need {} per process. Raise it (ulimit -Hn as root, /etc/security/limits.conf, "
                   "systemd LimitNOFILE) or use --connections {}\n",
                   limit.rlim_max, connections, wanted,
                   limit.rlim_max > 64 ? limit.rlim_max - 64 : 1);
        return 3;
    }
    const std::size_t soft = oslab::raise_fd_limit(wanted);
    if (soft < wanted) {
        fmt::print(stderr, "lab05_c10k: could not raise RLIMIT_NOFILE to {} (got {})\n", wanted,
                   soft);
        return 3;
    }
    const auto hold = std::chrono::milliseconds(static_cast<long long>(hold_seconds * 1000));

    std::vector<Row> rows;
    if (!json) {
        fmt::print("C10K: {} idle connections held {:.1f} s per server (RLIMIT_NOFILE {})\n\n",
                   connections, hold_seconds, soft);
        fmt::print("{:<10} {:>8} {:>8} {:>9} {:>9} {:>9} {:>9} {:>9} {:>8} {:>6} {:>5}\n", "server",
                   "threads", "threads", "RSS MiB", "RSS MiB", "RSS KiB", "kstack", "slab KiB",
                   "echoed", "time", "exit");
        fmt::print("{:<10} {:>8} {:>8} {:>9} {:>9} {:>9} {:>9} {:>9} {:>8} {:>6} {:>5}\n", "",
                   "before", "holding", "before", "holding", "per conn", "MiB +", "per conn", "",
                   "s", "");
        std::fflush(stdout);
    }
    for (const auto& spec : specs) {
        Row row = run_one(spec, bin, connections, hold);
        if (!json) {
            if (!row.error.empty()) {
                fmt::print("{:<10} skipped: {}\n", row.name, row.error);
            } else {
                fmt::print(
                    "{:<10} {:>8} {:>8} {:>9.1f} {:>9.1f} {:>9.1f} {:>9.1f} {:>9.1f} {:>8} "
                    "{:>6.1f} {:>5}\n",
                    row.name, row.before.status.threads, row.held.status.threads,
                    row.before.status.vm_rss_kib / 1024.0, row.held.status.vm_rss_kib / 1024.0,
                    per_connection_kib(row.before.status.vm_rss_kib, row.held.status.vm_rss_kib,
                                       connections),
                    (double(row.held.kernel_stack_kib) - double(row.before.kernel_stack_kib)) /
                        1024.0,
                    per_connection_kib(row.before.slab_kib, row.held.slab_kib, connections),
                    fmt::format("{}/{}", row.hold.echoed_at_end, connections), row.seconds,
                    row.exit_status);
            }
            std::fflush(stdout);
        }
        rows.push_back(std::move(row));
    }
    bool ok = true;
    if (json) {
        fmt::print("{{\"connections\": {}, \"hold_seconds\": {}, \"servers\": [\n", connections,
                   hold_seconds);
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const Row& r = rows[i];
            fmt::print(
                "  {{\"server\": \"{}\", \"error\": \"{}\", \"threads_before\": {}, "
                "\"threads_holding\": {}, \"rss_kib_before\": {}, \"rss_kib_holding\": {}, "
                "\"kernel_stack_kib_delta\": {}, \"slab_kib_delta\": {}, \"opened\": {}, "
                "\"echoed_at_end\": {}, \"errors\": {}, \"exit_status\": {}, \"seconds\": "
                "{:.2f}}}{}\n",
                r.name, oslab::json_escape(r.error), r.before.status.threads, r.held.status.threads,
                r.before.status.vm_rss_kib, r.held.status.vm_rss_kib,
                static_cast<long long>(r.held.kernel_stack_kib) -
                    static_cast<long long>(r.before.kernel_stack_kib),
                static_cast<long long>(r.held.slab_kib) - static_cast<long long>(r.before.slab_kib),
                r.hold.opened, r.hold.echoed_at_end, r.hold.errors, r.exit_status, r.seconds,
                i + 1 < rows.size() ? "," : "");
        }
        fmt::print("]}}\n");
    }
    for (const auto& r : rows) {
        if (r.error.empty() && (r.hold.echoed_at_end != connections || r.exit_status != 0))
            ok = false;
    }
    if (!json) {
        fmt::print(
            "\nthreads/RSS: /proc/<server pid>/status. kstack and slab: system-wide deltas from"
            " /proc/meminfo (kernel memory, not in RSS; slab counts both ends' sockets).\n");
    }
    return ok ? 0 : 1;
}
