// System calls of another process counted by perf stat on the raw_syscalls:sys_enter tracepoint
// (see oslab/syscall_count.hpp).
#include "oslab/syscall_count.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "oslab/sys_error.hpp"

namespace oslab {
namespace {

using namespace std::chrono_literals;
constexpr const char* kEvent = "raw_syscalls:sys_enter";

std::string first_line(const std::string& text) {
    const auto start = text.find_first_not_of("\n ");
    if (start == std::string::npos) return "";
    return text.substr(start, text.find('\n', start) - start);
}

// perf stat -x, writes "count,unit,event,time counted (ns),percentage,..." per event. The count
// reads "<not counted>" when the event was never active: for a tracepoint attached to a task,
// when the task did not run at all while counting was on (time counted 0), so it made no system
// call. "<not supported>", or not counted for another reason, is no count.
std::optional<std::uint64_t> parse_count(const std::string& csv) {
    std::istringstream lines(csv);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.empty() || line[0] == '#' || line.find(kEvent) == std::string::npos) continue;
        std::vector<std::string> fields;
        std::istringstream cells(line);
        for (std::string cell; std::getline(cells, cell, ',');)
            fields.push_back(cell);
        if (!fields.empty() && !fields[0].empty() && fields[0][0] >= '0' && fields[0][0] <= '9') {
            return std::stoull(fields[0]);
        }
        if (fields.size() > 3 && fields[0] == "<not counted>" && fields[3] == "0") return 0;
        return std::nullopt;
    }
    return std::nullopt;
}

// A FIFO opened read-write: open() returns at once (a read-only or write-only open of a FIFO
// blocks until the other end is opened, and perf opens its ends only once it runs).
UniqueFd open_fifo(const std::filesystem::path& path) {
    check_syscall(::mkfifo(path.c_str(), 0600), "mkfifo");
    return UniqueFd(check_syscall(::open(path.c_str(), O_RDWR | O_CLOEXEC), "open(fifo)"));
}

}  // namespace

std::string syscall_counting_unavailable() {
    const auto perf = find_executable("perf");
    if (!perf) return "perf is not installed (Debian: apt-get install linux-perf)";
    const auto probe =
        run_and_capture({*perf, "stat", "-x,", "-e", kEvent, "--", "/bin/true"}, 30s);
    if (probe.status == 0 && parse_count(probe.output)) return "";
    const auto line = first_line(probe.output);
    return "perf cannot count " + std::string(kEvent) + ": " +
           (line.empty() ? "exit status " + std::to_string(probe.status) : line);
}

SyscallCounter::SyscallCounter(pid_t pid) {
    const auto perf = find_executable("perf");
    if (!perf) throw std::runtime_error("perf is not installed");
    std::string pattern = (std::filesystem::temp_directory_path() / "oslab-perf-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw_errno("mkdtemp");
    dir_ = pattern;
    control_ = open_fifo(dir_ / "control");
    ack_ = open_fifo(dir_ / "ack");
    perf_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{
            *perf, "stat", "-x,", "-e", kEvent, "-p", std::to_string(pid), "-o",
            (dir_ / "counts.csv").string(), "-D", "-1", "--control",
            "fifo:" + (dir_ / "control").string() + "," + (dir_ / "ack").string()},
        ChildOptions{Output::memory, Output::memory});
    // A disable while already disabled costs nothing and proves perf is attached and listening.
    command("disable");
}

SyscallCounter::~SyscallCounter() {
    perf_.reset();  // kills and reaps perf if stop() was not called
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
}

void SyscallCounter::command(const char* what) {
    const std::string line = std::string(what) + "\n";
    check_syscall(::write(control_.get(), line.data(), line.size()), "write(perf control)");
    // perf answers "ack\n" (some versions put a NUL first). Bounded: a perf that failed to attach
    // never answers, and its error output says why.
    std::string answer;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (answer.find("ack") == std::string::npos) {
        // In 100 ms slices, to notice at once a perf that exited (it could not attach).
        pollfd waiting{ack_.get(), POLLIN, 0};
        const int ready = ::poll(&waiting, 1, 100);
        if (ready == -1 && errno != EINTR) throw_errno("poll(perf ack)");
        if (ready <= 0) {
            if (perf_->wait(0ms) || std::chrono::steady_clock::now() > deadline) {
                throw std::runtime_error("perf stat did not answer '" + std::string(what) +
                                         "': " + first_line(perf_->read_stderr()));
            }
            continue;
        }
        char buffer[16];
        const ssize_t n = ::read(ack_.get(), buffer, sizeof buffer);
        if (n > 0) answer.append(buffer, static_cast<std::size_t>(n));
    }
}

void SyscallCounter::start() {
    command("enable");
}

std::uint64_t SyscallCounter::stop() {
    command("disable");
    perf_->signal(SIGINT);  // perf stat -p prints its counts when interrupted
    const auto status = perf_->wait(10s);
    std::ifstream in(dir_ / "counts.csv");
    const std::string csv((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto count = parse_count(csv);
    if (!status || !count) {
        throw std::runtime_error("perf stat gave no count: " + first_line(perf_->read_stderr()));
    }
    return *count;
}

}  // namespace oslab
