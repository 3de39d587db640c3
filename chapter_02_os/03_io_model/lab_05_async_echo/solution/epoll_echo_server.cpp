// Reference: the echo server on raw epoll(7): what Asio does for you, by hand.
//
// One thread runs the loop:
//   epoll_wait -> for each ready descriptor: accept / read+echo / flush pending bytes -> repeat.
// Every socket is non-blocking (SOCK_NONBLOCK): a read or write that would block returns EAGAIN
// instead, so one slow client can never stall the others. A connection is only a small struct:
// the bytes the kernel's send buffer would not take yet (`pending`) and a timestamp.
#include "oslab/epoll_echo_server.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

#include "oslab/net.hpp"
#include "oslab/sys_error.hpp"
#include "oslab/unique_fd.hpp"

namespace oslab {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

struct Connection {
    UniqueFd fd;
    std::vector<std::byte> pending;  // echo bytes not yet accepted by the kernel
    std::size_t pending_offset = 0;  // how much of `pending` is already sent
    bool want_write = false;         // current interest is EPOLLOUT (else EPOLLIN)
    Clock::time_point last_activity;
};

bool would_block(int error) {
    return error == EAGAIN || error == EWOULDBLOCK;
}

}  // namespace

struct EpollEchoServer::Impl {
    EchoServerOptions options;
    EpollConfig config;
    UniqueFd listener, epoll, wake;  // wake: an eventfd that stop() writes to end epoll_wait
    std::unordered_map<int, Connection> connections;  // loop thread only
    std::array<std::byte, 64 * 1024> buffer;          // one read buffer shared by all connections
    Clock::time_point accept_paused_until{};          // EMFILE back-off
    Clock::time_point next_sweep{};                   // idle sweeps: at most every timeout/4
    bool accept_paused = false;
    std::atomic<std::size_t> active{0}, total{0};
    std::thread thread;

    std::uint32_t flags() const { return config.edge_triggered ? EPOLLET : 0u; }
    void watch(int fd, std::uint32_t events, int op) {
        epoll_event ev{};
        ev.events = events | flags();
        ev.data.fd = fd;
        check_syscall(::epoll_ctl(epoll.get(), op, fd, &ev), "epoll_ctl");
    }

    void loop();
    void accept_clients();
    void on_readable(Connection& c);
    void on_writable(Connection& c);
    bool flush(Connection& c);  // false: the connection failed
    void set_interest(Connection& c, bool want_write);
    void close_connection(int fd);
    int next_timeout_ms() const;
    void sweep_idle();
};

void EpollEchoServer::Impl::loop() {
    std::array<epoll_event, 256> events;
    for (;;) {
        // Blocks until a descriptor is ready, or the next deadline (idle sweep, accept back-off).
        int n = ::epoll_wait(epoll.get(), events.data(), int(events.size()), next_timeout_ms());
        if (n == -1) {
            if (errno == EINTR) continue;
            throw_errno("epoll_wait");
        }
        for (int i = 0; i < n; ++i) {
            const int fd = events[i].data.fd;
            const std::uint32_t ev = events[i].events;
            if (fd == wake.get()) return;  // stop() asked us to leave
            if (fd == listener.get()) {
                accept_clients();
                continue;
            }
            auto it = connections.find(fd);
            if (it == connections.end()) continue;  // closed earlier in this batch
            // EPOLLHUP/EPOLLERR are always reported: let read()/write() say what happened.
            if (ev & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
                if (!it->second.want_write) on_readable(it->second);
            }
            it = connections.find(fd);
            if (it != connections.end() && (ev & (EPOLLOUT | EPOLLHUP | EPOLLERR)) &&
                it->second.want_write) {
                on_writable(it->second);
            }
        }
        if (accept_paused && Clock::now() >= accept_paused_until) {
            accept_paused = false;
            // Re-arming with MOD re-checks readiness: clients waiting in the backlog are
            // reported again even in edge-triggered mode.
            watch(listener.get(), EPOLLIN, EPOLL_CTL_MOD);
        }
        if (options.idle_timeout.count() > 0) sweep_idle();
    }
}

void EpollEchoServer::Impl::accept_clients() {
    // Accept until EAGAIN: required in edge-triggered mode (one event for a whole burst of
    // clients), harmless in level-triggered mode.
    for (;;) {
        int fd = ::accept4(listener.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd == -1) {
            if (would_block(errno) || errno == EINTR) return;
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                // Out of descriptors. The listener stays readable (the client waits in the
                // backlog), so in level-triggered mode epoll_wait would return at once, forever:
                // a 100% CPU spin. Stop watching the listener and look again in 100 ms.
                watch(listener.get(), 0, EPOLL_CTL_MOD);
                accept_paused = true;
                accept_paused_until = Clock::now() + milliseconds(100);
                return;
            }
            continue;  // ECONNABORTED and friends: that client is gone, take the next one
        }
        UniqueFd client(fd);
        ++total;
        if (options.max_connections != 0 && connections.size() >= options.max_connections) {
            continue;  // over the limit: closed at once (UniqueFd), the client reads end of stream
        }
        int one = 1;  // small replies leave at once (no Nagle wait for the previous ACK)
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        Connection c;
        c.fd = std::move(client);
        c.last_activity = Clock::now();
        watch(fd, EPOLLIN, EPOLL_CTL_ADD);
        connections.emplace(fd, std::move(c));
        ++active;
    }
}

void EpollEchoServer::Impl::on_readable(Connection& c) {
    const int fd = c.fd.get();
    // Level-triggered: one read per wake-up is enough (epoll reports the rest next time), and it
    // keeps a fast client from starving the others. Edge-triggered: no new event will come for
    // data already waiting, so read until EAGAIN.
    do {
        ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (n == -1) {
            if (would_block(errno)) return;
            if (errno == EINTR) continue;
            close_connection(fd);  // ECONNRESET and friends: this client only
            return;
        }
        if (n == 0) {              // end of stream: the client shut down its sending side
            close_connection(fd);  // everything it sent is echoed (nothing is pending here)
            return;
        }
        c.last_activity = Clock::now();
        // Echo straight from the shared buffer; only what the kernel refuses is copied into the
        // connection's own `pending` buffer (rare: the client is not reading fast enough).
        std::size_t sent = 0;
        while (sent < std::size_t(n)) {
            ssize_t w = ::send(fd, buffer.data() + sent, std::size_t(n) - sent, MSG_NOSIGNAL);
            if (w == -1) {
                if (would_block(errno)) break;
                if (errno == EINTR) continue;
                close_connection(fd);  // EPIPE, ECONNRESET: this client only
                return;
            }
            sent += std::size_t(w);
        }
        if (sent < std::size_t(n)) {
            // The kernel's send buffer is full. Keep the rest, stop reading (back-pressure: at
            // most one buffer per connection is ever queued) and wait for EPOLLOUT.
            c.pending.assign(buffer.begin() + std::ptrdiff_t(sent), buffer.begin() + n);
            c.pending_offset = 0;
            set_interest(c, true);
            return;
        }
    } while (config.edge_triggered);
}

void EpollEchoServer::Impl::on_writable(Connection& c) {
    if (!flush(c)) return;
    if (c.pending.empty()) set_interest(c, false);  // drained: back to reading
}

bool EpollEchoServer::Impl::flush(Connection& c) {
    while (c.pending_offset < c.pending.size()) {
        // send + MSG_NOSIGNAL: a client that went away gives EPIPE, not a process-killing SIGPIPE.
        ssize_t n = ::send(c.fd.get(), c.pending.data() + c.pending_offset,
                           c.pending.size() - c.pending_offset, MSG_NOSIGNAL);
        if (n == -1) {
            if (would_block(errno)) return true;  // partial: the rest waits for EPOLLOUT
            if (errno == EINTR) continue;
            close_connection(c.fd.get());
            return false;
        }
        c.pending_offset += std::size_t(n);
        c.last_activity = Clock::now();
    }
    c.pending.clear();
    c.pending.shrink_to_fit();  // give the memory back: an idle connection owns no buffer
    c.pending_offset = 0;
    return true;
}

void EpollEchoServer::Impl::set_interest(Connection& c, bool want_write) {
    if (c.want_write == want_write) return;
    c.want_write = want_write;
    // EPOLLOUT only while bytes are queued: a socket with room in its send buffer is almost
    // always writable, so permanent EPOLLOUT interest would wake the loop for nothing.
    // EPOLL_CTL_MOD also re-checks readiness, so in edge-triggered mode data that arrived while
    // we were not reading is reported now.
    watch(c.fd.get(), want_write ? EPOLLOUT : EPOLLIN, EPOLL_CTL_MOD);
}

void EpollEchoServer::Impl::close_connection(int fd) {
    // close() also removes the descriptor from the epoll interest list.
    if (connections.erase(fd) != 0) --active;
}

int EpollEchoServer::Impl::next_timeout_ms() const {
    long long timeout = -1;  // no deadline: sleep until something happens
    if (options.idle_timeout.count() > 0) {
        // A sweep every quarter of the timeout: a client is dropped at most 25% late.
        timeout = std::clamp<long long>(options.idle_timeout.count() / 4, 1, 1000);
    }
    if (accept_paused) {
        auto left = std::chrono::duration_cast<milliseconds>(accept_paused_until - Clock::now());
        long long ms = std::max<long long>(left.count(), 1);
        timeout = timeout < 0 ? ms : std::min(timeout, ms);
    }
    return int(timeout);
}

void EpollEchoServer::Impl::sweep_idle() {
    // O(connections) per sweep, so sweep at most every idle_timeout/4 (a client is dropped at most
    // 25% late). Real servers keep timers in a heap or a timer wheel (nginx: a red-black tree) so
    // that only the expired ones are touched.
    const auto now = Clock::now();
    if (now < next_sweep) return;
    next_sweep = now + std::max(options.idle_timeout / 4, milliseconds(1));
    std::vector<int> expired;
    for (auto& [fd, c] : connections) {
        if (now - c.last_activity >= options.idle_timeout) expired.push_back(fd);
    }
    for (int fd : expired)
        close_connection(fd);
}

EpollEchoServer::EpollEchoServer(EchoServerOptions options, EpollConfig config)
    : impl_(std::make_unique<Impl>()) {
    impl_->options = std::move(options);
    impl_->config = config;
}

EpollEchoServer::~EpollEchoServer() {
    stop();
}

std::uint16_t EpollEchoServer::start() {
    Impl& s = *impl_;
    if (s.listener) throw std::logic_error("EpollEchoServer::start called twice");
    s.listener = listen_tcp(s.options.host, s.options.port, SOMAXCONN, SOCK_NONBLOCK);
    s.epoll = UniqueFd(check_syscall(::epoll_create1(EPOLL_CLOEXEC), "epoll_create1"));
    s.wake = UniqueFd(check_syscall(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC), "eventfd"));
    s.watch(s.listener.get(), EPOLLIN, EPOLL_CTL_ADD);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = s.wake.get();
    check_syscall(::epoll_ctl(s.epoll.get(), EPOLL_CTL_ADD, s.wake.get(), &ev), "epoll_ctl");
    s.thread = std::thread([&s] {
        try {
            s.loop();
        } catch (const std::exception& e) {  // e.g. epoll_ctl failing for lack of kernel memory
            std::fprintf(stderr, "epoll echo server: event loop stopped: %s\n", e.what());
        }
    });
    return local_port(s.listener.get());
}

void EpollEchoServer::stop() {
    Impl& s = *impl_;
    if (!s.thread.joinable()) return;
    std::uint64_t one = 1;  // eventfd: an 8-byte counter; writing makes it readable
    check_syscall(::write(s.wake.get(), &one, sizeof one), "write(eventfd)");
    s.thread.join();
    // The loop has returned: this thread is now the only one touching the state.
    s.active -= s.connections.size();
    s.connections.clear();  // closes every client
    s.listener.reset();
    s.wake.reset();
    s.epoll.reset();
}

std::size_t EpollEchoServer::active_connections() const {
    return impl_->active.load();
}
std::size_t EpollEchoServer::total_connections() const {
    return impl_->total.load();
}

}  // namespace oslab
