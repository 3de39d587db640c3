// A child program started with posix_spawn, talked to through pipes or memfds (see
// oslab/child_process.hpp).
#include "oslab/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "oslab/sys_error.hpp"

extern char** environ;  // this process's environment, passed on to the child

namespace oslab {
namespace {

using Clock = std::chrono::steady_clock;

int ms_left(Clock::time_point deadline) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    return static_cast<int>(std::max<long long>(0, left.count()));
}

// One read of what the descriptor has, waiting for it until the deadline (poll). False at end of
// stream (every write end closed: the child exited) or when the deadline passed.
bool read_some_before(int fd, Clock::time_point deadline, std::string& text) {
    for (;;) {
        pollfd waiting{fd, POLLIN, 0};
        const int ready = ::poll(&waiting, 1, ms_left(deadline));
        if (ready == -1 && errno == EINTR) continue;
        if (ready == -1) throw_errno("poll");
        if (ready == 0) return false;  // deadline
        char buffer[4096];
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n == -1 && errno == EINTR) continue;
        if (n == -1) throw_errno("read");
        if (n == 0) return false;  // end of stream
        text.append(buffer, static_cast<std::size_t>(n));
        return true;
    }
}

// Everything in a memfd so far. pread reads at an explicit offset: the child's writes move the
// file offset it shares with our descriptor, pread leaves that offset alone.
std::string read_memory_file(int fd) {
    struct stat info {};
    check_syscall(::fstat(fd, &info), "fstat");
    std::string text(static_cast<std::size_t>(info.st_size), '\0');
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n =
            ::pread(fd, text.data() + done, text.size() - done, static_cast<off_t>(done));
        if (n == -1 && errno == EINTR) continue;
        if (n <= 0) break;
        done += static_cast<std::size_t>(n);
    }
    text.resize(done);
    return text;
}

// posix_spawn's two option objects, destroyed whatever happens.
struct SpawnSetup {
    posix_spawn_file_actions_t actions{};
    posix_spawnattr_t attributes{};
    SpawnSetup() {
        posix_spawn_file_actions_init(&actions);
        posix_spawnattr_init(&attributes);
    }
    ~SpawnSetup() {
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attributes);
    }
    SpawnSetup(const SpawnSetup&) = delete;
    SpawnSetup& operator=(const SpawnSetup&) = delete;
};

// Prepares where the child's descriptor `target` (1 or 2) goes. Returns the descriptor the child
// gets (closed in the parent after the spawn); `ours` receives the parent's end.
UniqueFd route(Output output, int target, SpawnSetup& setup, UniqueFd& ours, bool& in_memory) {
    UniqueFd theirs;
    if (output == Output::pipe) {
        int fds[2];
        // O_CLOEXEC on both ends: no other child started meanwhile (by another thread) inherits
        // them. A stray copy of the write end would keep our read from ever seeing end of stream.
        check_syscall(::pipe2(fds, O_CLOEXEC), "pipe2");
        ours.reset(fds[0]);
        theirs.reset(fds[1]);
    } else if (output == Output::memory) {
        // A file that lives in memory only (memfd_create), so the child never waits for us.
        ours.reset(check_syscall(
            ::memfd_create(target == 1 ? "child-stdout" : "child-stderr", MFD_CLOEXEC),
            "memfd_create"));
        posix_spawn_file_actions_adddup2(&setup.actions, ours.get(), target);
        in_memory = true;
        return theirs;
    } else if (output == Output::same_as_stdout) {
        // File actions run in order in the child: descriptor 1 is already in place.
        posix_spawn_file_actions_adddup2(&setup.actions, STDOUT_FILENO, STDERR_FILENO);
        return theirs;
    }
    // dup2 in the child clears close-on-exec on the copy: descriptor 1 or 2 survives the exec,
    // the original (O_CLOEXEC) is closed by it.
    if (theirs) posix_spawn_file_actions_adddup2(&setup.actions, theirs.get(), target);
    return theirs;
}

}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& argv, ChildOptions options) {
    if (argv.empty()) throw std::invalid_argument("ChildProcess: no program given");
    if (options.out == Output::same_as_stdout) {
        throw std::invalid_argument("ChildProcess: same_as_stdout is for standard error only");
    }
    SpawnSetup setup;
    const UniqueFd child_out = route(options.out, STDOUT_FILENO, setup, out_, out_in_memory_);
    const UniqueFd child_err = route(options.err, STDERR_FILENO, setup, err_, err_in_memory_);

    // Signal hygiene: a child inherits the signal mask and every signal its parent ignores (a
    // program that ignores SIGPIPE, a thread that blocked SIGTERM for sigwait). Start it clean.
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    for (int number : {SIGPIPE, SIGINT, SIGTERM, SIGCHLD})
        sigaddset(&defaults, number);
    posix_spawnattr_setsigmask(&setup.attributes, &none);
    posix_spawnattr_setsigdefault(&setup.attributes, &defaults);
    posix_spawnattr_setflags(&setup.attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    std::vector<std::string> copies = argv;  // posix_spawn wants char*, not const char*
    std::vector<char*> args;
    for (auto& arg : copies)
        args.push_back(arg.data());
    args.push_back(nullptr);
    // posix_spawn = fork + exec in one call (glibc: clone(CLONE_VM | CLONE_VFORK), no copy of our
    // page tables), safe in a multi-threaded parent, and it reports a failed exec as an error
    // code here instead of a child that exits 127.
    const int rc =
        ::posix_spawn(&pid_, args[0], &setup.actions, &setup.attributes, args.data(), environ);
    if (rc != 0) {
        pid_ = -1;
        throw std::system_error(rc, std::generic_category(), "posix_spawn " + argv[0]);
    }
    // child_out and child_err close here: the child holds its own copies now.
}

ChildProcess::~ChildProcess() {
    if (pid_ > 0 && !status_) {
        ::kill(pid_, SIGKILL);
        int raw = 0;
        while (::waitpid(pid_, &raw, 0) == -1 && errno == EINTR) {
        }
    }
}

std::optional<std::string> ChildProcess::read_line(std::chrono::milliseconds limit) {
    if (!out_ || out_in_memory_) throw std::logic_error("read_line needs Output::pipe");
    const auto deadline = Clock::now() + limit;
    for (;;) {
        if (const auto newline = pending_.find('\n'); newline != std::string::npos) {
            std::string line = pending_.substr(0, newline);
            pending_.erase(0, newline + 1);
            return line;
        }
        if (!read_some_before(out_.get(), deadline, pending_)) return std::nullopt;
    }
}

std::string ChildProcess::read_stream(int fd, bool in_memory, std::chrono::milliseconds limit) {
    if (fd < 0) throw std::logic_error("this output is not captured (Output::inherit)");
    if (in_memory) return read_memory_file(fd);
    std::string text;
    const auto deadline = Clock::now() + limit;
    while (read_some_before(fd, deadline, text)) {
    }
    return text;
}

std::string ChildProcess::read_stdout(std::chrono::milliseconds limit) {
    std::string text = std::exchange(pending_, {});
    return text + read_stream(out_.get(), out_in_memory_, limit);
}

std::string ChildProcess::read_stderr(std::chrono::milliseconds limit) {
    return read_stream(err_.get(), err_in_memory_, limit);
}

std::optional<int> ChildProcess::wait(std::chrono::milliseconds limit) {
    const auto deadline = Clock::now() + limit;
    while (!status_) {
        int raw = 0;
        // WNOHANG: report the exit if it happened, return 0 at once if not. wait4 also hands over
        // the child's resource usage, which the kernel keeps until the child is reaped.
        const pid_t done = ::wait4(pid_, &raw, WNOHANG, &usage_);
        if (done == -1 && errno == EINTR) continue;
        if (done == -1) throw_errno("wait4");
        if (done == pid_) {
            status_ = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
            break;
        }
        if (Clock::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return status_;
}

void ChildProcess::signal(int number) const {
    if (pid_ > 0 && !status_) ::kill(pid_, number);
}

int ChildProcess::stop(std::chrono::milliseconds grace) {
    signal(SIGTERM);
    if (const auto status = wait(grace)) return *status;
    signal(SIGKILL);  // SIGKILL cannot be caught or ignored: the kernel ends the process
    return wait(std::chrono::seconds(60)).value_or(-1);
}

CapturedRun run_and_capture(const std::vector<std::string>& argv, std::chrono::milliseconds limit) {
    ChildProcess child(argv, {Output::memory, Output::same_as_stdout});
    CapturedRun run;
    auto status = child.wait(limit);
    if (!status) {  // over time: killed, no grace period
        child.signal(SIGKILL);
        status = child.wait(std::chrono::seconds(60));
    }
    run.status = status.value_or(-1);
    run.output = child.read_stdout({});
    run.usage = child.usage();
    return run;
}

std::optional<std::string> find_executable(const std::string& name) {
    if (name.find('/') != std::string::npos) {
        return ::access(name.c_str(), X_OK) == 0 ? std::optional(name) : std::nullopt;
    }
    const char* path = std::getenv("PATH");
    const std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
    std::size_t start = 0;
    while (start <= dirs.size()) {
        const std::size_t end = std::min(dirs.find(':', start), dirs.size());
        const std::string candidate = dirs.substr(start, end - start) + "/" + name;
        if (end > start && ::access(candidate.c_str(), X_OK) == 0) return candidate;
        start = end + 1;
    }
    return std::nullopt;
}

std::filesystem::path sibling_program(std::string_view program, std::string_view variant) {
    // /proc/self/exe: a symbolic link the kernel keeps to the running executable.
    std::error_code error;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
    const auto dir = error ? std::filesystem::path(".") : self.parent_path();
    std::string name(program);
    if (variant == "starter") name += "_starter";
    return dir / name;
}

}  // namespace oslab
