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
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "oslab/child_process.hpp"
#include "oslab/cli.hpp"
#include "oslab/cpu_time.hpp"
#include "oslab/echo_load.hpp"
#include "oslab/echo_program.hpp"
#include "oslab/echo_server_modes.hpp"
#include "oslab/fd_limit.hpp"
#include "oslab/proc_status.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

struct ServerSpec {
    std::string name;
    std::string program;  // file name in the bin directory
    std::vector<std::string> args;
    std::string unavailable;  // a mode this build does not have: skipped with this reason
};

const std::string kBlocking = "blocking";  // Lab 4's server: not a row of Lab 5's table

// Every server the experiment knows: Lab 4's, then the compared modes of the table.
std::vector<std::string> server_names() {
    std::vector<std::string> names{kBlocking};
    for (const auto& mode : oslab::echo_modes()) {
        if (mode.compared) names.push_back(mode.name);
    }
    return names;
}

// Same variant as this program: lab05_c10k runs the reference servers, lab05_c10k_starter yours.
std::optional<ServerSpec> spec_for(const std::string& name) {
    const auto variant_program = [](const char* program) {
        return oslab::sibling_program(program, OSLAB_VARIANT).filename().string();
    };
    if (name == kBlocking) return ServerSpec{name, variant_program("lab04_echo_server"), {}, ""};
    for (const auto& mode : oslab::echo_modes()) {
        if (mode.name == name) {  // the mode's default thread count (--threads not given)
            return ServerSpec{
                name, variant_program("lab05_echo_server"), {"--mode", name}, mode.unavailable};
        }
    }
    return std::nullopt;
}

// Starts a server program on a free port, returns its port (its stderr is kept in memory).
std::uint16_t start_server(std::unique_ptr<oslab::ChildProcess>& child, const fs::path& program,
                           const ServerSpec& spec) {
    std::vector<std::string> argv{program.string()};
    argv.insert(argv.end(), spec.args.begin(), spec.args.end());
    argv.insert(argv.end(), {"--port", "0"});
    child = std::make_unique<oslab::ChildProcess>(argv);
    return oslab::wait_until_listening(*child, 5s);
}

// The first line the server wrote to its standard error (empty if none).
std::string stderr_line(oslab::ChildProcess& child) {
    const auto text = child.read_stderr();
    return text.substr(0, text.find('\n'));
}

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

// --load-bytes: a closed-loop load instead of idle connections. Besides messages/s, the server's
// CPU time per message: robust on a busy machine, where throughput depends on the CPU share the
// scheduler gives each process.
struct LoadRow {
    std::string name, error;
    oslab::LoadResult load;
    double server_cpu_s = 0;
    std::size_t threads = 0;
};

LoadRow run_load(const ServerSpec& spec, const fs::path& bin, std::size_t connections,
                 std::size_t bytes, std::chrono::milliseconds duration) {
    LoadRow row;
    row.name = spec.name;
    const auto program = bin / spec.program;
    if (!spec.unavailable.empty()) {
        row.error = "not in this build: " + spec.unavailable;
        return row;
    }
    if (!fs::exists(program)) {
        row.error = program.filename().string() + " not built";
        return row;
    }
    try {
        std::unique_ptr<oslab::ChildProcess> server;
        oslab::LoadOptions options;
        options.port = start_server(server, program, spec);
        oslab::ChildProcess& child = *server;
        options.connections = connections;
        options.message_size = bytes;
        options.duration = duration;
        const double before = oslab::process_cpu_seconds(child.pid());
        std::atomic<bool> running{true};
        std::thread sampler([&] {  // the most threads the server had during the run
            while (running) {
                try {
                    row.threads = std::max(row.threads, oslab::count_tasks(child.pid()));
                } catch (const std::exception&) {
                }
                std::this_thread::sleep_for(50ms);
            }
        });
        try {
            row.load = oslab::run_echo_load(options);
        } catch (...) {
            running = false;
            sampler.join();
            throw;
        }
        running = false;
        sampler.join();
        row.server_cpu_s =
            oslab::process_cpu_seconds(child.pid()) - before;  // includes the connects: small
        if (child.stop(10s) != 0) row.error = "exit: " + stderr_line(child);
    } catch (const std::exception& e) {
        row.error = e.what();
    }
    return row;
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

Row run_one(const ServerSpec& spec, const fs::path& bin, std::size_t connections,
            std::chrono::milliseconds hold) {
    Row row;
    row.name = spec.name;
    row.connections = connections;
    const auto program = bin / spec.program;
    if (!spec.unavailable.empty()) {
        row.error = "not in this build: " + spec.unavailable;
        row.not_built = true;
        return row;
    }
    if (!fs::exists(program)) {
        row.error = program.filename().string() + " not built (configure with its lab too)";
        row.not_built = true;
        return row;
    }
    const auto started = Clock::now();
    try {
        std::unique_ptr<oslab::ChildProcess> server;
        const std::uint16_t port = start_server(server, program, spec);
        oslab::ChildProcess& child = *server;
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
            row.error = "exit " + std::to_string(row.exit_status) + ": " + stderr_line(child);
    } catch (const std::exception& e) {
        row.error = e.what();
    }
    row.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    return row;
}

std::string json_escape(const std::string& text) {
    std::string out;
    for (char ch : text) {
        if (ch == '"' || ch == '\\') out += '\\';
        if (static_cast<unsigned char>(ch) >= 0x20) out += ch;
    }
    return out;
}

double per_connection_kib(std::size_t before, std::size_t held, std::size_t n) {
    return n == 0 ? 0.0 : (double(held) - double(before)) / double(n);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"C10K: threads and memory of each echo server while it holds N idle connections"};
    std::size_t connections = 10000;
    double hold_seconds = 2;
    std::vector<std::string> servers = server_names();
    std::string server_list;
    for (const auto& name : servers)
        server_list += (server_list.empty() ? "" : " ") + name;
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
    std::size_t load_bytes = 0;
    double load_seconds = 2;
    app.add_option("--load-bytes", load_bytes,
                   "instead of holding idle connections, run a closed-loop echo load with "
                   "messages of this size on --connections and report server CPU per message")
        ->check(CLI::Range(1, 1 << 20));
    app.add_option("--load-seconds", load_seconds, "duration of the --load-bytes run")
        ->check(CLI::Range(0.1, 600.0));
    if (const auto status = oslab::parse_flags(app, argc, argv, "lab05_c10k")) return *status;
    std::vector<ServerSpec> specs;
    for (const auto& name : servers) {
        auto spec = spec_for(name);
        if (!spec) {
            fmt::print(stderr, "lab05_c10k: unknown server '{}' (known: {})\n", name, server_list);
            return 2;
        }
        specs.push_back(*spec);
    }
    const fs::path bin =
        bin_dir.empty() ? fs::read_symlink("/proc/self/exe").parent_path() : fs::path(bin_dir);

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

    if (load_bytes > 0) {
        fmt::print("Echo load: {} connections x {} B, {:.1f} s per server\n\n", connections,
                   load_bytes, load_seconds);
        fmt::print("{:<10} {:>10} {:>10} {:>10} {:>12} {:>12} {:>8}\n", "server", "msgs/s",
                   "p99 us", "server", "server CPU", "server CPU", "errors");
        fmt::print("{:<10} {:>10} {:>10} {:>10} {:>12} {:>12} {:>8}\n", "", "", "", "threads max",
                   "s", "us per msg", "");
        bool load_ok = true;
        for (const auto& spec : specs) {
            const auto row =
                run_load(spec, bin, connections, load_bytes,
                         std::chrono::milliseconds(static_cast<long long>(load_seconds * 1000)));
            if (!row.error.empty()) {
                fmt::print("{:<10} skipped: {}\n", row.name, row.error);
                load_ok = load_ok && (row.error.find("not built") != std::string::npos ||
                                      row.error.find("not in this build") != std::string::npos);
                continue;
            }
            const double per_msg =
                row.load.messages == 0
                    ? 0.0
                    : row.server_cpu_s * 1e6 / (row.load.messages_per_second * row.load.seconds);
            fmt::print("{:<10} {:>10.0f} {:>10.0f} {:>10} {:>12.2f} {:>12.1f} {:>8}\n", row.name,
                       row.load.messages_per_second, row.load.p99_us, row.threads, row.server_cpu_s,
                       per_msg, row.load.errors);
            std::fflush(stdout);
            load_ok = load_ok && row.load.errors == 0 && row.load.messages > 0;
        }
        fmt::print(
            "\nserver CPU: utime+stime of the server process (/proc/PID/stat) over the run, "
            "connects included; per message: divided by the messages of the measured phase\n");
        return load_ok ? 0 : 1;
    }

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
                r.name, json_escape(r.error), r.before.status.threads, r.held.status.threads,
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
