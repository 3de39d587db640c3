// lab03_perf: runs lab03_locality under `perf stat` and says what the machine can count.
//   hardware counters work  -> perf stat -e cache-references,cache-misses,page-faults
//   no hardware counters    -> says so (usual in VMs and containers) and shows software events
//   no perf at all          -> prints how to install it, then falls back to /usr/bin/time -v,
//                              or to the child's getrusage() figures (wait4) when that is missing.
#include <unistd.h>

#include <fmt/core.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "oslab/build_variant.hpp"
#include "oslab/child_process.hpp"
#include "oslab/cli.hpp"
#include "oslab/cpu_time.hpp"

namespace {

// Runs a command to its end with our terminal as its output; the kernel's counts for it (wait4).
struct Finished {
    int status = -1;  // exit code, or 128 + signal
    rusage usage{};
};

Finished run_in_terminal(const std::vector<std::string>& command) {
    oslab::ChildProcess child(command, {oslab::Output::inherit, oslab::Output::inherit});
    Finished done;
    done.status = child.wait(std::chrono::hours(24)).value_or(-1);
    done.usage = child.usage();
    return done;
}

// perf runs but a hardware event reads "<not supported>" in a VM without a virtual PMU.
bool hardware_counters_work(const std::string& perf) {
    const auto probe =
        oslab::run_and_capture({perf, "stat", "-x,", "-e", "instructions", "--", "/bin/true"});
    return probe.status == 0 && probe.output.find("<not supported>") == std::string::npos &&
           probe.output.find("<not counted>") == std::string::npos;
}

// The demo lives in the same bin/ directory, of the same variant (lab03_locality_starter for
// lab03_perf_starter).
std::string demo_next_to_me() {
    return oslab::sibling_program("lab03_locality", oslab::build_variant()).string();
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
        if (const auto perf = oslab::find_executable(perf_name)) {
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
        const Finished child = run_in_terminal(command);
        if (command.front() == demo) {
            const auto& u = child.usage;
            fmt::print("  minor page faults (first touch, no I/O): {}\n", u.ru_minflt);
            fmt::print("  major page faults (read from disk):      {}\n", u.ru_majflt);
            fmt::print("  maximum resident set size:               {} KiB\n", u.ru_maxrss);
            fmt::print("  user / system CPU time:                  {:.3f} s / {:.3f} s\n",
                       oslab::to_seconds(u.ru_utime), oslab::to_seconds(u.ru_stime));
            fmt::print("  voluntary / involuntary context switches: {} / {}\n", u.ru_nvcsw,
                       u.ru_nivcsw);
        }
        return child.status;
    } catch (const std::exception& e) {
        fmt::print(stderr, "lab03_perf: {}\n", e.what());
        return 1;
    }
}
