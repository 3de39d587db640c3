// lab03_perf: runs lab03_locality under `perf stat` and says what the machine can count.
//   hardware counters work  -> perf stat -e cache-references,cache-misses,page-faults
//   no hardware counters    -> says so (usual in VMs and containers) and shows software events
//   no perf at all          -> prints how to install it, then falls back to /usr/bin/time -v,
//                              or to the child's getrusage() figures (wait4) when that is missing.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "oslab/cli.hpp"

namespace {

namespace fs = std::filesystem;

// Where an executable is: a path with a slash is taken as is; a bare name is searched in $PATH.
std::optional<std::string> find_executable(const std::string& name) {
    if (name.find('/') != std::string::npos) {
        return ::access(name.c_str(), X_OK) == 0 ? std::optional(name) : std::nullopt;
    }
    const char* path = std::getenv("PATH");
    std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
    std::size_t start = 0;
    while (start <= dirs.size()) {
        const std::size_t end = std::min(dirs.find(':', start), dirs.size());
        const std::string candidate = dirs.substr(start, end - start) + "/" + name;
        if (end > start && ::access(candidate.c_str(), X_OK) == 0) return candidate;
        start = end + 1;
    }
    return std::nullopt;
}

std::vector<char*> argv_of(std::vector<std::string>& args) {
    std::vector<char*> argv;
    for (auto& arg : args)
        argv.push_back(arg.data());
    argv.push_back(nullptr);
    return argv;
}

struct Child {
    int status = -1;     // exit code, or 128 + signal
    rusage usage{};      // what the kernel counted for the child (wait4)
    std::string output;  // captured stdout + stderr (only when capturing)
};

// fork + execv + wait4 (Lab 1's tools). With capture, the child's stdout and stderr go into a pipe.
Child run(std::vector<std::string> args, bool capture) {
    int pipe_fds[2] = {-1, -1};
    if (capture && ::pipe2(pipe_fds, O_CLOEXEC) == -1)
        throw std::system_error(errno, std::generic_category(), "pipe2");
    auto argv = argv_of(args);
    const pid_t pid = ::fork();
    if (pid == -1) throw std::system_error(errno, std::generic_category(), "fork");
    if (pid == 0) {
        if (capture) {
            ::dup2(pipe_fds[1], STDOUT_FILENO);
            ::dup2(pipe_fds[1], STDERR_FILENO);
        }
        ::execv(argv[0], argv.data());
        fmt::print(stderr, "lab03_perf: cannot run {}: {}\n", args[0], std::strerror(errno));
        ::_exit(127);
    }
    Child child;
    if (capture) {
        ::close(pipe_fds[1]);
        char buffer[4096];
        ssize_t got = 0;
        while ((got = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0 ||
               (got == -1 && errno == EINTR)) {
            if (got > 0) child.output.append(buffer, static_cast<std::size_t>(got));
        }
        ::close(pipe_fds[0]);
    }
    int raw = 0;
    while (::wait4(pid, &raw, 0, &child.usage) == -1) {
        if (errno != EINTR) throw std::system_error(errno, std::generic_category(), "wait4");
    }
    child.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
    return child;
}

// perf runs but a hardware event reads "<not supported>" in a VM without a virtual PMU.
bool hardware_counters_work(const std::string& perf) {
    const auto probe = run({perf, "stat", "-x,", "-e", "instructions", "--", "/bin/true"}, true);
    return probe.status == 0 && probe.output.find("<not supported>") == std::string::npos &&
           probe.output.find("<not counted>") == std::string::npos;
}

std::string demo_next_to_me() {
    // The demo lives in the same bin/ directory; the starter build's names end in "_starter".
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    const bool starter = self.filename().string().ends_with("_starter");
    const fs::path dir = ec ? fs::path(".") : self.parent_path();
    return (dir / (starter ? "lab03_locality_starter" : "lab03_locality")).string();
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Run lab03_locality under perf stat (or the best counter the machine has)"};
    std::string perf_name = "perf";
    std::string time_path = "/usr/bin/time";
    std::string demo = demo_next_to_me();
    std::size_t size_mib = 0;
    app.add_option("--perf", perf_name, "perf executable (name in $PATH or a path)");
    app.add_option("--time", time_path, "GNU time, used when perf is missing");
    app.add_option("--demo", demo, "the program to measure")->check(CLI::ExistingFile);
    app.add_option("--size-mib", size_mib, "passed on to the demo (default: the demo's own)")
        ->check(CLI::Range(1, 16384));
    if (const auto status = oslab::parse_flags(app, argc, argv, "lab03_perf")) return *status;
    std::vector<std::string> demo_args{demo};
    if (size_mib != 0) demo_args.insert(demo_args.end(), {"--size-mib", std::to_string(size_mib)});

    try {
        std::vector<std::string> command;
        if (const auto perf = find_executable(perf_name)) {
            if (hardware_counters_work(*perf)) {
                fmt::print(
                    "lab03_perf: hardware counters available: cache references and misses\n");
                command = {*perf, "stat", "-e", "cache-references,cache-misses,page-faults", "--"};
            } else {
                fmt::print(
                    "lab03_perf: hardware counters are NOT available here (`perf stat -e "
                    "instructions` says <not supported>: usual in a VM without a virtual PMU, or "
                    "in "
                    "a container). No cache-miss counts; showing the software events the kernel "
                    "counts itself: page faults, CPU time, context switches.\n");
                command = {*perf, "stat", "-e",
                           "page-faults,minor-faults,major-faults,task-clock,context-switches,"
                           "cpu-migrations",
                           "--"};
            }
        } else {
            fmt::print(
                "lab03_perf: `{}` not found. Install perf: sudo apt-get install linux-perf "
                "(Debian) "
                "or sudo apt-get install linux-tools-common linux-tools-$(uname -r) (Ubuntu).\n",
                perf_name);
            if (::access(time_path.c_str(), X_OK) == 0) {
                fmt::print("lab03_perf: falling back to {} -v (see the page-fault lines)\n",
                           time_path);
                command = {time_path, "-v"};
            } else {
                fmt::print(
                    "lab03_perf: {} is missing too; falling back to the kernel's counts for "
                    "the child (wait4 / getrusage)\n",
                    time_path);
            }
        }
        command.insert(command.end(), demo_args.begin(), demo_args.end());
        fmt::print("lab03_perf: running:");
        for (const auto& word : command)
            fmt::print(" {}", word);
        fmt::print("\n");
        std::fflush(stdout);
        const Child child = run(command, false);
        if (command.front() == demo) {
            const auto& u = child.usage;
            fmt::print("  minor page faults (first touch, no I/O): {}\n", u.ru_minflt);
            fmt::print("  major page faults (read from disk):      {}\n", u.ru_majflt);
            fmt::print("  maximum resident set size:               {} KiB\n", u.ru_maxrss);
            fmt::print("  user / system CPU time:                  {:.3f} s / {:.3f} s\n",
                       static_cast<double>(u.ru_utime.tv_sec) +
                           static_cast<double>(u.ru_utime.tv_usec) * 1e-6,
                       static_cast<double>(u.ru_stime.tv_sec) +
                           static_cast<double>(u.ru_stime.tv_usec) * 1e-6);
            fmt::print("  voluntary / involuntary context switches: {} / {}\n", u.ru_nvcsw,
                       u.ru_nivcsw);
        }
        return child.status;
    } catch (const std::exception& e) {
        fmt::print(stderr, "lab03_perf: {}\n", e.what());
        return 1;
    }
}
