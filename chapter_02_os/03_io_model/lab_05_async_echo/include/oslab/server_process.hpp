// A server program run as a child process (given code, used by lab05_c10k and the benchmark):
// fork + exec with "--port 0", read its first line "listening on HOST:PORT", keep draining its
// standard output, SIGTERM it at the end. Being a separate process, its /proc/<pid>/status shows
// the server alone, and its descriptors do not count against ours.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "oslab/unique_fd.hpp"

namespace oslab {

class ServerProcess {
public:
    // fork + exec with stdout on a pipe; the first line must be "listening on HOST:PORT".
    ServerProcess(const std::filesystem::path& program, const std::vector<std::string>& args) {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) == -1)
            throw std::system_error(errno, std::generic_category(), "pipe2");
        oslab::UniqueFd read_end(fds[0]), write_end(fds[1]);
        // The server's standard error goes to an in-memory file: shown only if something fails,
        // instead of interleaving with the table.
        err_.reset(::memfd_create("server-stderr", MFD_CLOEXEC));
        // Everything the child needs is prepared before fork(): in a multi-threaded parent, only
        // async-signal-safe calls (dup2, execv, _exit) are allowed between fork and exec.
        std::string path = program.string();
        std::vector<std::string> all = args;
        all.insert(all.end(), {"--port", "0"});
        std::vector<char*> argv{path.data()};
        for (auto& a : all)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        pid_ = ::fork();
        if (pid_ == -1) throw std::system_error(errno, std::generic_category(), "fork");
        if (pid_ == 0) {
            ::dup2(write_end.get(), STDOUT_FILENO);  // dup2 clears O_CLOEXEC on the copy
            if (err_) ::dup2(err_.get(), STDERR_FILENO);
            ::execv(path.c_str(), argv.data());
            ::_exit(127);  // exec failed (the parent reports "exited before listening")
        }
        write_end.reset();
        out_ = std::move(read_end);
    }
    ~ServerProcess() {
        if (pid_ > 0 && !reaped_) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        if (drain_.joinable()) drain_.join();
    }
    pid_t pid() const { return pid_; }

    // The first line the server wrote to its standard error (empty if none).
    std::string stderr_line() const {
        if (!err_) return {};
        char text[512] = {};
        const ssize_t n = ::pread(err_.get(), text, sizeof text - 1, 0);
        std::string line(text, n > 0 ? std::size_t(n) : 0);
        return line.substr(0, line.find('\n'));
    }

    // Reads the first line (bounded), returns the port; then drains the rest of its output in
    // the background so that a server logging connections never blocks on a full pipe.
    std::uint16_t wait_listening(std::chrono::milliseconds limit) {
        std::string line;
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (line.find('\n') == std::string::npos) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) throw std::runtime_error("no 'listening on' line in time");
            pollfd p{out_.get(), POLLIN, 0};
            if (::poll(&p, 1, int(left.count())) <= 0) continue;
            char buffer[256];
            const ssize_t n = ::read(out_.get(), buffer, sizeof buffer);
            if (n <= 0) throw std::runtime_error("the server exited before listening");
            line.append(buffer, std::size_t(n));
        }
        line.resize(line.find('\n'));
        const auto colon = line.rfind(':');
        if (line.rfind("listening on ", 0) != 0 || colon == std::string::npos) {
            throw std::runtime_error("unexpected first line: " + line);
        }
        drain_ = std::thread([fd = out_.get()] {
            char sink[4096];
            while (::read(fd, sink, sizeof sink) > 0) {
            }
        });
        return static_cast<std::uint16_t>(std::stoi(line.substr(colon + 1)));
    }

    // SIGTERM, then wait (bounded); SIGKILL if it does not exit. Returns the exit status.
    int terminate(std::chrono::milliseconds limit) {
        ::kill(pid_, SIGTERM);
        const auto deadline = std::chrono::steady_clock::now() + limit;
        int status = 0;
        while (::waitpid(pid_, &status, WNOHANG) == 0) {
            if (std::chrono::steady_clock::now() > deadline) {
                ::kill(pid_, SIGKILL);
                ::waitpid(pid_, &status, 0);
                reaped_ = true;
                return -9;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        reaped_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    }

private:
    pid_t pid_ = -1;
    bool reaped_ = false;
    oslab::UniqueFd out_, err_;
    std::thread drain_;
};

}  // namespace oslab
