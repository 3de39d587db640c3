// lab05_poll_scaling: what one wait costs when one connection is active among N. N loopback TCP
// connections are open to this process; a child process holds the client ends of N - 1 of them
// and never sends (idle), this process holds the client end of the last one (active). A round:
// write one byte on the active client end, wait for readiness on all N server ends with poll(),
// select() or epoll_wait(), read the byte on the ready end, echo it, read the echo. Everything
// runs on one thread, so no wake-up of another task is in the figure: poll and select hand the
// kernel all N descriptors on every call and it checks each one (O(N)); epoll keeps the interest
// set in the kernel and returns its ready list (O(ready)).
//   lab05_poll_scaling [--connections 10,100,1000,10000] [--rounds 2000] [--max-seconds 0.5]
//                      [--json]
// select() takes fd_set bitmaps of FD_SETSIZE (1024) bits: with a descriptor >= 1024 it cannot be
// used at all ("n/a: FD_SETSIZE"). Descriptors: this process and the child each need about N,
// RLIMIT_NOFILE is raised (soft up to hard) to N + 64; above the hard limit the run stops with a
// message naming `ulimit -n`.
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <fmt/core.h>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "oslab/cli.hpp"
#include "oslab/echo_load.hpp"  // raise_fd_limit
#include "oslab/net.hpp"
#include "oslab/sys_error.hpp"
#include "oslab/unique_fd.hpp"

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kWaitTimeoutMs = 5000;
constexpr std::size_t kWarmUpRounds = 20;

double thread_cpu_ns() {
    timespec now{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) * 1e9 + static_cast<double>(now.tv_nsec);
}

// close() sends RST instead of FIN: no TIME_WAIT left behind by thousands of connections.
void abort_on_close(int fd) {
    const linger l{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
}

void send_byte(int fd) {
    const char byte = 'x';
    while (::send(fd, &byte, 1, MSG_NOSIGNAL) == -1) {
        if (errno != EINTR) oslab::throw_errno("send");
    }
}

void recv_byte(int fd) {
    char byte = 0;
    for (;;) {
        const ssize_t r = ::recv(fd, &byte, 1, 0);
        if (r == 1) return;
        if (r == 0) throw std::runtime_error("recv: the connection closed");
        if (errno != EINTR) oslab::throw_errno("recv");
    }
}

// N connections to a listener of this process: N - 1 client ends in a child (idle), one here.
struct Connections {
    std::vector<oslab::UniqueFd> server_ends;  // accepted, the last one is the active one
    oslab::UniqueFd active_client;
    pid_t child = -1;
    oslab::UniqueFd child_control;  // closing it tells the child to close its ends and exit

    ~Connections() {
        for (auto& fd : server_ends) {
            if (fd.valid()) abort_on_close(fd.get());
        }
        server_ends.clear();
        if (active_client.valid()) abort_on_close(active_client.get());
        active_client.reset();
        child_control.reset();
        if (child > 0) {
            int status = 0;
            while (::waitpid(child, &status, 0) == -1 && errno == EINTR) {
            }
        }
    }
};

void open_connections(Connections& c, std::size_t n) {
    const oslab::UniqueFd listener = oslab::listen_tcp("127.0.0.1", 0, 4096);
    const std::uint16_t port = oslab::local_port(listener.get());
    int control[2];
    oslab::check_syscall(::pipe2(control, O_CLOEXEC), "pipe2");
    oslab::UniqueFd control_read(control[0]), control_write(control[1]);
    const std::size_t idle = n - 1;
    c.child = oslab::check_syscall(::fork(), "fork");
    if (c.child == 0) {
        int status = 0;
        try {
            control_write.reset();
            std::vector<oslab::UniqueFd> clients;
            clients.reserve(idle);
            for (std::size_t i = 0; i < idle; ++i) {
                clients.push_back(oslab::connect_tcp("127.0.0.1", port));
                abort_on_close(clients.back().get());
            }
            char byte;
            while (::read(control_read.get(), &byte, 1) == -1 && errno == EINTR) {
            }  // EOF: the parent is done
        } catch (const std::exception& e) {
            std::fprintf(stderr, "lab05_poll_scaling (idle clients): %s\n", e.what());
            status = 1;
        }
        ::_exit(status);
    }
    control_read.reset();
    c.child_control = std::move(control_write);
    c.server_ends.reserve(n);
    for (std::size_t i = 0; i < idle; ++i) {
        pollfd ready{listener.get(), POLLIN, 0};  // bounded: a child that failed cannot hang us
        const int got = ::poll(&ready, 1, 10'000);
        if (got == 0) throw std::runtime_error("the idle clients stopped connecting (10 s)");
        if (got == -1 && errno == EINTR) {
            --i;
            continue;
        }
        oslab::check_syscall(got, "poll");
        const int fd = ::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC);
        if (fd == -1) {
            if (errno == EINTR) {
                --i;
                continue;
            }
            oslab::throw_errno("accept4");
        }
        c.server_ends.emplace_back(fd);
    }
    c.active_client = oslab::connect_tcp("127.0.0.1", port);
    const int fd =
        oslab::check_syscall(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC), "accept4");
    c.server_ends.emplace_back(fd);
}

struct Result {
    std::string mechanism;
    std::size_t connections = 0;
    std::size_t rounds = 0;
    double ns_per_round = 0;       // wall time of a whole round (send, wait, recv, echo, recv)
    double wait_ns_per_round = 0;  // the wait call alone (wall)
    double cpu_ns_per_round = 0;   // thread CPU time of a whole round
    std::string error;             // "n/a: FD_SETSIZE", or what failed
};

// Waits until the active server end is readable; returns the ready fd (checked by the caller).
class Waiter {
public:
    virtual ~Waiter() = default;
    virtual int wait() = 0;
};

class PollWaiter final : public Waiter {
public:
    explicit PollWaiter(const std::vector<oslab::UniqueFd>& fds) {
        for (const auto& fd : fds)
            set_.push_back(pollfd{fd.get(), POLLIN, 0});
    }
    int wait() override {
        int n = 0;
        do {
            n = ::poll(set_.data(), set_.size(), kWaitTimeoutMs);
        } while (n == -1 && errno == EINTR);
        oslab::check_syscall(n, "poll");
        if (n != 1) return -1;
        for (const auto& p : set_) {  // the user-space half of O(N): find who is ready
            if (p.revents != 0) return p.fd;
        }
        return -1;
    }

private:
    std::vector<pollfd> set_;
};

class SelectWaiter final : public Waiter {
public:
    explicit SelectWaiter(const std::vector<oslab::UniqueFd>& fds) {
        FD_ZERO(&all_);
        for (const auto& fd : fds) {
            FD_SET(fd.get(), &all_);
            max_fd_ = std::max(max_fd_, fd.get());
        }
    }
    int wait() override {
        int n = 0;
        fd_set ready;
        do {
            ready = all_;  // select() overwrites its sets: rebuild them for every call
            timeval timeout{kWaitTimeoutMs / 1000, 0};
            n = ::select(max_fd_ + 1, &ready, nullptr, nullptr, &timeout);
        } while (n == -1 && errno == EINTR);
        oslab::check_syscall(n, "select");
        if (n != 1) return -1;
        for (int fd = 0; fd <= max_fd_; ++fd) {
            if (FD_ISSET(fd, &ready)) return fd;
        }
        return -1;
    }

private:
    fd_set all_{};
    int max_fd_ = -1;
};

class EpollWaiter final : public Waiter {
public:
    explicit EpollWaiter(const std::vector<oslab::UniqueFd>& fds)
        : epoll_(oslab::check_syscall(::epoll_create1(EPOLL_CLOEXEC), "epoll_create1")) {
        for (const auto& fd : fds) {
            epoll_event event{};
            event.events = EPOLLIN;  // level-triggered, as poll and select
            event.data.fd = fd.get();
            oslab::check_syscall(::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd.get(), &event),
                                 "epoll_ctl");
        }
    }
    int wait() override {
        epoll_event events[16];
        int n = 0;
        do {
            n = ::epoll_wait(epoll_.get(), events, 16, kWaitTimeoutMs);
        } while (n == -1 && errno == EINTR);
        oslab::check_syscall(n, "epoll_wait");
        return n == 1 ? events[0].data.fd : -1;
    }

private:
    oslab::UniqueFd epoll_;
};

Result measure(const Connections& c, const std::string& mechanism, std::size_t max_rounds,
               double max_seconds) {
    Result r;
    r.mechanism = mechanism;
    r.connections = c.server_ends.size();
    int max_fd = c.active_client.get();
    for (const auto& fd : c.server_ends)
        max_fd = std::max(max_fd, fd.get());
    std::unique_ptr<Waiter> waiter;
    if (mechanism == "poll") waiter = std::make_unique<PollWaiter>(c.server_ends);
    if (mechanism == "epoll") waiter = std::make_unique<EpollWaiter>(c.server_ends);
    if (mechanism == "select") {
        if (max_fd >= FD_SETSIZE) {
            r.error = fmt::format("n/a: FD_SETSIZE (descriptor {} >= {})", max_fd, FD_SETSIZE);
            return r;
        }
        waiter = std::make_unique<SelectWaiter>(c.server_ends);
    }
    const int active_server = c.server_ends.back().get();
    const int client = c.active_client.get();
    double wait_ns = 0;
    auto round = [&] {
        send_byte(client);
        const auto before = Clock::now();
        const int ready = waiter->wait();
        wait_ns += std::chrono::duration<double, std::nano>(Clock::now() - before).count();
        if (ready != active_server) {
            throw std::runtime_error(ready < 0 ? "no single ready descriptor within the timeout"
                                               : "an idle connection was reported ready");
        }
        recv_byte(active_server);
        send_byte(active_server);
        recv_byte(client);
    };
    try {
        for (std::size_t i = 0; i < kWarmUpRounds; ++i)
            round();
        wait_ns = 0;
        const auto deadline = Clock::now() + std::chrono::duration<double>(max_seconds);
        const double cpu_start = thread_cpu_ns();
        const auto start = Clock::now();
        while (r.rounds < max_rounds && (r.rounds < 10 || Clock::now() < deadline)) {
            round();
            ++r.rounds;
        }
        const double wall = std::chrono::duration<double, std::nano>(Clock::now() - start).count();
        const double n = static_cast<double>(r.rounds);
        r.ns_per_round = wall / n;
        r.cpu_ns_per_round = (thread_cpu_ns() - cpu_start) / n;
        r.wait_ns_per_round = wait_ns / n;
    } catch (const std::exception& e) {
        r.error = e.what();
    }
    return r;
}

const Result* find(const std::vector<Result>& rows, const std::string& mechanism, std::size_t n) {
    for (const auto& r : rows) {
        if (r.mechanism == mechanism && r.connections == n && r.error.empty()) return &r;
    }
    return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "poll vs select vs epoll: time per wait-and-echo round, one active connection "
        "among N"};
    std::vector<std::size_t> counts{10, 100, 1000, 10000};
    std::size_t rounds = 2000;
    double max_seconds = 0.5;
    bool json = false;
    app.add_option("--connections", counts, "values of N (comma-separated)")
        ->delimiter(',')
        ->check(CLI::Range(2, 100000));
    app.add_option("--rounds", rounds, "most rounds per mechanism and N")
        ->check(CLI::Range(10, 10000000));
    app.add_option("--max-seconds", max_seconds, "time limit per mechanism and N (>= 10 rounds)")
        ->check(CLI::Range(0.001, 60.0));
    app.add_flag("--json", json, "print JSON");
    if (const auto status = oslab::parse_flags(app, argc, argv, "lab05_poll_scaling"))
        return *status;

    const char* mechanisms[] = {"poll", "select", "epoll"};
    std::vector<Result> rows;
    int status = 0;
    for (const std::size_t n : counts) {
        const std::size_t wanted = n + 64;
        rlimit limit{};
        ::getrlimit(RLIMIT_NOFILE, &limit);
        std::string setup_error;
        if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < wanted) {
            setup_error = fmt::format(
                "N = {} needs {} descriptors per process, the hard limit is {}: raise it "
                "(ulimit -n {} as root, /etc/security/limits.conf, systemd LimitNOFILE)",
                n, wanted, limit.rlim_max, wanted);
        } else if (oslab::raise_fd_limit(wanted) < wanted) {
            setup_error = fmt::format("could not raise RLIMIT_NOFILE to {} (ulimit -n)", wanted);
        }
        Connections c;
        if (setup_error.empty()) {
            try {
                open_connections(c, n);
            } catch (const std::exception& e) {
                setup_error = std::string("opening the connections: ") + e.what();
            }
        }
        for (const char* m : mechanisms) {
            if (!setup_error.empty()) {
                rows.push_back({m, n, 0, 0, 0, 0, setup_error});
                status = 3;
                continue;
            }
            rows.push_back(measure(c, m, rounds, max_seconds));
            if (!rows.back().error.empty() && rows.back().error.rfind("n/a", 0) != 0) status = 1;
        }
    }

    // The shape: poll's round at the largest N >= 10x at the smallest; epoll's within 2x. From
    // CPU time (robust when other programs share the CPUs; on a quiet machine wall time agrees).
    const std::size_t lo = *std::min_element(counts.begin(), counts.end());
    const std::size_t hi = *std::max_element(counts.begin(), counts.end());
    auto ratio = [&](const char* m, double Result::*field) {
        const Result* a = find(rows, m, lo);
        const Result* b = find(rows, m, hi);
        return a && b && a->*field > 0 ? b->*field / a->*field : 0.0;
    };
    const double poll_ratio = ratio("poll", &Result::cpu_ns_per_round);
    const double epoll_ratio = ratio("epoll", &Result::cpu_ns_per_round);
    const double poll_wall = ratio("poll", &Result::ns_per_round);
    const double epoll_wall = ratio("epoll", &Result::ns_per_round);
    const bool shape_ok = poll_ratio >= 10 && epoll_ratio > 0 && epoll_ratio <= 2;

    if (json) {
        fmt::print("{{\"rows\": [\n");
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const auto& r = rows[i];
            fmt::print(
                "  {{\"mechanism\": \"{}\", \"connections\": {}, \"rounds\": {}, "
                "\"ns_per_round\": {:.1f}, \"wait_ns_per_round\": {:.1f}, "
                "\"cpu_ns_per_round\": {:.1f}, \"error\": \"{}\"}}{}\n",
                r.mechanism, r.connections, r.rounds, r.ns_per_round, r.wait_ns_per_round,
                r.cpu_ns_per_round, oslab::json_escape(r.error), i + 1 < rows.size() ? "," : "");
        }
        fmt::print(
            "], \"shape\": {{\"from\": {}, \"to\": {}, \"poll_ratio\": {:.2f}, "
            "\"epoll_ratio\": {:.2f}, \"poll_ratio_wall\": {:.2f}, \"epoll_ratio_wall\": {:.2f}, "
            "\"ok\": {}}}}}\n",
            lo, hi, poll_ratio, epoll_ratio, poll_wall, epoll_wall, shape_ok ? "true" : "false");
        return status;
    }
    fmt::print(
        "One active connection among N (loopback TCP), one thread: send, wait, recv, echo, "
        "recv\n\n");
    fmt::print("{:>7} {:<7} {:>8} {:>12} {:>12} {:>12}\n", "N", "wait", "rounds", "us/round",
               "us in wait", "CPU us");
    for (const auto& r : rows) {
        if (!r.error.empty()) {
            fmt::print("{:>7} {:<7} {}\n", r.connections, r.mechanism, r.error);
            continue;
        }
        fmt::print("{:>7} {:<7} {:>8} {:>12.2f} {:>12.2f} {:>12.2f}\n", r.connections, r.mechanism,
                   r.rounds, r.ns_per_round / 1e3, r.wait_ns_per_round / 1e3,
                   r.cpu_ns_per_round / 1e3);
    }
    fmt::print(
        "\nN = {} -> {}, CPU time per round: poll x{:.1f} (expected >= 10), epoll x{:.2f} "
        "(expected <= 2): {}\n(wall time: poll x{:.1f}, epoll x{:.2f})\n",
        lo, hi, poll_ratio, epoll_ratio, shape_ok ? "shape ok" : "SHAPE NOT MET", poll_wall,
        epoll_wall);
    return status;
}
