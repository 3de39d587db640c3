// The echo load generator's engine (see oslab/echo_load.hpp): one thread, one epoll instance, every
// connection a small state machine "send the message -> read the whole echo -> check -> again".
#include "oslab/echo_load.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <span>
#include <stdexcept>
#include <thread>
#include <vector>

#include "oslab/fd_limit.hpp"
#include "oslab/net.hpp"
#include "oslab/sys_error.hpp"
#include "oslab/unique_fd.hpp"

namespace oslab {
namespace {

using Clock = std::chrono::steady_clock;

// How long connecting may take before the connections still pending count as errors. Generous:
// when a slow server lets its listen backlog overflow, the kernel retries a dropped SYN after
// 1 s, then 3 s, 7 s (exponential back-off).
constexpr auto kConnectTimeout = std::chrono::seconds(10);
// How long the echo checks of hold_connections wait for their answers.
constexpr auto kEchoCheckTimeout = std::chrono::seconds(10);

int timeout_ms(Clock::time_point deadline) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    return static_cast<int>(std::clamp<long long>(left.count(), 0, 100));
}

class Epoll {
public:
    Epoll() : fd_(check_syscall(::epoll_create1(EPOLL_CLOEXEC), "epoll_create1")) {}
    void add(int fd, std::uint32_t events, std::size_t index) {
        control(EPOLL_CTL_ADD, fd, events, index);
    }
    void modify(int fd, std::uint32_t events, std::size_t index) {
        control(EPOLL_CTL_MOD, fd, events, index);
    }
    void remove(int fd) { ::epoll_ctl(fd_.get(), EPOLL_CTL_DEL, fd, nullptr); }
    // Waits up to timeout_ms; returns the ready events (empty on timeout or EINTR).
    std::span<epoll_event> wait(int timeout) {
        const int n =
            ::epoll_wait(fd_.get(), events_.data(), static_cast<int>(events_.size()), timeout);
        if (n == -1) {
            if (errno == EINTR) return {};
            throw_errno("epoll_wait");
        }
        return std::span(events_.data(), static_cast<std::size_t>(n));
    }

private:
    void control(int op, int fd, std::uint32_t events, std::size_t index) {
        epoll_event event{};
        event.events = events;
        event.data.u64 = index;
        check_syscall(::epoll_ctl(fd_.get(), op, fd, &event), "epoll_ctl");
    }
    UniqueFd fd_;
    std::array<epoll_event, 256> events_{};
};

// Opens `count` non-blocking connections at once and waits (bounded) for their handshakes.
// Returns one entry per connection: a connected socket, or an invalid one (counted in *errors).
std::vector<UniqueFd> connect_all(const std::string& host, std::uint16_t port, std::size_t count,
                                  std::uint64_t* errors) {
    const auto address = ipv4_address(host, port);
    std::vector<UniqueFd> sockets(count);
    std::vector<bool> pending(count, false);
    Epoll epoll;
    std::size_t waiting = 0;
    for (std::size_t i = 0; i < count; ++i) {
        UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
        if (!fd) {  // EMFILE: out of descriptors
            ++*errors;
            continue;
        }
        const int one = 1;
        ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        // A non-blocking connect() returns EINPROGRESS: the handshake goes on in the kernel and
        // the socket becomes writable when it is done (SO_ERROR then tells how it ended).
        if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0) {
            sockets[i] = std::move(fd);
        } else if (errno == EINPROGRESS) {
            epoll.add(fd.get(), EPOLLOUT, i);
            sockets[i] = std::move(fd);
            pending[i] = true;
            ++waiting;
        } else {
            ++*errors;
        }
    }
    const auto deadline = Clock::now() + kConnectTimeout;
    while (waiting > 0 && Clock::now() < deadline) {
        for (const auto& event : epoll.wait(timeout_ms(deadline))) {
            const auto i = static_cast<std::size_t>(event.data.u64);
            if (!pending[i]) continue;
            pending[i] = false;
            --waiting;
            epoll.remove(sockets[i].get());
            int error = 0;
            socklen_t length = sizeof error;
            ::getsockopt(sockets[i].get(), SOL_SOCKET, SO_ERROR, &error, &length);
            if (error != 0) {
                sockets[i].reset();
                ++*errors;
            }
        }
    }
    for (std::size_t i = 0; i < count; ++i) {
        if (pending[i]) {  // still not connected after the timeout
            sockets[i].reset();
            ++*errors;
        }
    }
    return sockets;
}

// Message k of connection i is a slice of a 251-byte periodic pattern starting at a (i, k)
// dependent offset: different on every connection and every message, and checkable with memcmp.
constexpr std::size_t kPeriod = 251;

std::vector<std::byte> make_pattern(std::size_t message_size) {
    std::vector<std::byte> pattern(message_size + kPeriod);
    for (std::size_t j = 0; j < pattern.size(); ++j) {
        pattern[j] = static_cast<std::byte>((j % kPeriod) * 97 % 256);
    }
    return pattern;
}

struct Connection {
    UniqueFd fd;
    std::size_t sent = 0, received = 0;
    std::uint64_t sequence = 0;
    bool watching_output = false;
    Clock::time_point started;
    const std::byte* message = nullptr;
};

double percentile_us(std::vector<std::uint32_t>& latencies_ns, double p) {
    if (latencies_ns.empty()) return 0;
    const auto rank =
        static_cast<std::size_t>(std::ceil(p * static_cast<double>(latencies_ns.size())));
    const auto index = std::min(latencies_ns.size() - 1, rank == 0 ? 0 : rank - 1);
    std::nth_element(latencies_ns.begin(), latencies_ns.begin() + static_cast<long>(index),
                     latencies_ns.end());
    return latencies_ns[index] / 1000.0;
}

// Sends a small message on every socket, waits (bounded) for each echo; returns how many echoed.
// Sockets that fail are closed.
std::size_t echo_check(std::vector<UniqueFd>& sockets, std::uint64_t* errors) {
    Epoll epoll;
    std::vector<std::string> expected(sockets.size());
    std::vector<std::string> got(sockets.size());
    std::vector<bool> answered(sockets.size(), false);
    std::size_t waiting = 0;
    for (std::size_t i = 0; i < sockets.size(); ++i) {
        if (!sockets[i]) continue;
        expected[i] = "hold #" + std::to_string(i) + ";";
        const auto n =
            ::send(sockets[i].get(), expected[i].data(), expected[i].size(), MSG_NOSIGNAL);
        if (n != static_cast<ssize_t>(expected[i].size())) {
            sockets[i].reset();
            ++*errors;
            continue;
        }
        epoll.add(sockets[i].get(), EPOLLIN, i);
        ++waiting;
    }
    std::size_t echoed = 0;
    const auto deadline = Clock::now() + kEchoCheckTimeout;
    std::array<char, 256> buffer;
    while (waiting > 0 && Clock::now() < deadline) {
        for (const auto& event : epoll.wait(timeout_ms(deadline))) {
            const auto i = static_cast<std::size_t>(event.data.u64);
            if (!sockets[i]) continue;
            const auto want = expected[i].size() - got[i].size();
            const auto n =
                ::recv(sockets[i].get(), buffer.data(), std::min(want, buffer.size()), 0);
            if (n == -1 && (errno == EAGAIN || errno == EINTR)) continue;
            if (n > 0) got[i].append(buffer.data(), static_cast<std::size_t>(n));
            const bool done = n > 0 && got[i].size() == expected[i].size();
            if (n <= 0 || (done && got[i] != expected[i])) {  // closed, reset or wrong bytes
                epoll.remove(sockets[i].get());
                sockets[i].reset();
                ++*errors;
                --waiting;
            } else if (done) {
                epoll.remove(sockets[i].get());
                answered[i] = true;
                ++echoed;
                --waiting;
            }
        }
    }
    for (std::size_t i = 0; i < sockets.size(); ++i) {  // no (full) answer in time
        if (sockets[i] && !answered[i]) {
            sockets[i].reset();
            ++*errors;
        }
    }
    return echoed;
}

}  // namespace

LoadResult run_echo_load(const LoadOptions& options) {
    if (options.message_size == 0)
        throw std::invalid_argument("echo_load: message size must be > 0");
    LoadResult result;
    std::vector<Connection> connections;
    {
        auto sockets = connect_all(options.host, options.port, options.connections, &result.errors);
        for (auto& socket : sockets) {
            if (!socket) continue;
            connections.emplace_back().fd = std::move(socket);
        }
    }
    result.connections = connections.size();
    if (connections.empty()) return result;

    const auto pattern = make_pattern(options.message_size);
    std::vector<std::byte> scratch(options.message_size);
    std::vector<std::uint32_t> latencies_ns;
    latencies_ns.reserve(1u << 16);
    Epoll epoll;
    std::size_t alive = connections.size();

    const auto fail = [&](Connection& c) {
        epoll.remove(c.fd.get());
        c.fd.reset();
        ++result.errors;
        --alive;
    };
    // Sends as much of the current message as the socket takes; watches for writability only
    // while some of it is left (level-triggered epoll would otherwise report "writable" forever).
    const auto send_more = [&](Connection& c, std::size_t index) {
        while (c.sent < options.message_size) {
            const auto n =
                ::send(c.fd.get(), c.message + c.sent, options.message_size - c.sent, MSG_NOSIGNAL);
            if (n == -1) {
                if (errno == EINTR) continue;
                if (errno == EAGAIN || errno == EWOULDBLOCK) break;
                fail(c);
                return;
            }
            c.sent += static_cast<std::size_t>(n);
        }
        const bool want_output = c.sent < options.message_size;
        if (want_output != c.watching_output) {
            epoll.modify(c.fd.get(), EPOLLIN | (want_output ? EPOLLOUT : 0u), index);
            c.watching_output = want_output;
        }
    };
    const auto next_message = [&](Connection& c, std::size_t index) {
        c.message = pattern.data() + (index * 17 + c.sequence * 31) % kPeriod;
        c.sent = c.received = 0;
        c.started = Clock::now();
        send_more(c, index);
    };

    auto measure_from = Clock::now() + options.warmup;
    auto end = measure_from + options.duration;
    bool measuring = false;
    // The measured phase: its callback first, then its clock (a slow callback is not measured).
    const auto begin_measuring = [&] {
        measuring = true;
        if (options.on_measure_start) options.on_measure_start();
        measure_from = Clock::now();
        end = measure_from + options.duration;
    };
    if (options.warmup.count() <= 0) begin_measuring();
    for (std::size_t i = 0; i < connections.size(); ++i) {
        epoll.add(connections[i].fd.get(), EPOLLIN, i);
        next_message(connections[i], i);
    }

    while (alive > 0) {
        if (!measuring && Clock::now() >= measure_from) begin_measuring();
        if (Clock::now() >= end) break;
        if (options.max_messages > 0 && result.messages >= options.max_messages) break;
        for (const auto& event : epoll.wait(timeout_ms(end))) {
            const auto i = static_cast<std::size_t>(event.data.u64);
            auto& c = connections[i];
            if (!c.fd) continue;
            if ((event.events & EPOLLOUT) != 0) {
                send_more(c, i);
                if (!c.fd) continue;
            }
            if ((event.events & (EPOLLIN | EPOLLERR | EPOLLHUP)) == 0) continue;
            const auto want = options.message_size - c.received;
            const auto n = ::recv(c.fd.get(), scratch.data(), want, 0);
            if (n == -1 && (errno == EAGAIN || errno == EINTR)) continue;
            if (n <= 0) {  // 0: the server closed; -1: reset or another error
                fail(c);
                continue;
            }
            const auto got = static_cast<std::size_t>(n);
            // Every echoed byte must be the byte sent: a server that drops, reorders or mixes up
            // connections fails here.
            if (got > c.sent - c.received ||
                std::memcmp(scratch.data(), c.message + c.received, got) != 0) {
                fail(c);
                continue;
            }
            c.received += got;
            if (c.received < options.message_size) continue;
            const auto done = Clock::now();
            if (done >= measure_from && done < end) {
                const auto ns =
                    std::chrono::duration_cast<std::chrono::nanoseconds>(done - c.started);
                latencies_ns.push_back(static_cast<std::uint32_t>(
                    std::min<long long>(ns.count(), std::numeric_limits<std::uint32_t>::max())));
                ++result.messages;
            }
            ++c.sequence;
            next_message(c, i);
        }
    }
    const auto stopped = std::min(Clock::now(), end);
    if (measuring && options.on_measure_end) options.on_measure_end();
    result.seconds = std::max(0.0, std::chrono::duration<double>(stopped - measure_from).count());
    result.bytes = result.messages * options.message_size;
    if (result.seconds > 0) {
        result.messages_per_second = static_cast<double>(result.messages) / result.seconds;
        result.megabytes_per_second = static_cast<double>(result.bytes) / result.seconds / 1e6;
    }
    result.p50_us = percentile_us(latencies_ns, 0.50);
    result.p99_us = percentile_us(latencies_ns, 0.99);
    result.p999_us = percentile_us(latencies_ns, 0.999);
    return result;
}

HoldResult hold_connections(const HoldOptions& options, const std::function<void()>& on_held) {
    raise_fd_limit(options.connections + 64);
    HoldResult result;
    auto sockets = connect_all(options.host, options.port, options.connections, &result.errors);
    // One echo each first: a connection the kernel completed but the server never accepted (or
    // closed at once) is not "held" by the server.
    echo_check(sockets, &result.errors);
    result.opened = static_cast<std::size_t>(std::count_if(
        sockets.begin(), sockets.end(), [](const UniqueFd& fd) { return fd.valid(); }));
    const auto until = Clock::now() + options.hold;
    if (on_held) on_held();
    std::this_thread::sleep_until(until);
    result.echoed_at_end = echo_check(sockets, &result.errors);
    return result;
}

}  // namespace oslab
