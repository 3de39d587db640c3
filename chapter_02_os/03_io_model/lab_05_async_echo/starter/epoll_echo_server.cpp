// Step 2: the echo server on raw epoll(7), one thread. Read the README section
// "Step 2: The epoll event loop" first (and `man 7 epoll`, "Questions and answers").
//
// Given: the data structures, epoll_ctl/interest helpers, idle sweep, stop(). Yours: the TODOs.
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
#include <thread>
#include <unordered_map>
#include <vector>

#include "oslab/epoll_echo_server.hpp"
#include "oslab/net.hpp"
#include "oslab/not_implemented.hpp"
#include "oslab/sys_error.hpp"
#include "oslab/unique_fd.hpp"

namespace oslab {

using Clock = std::chrono::steady_clock;

namespace {
struct Connection {
    UniqueFd fd;
    std::vector<std::byte> pending;  // echo bytes the kernel did not take yet
    std::size_t pending_offset = 0;  // how much of `pending` is already sent
    bool want_write = false;         // current interest: EPOLLOUT (true) or EPOLLIN (false)
    Clock::time_point last_activity;
};
}  // namespace

struct EpollEchoServer::Impl {
    EchoServerOptions options;
    EpollConfig config;
    UniqueFd listener, epoll, wake;                   // wake: eventfd written by stop()
    std::unordered_map<int, Connection> connections;  // loop thread only
    std::array<std::byte, 64 * 1024> buffer;          // one read buffer for all connections
    Clock::time_point accept_paused_until{};          // EMFILE back-off
    Clock::time_point next_sweep{};                   // idle sweeps: at most every timeout/4
    bool accept_paused = false;
    std::atomic<std::size_t> active{0}, total{0};
    std::thread thread;

    // epoll_ctl(op, fd) with `events`, plus EPOLLET in edge-triggered mode. data.fd = fd.
    void watch(int fd, std::uint32_t events, int op) {
        epoll_event ev{};
        ev.events = events | (config.edge_triggered ? EPOLLET : 0u);
        ev.data.fd = fd;
        check_syscall(::epoll_ctl(epoll.get(), op, fd, &ev), "epoll_ctl");
    }
    // EPOLLOUT only while bytes are queued, EPOLLIN otherwise (MOD also re-checks readiness).
    void set_interest(Connection& c, bool want_write) {
        if (c.want_write == want_write) return;
        c.want_write = want_write;
        watch(c.fd.get(), want_write ? EPOLLOUT : EPOLLIN, EPOLL_CTL_MOD);
    }
    void close_connection(int fd) {  // close() also leaves the epoll interest list
        if (connections.erase(fd) != 0) --active;
    }
    int next_timeout_ms() const {  // for epoll_wait: idle sweeps and the accept back-off
        long long t = options.idle_timeout.count() > 0
                          ? std::clamp<long long>(options.idle_timeout.count() / 4, 1, 1000)
                          : -1;
        if (accept_paused) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(accept_paused_until -
                                                                              Clock::now());
            long long ms = std::max<long long>(left.count(), 1);
            t = t < 0 ? ms : std::min(t, ms);
        }
        return int(t);
    }
    void sweep_idle() {  // closes connections silent for idle_timeout (call after each wait)
        const auto now = Clock::now();
        if (now < next_sweep) return;  // O(connections): at most every idle_timeout/4
        next_sweep = now + std::max(options.idle_timeout / 4, std::chrono::milliseconds(1));
        std::vector<int> expired;
        for (auto& [fd, c] : connections) {
            if (now - c.last_activity >= options.idle_timeout) expired.push_back(fd);
        }
        for (int fd : expired)
            close_connection(fd);
    }

    void loop() {
        // TODO(student): forever: n = epoll_wait(epoll, events, 256, next_timeout_ms()) (EINTR:
        // again); for each event: the wake fd -> return; the listener -> accept_clients();
        // a client -> find it (it may be gone), on_readable() if EPOLLIN/HUP/ERR and not
        // want_write, on_writable() if EPOLLOUT/HUP/ERR and want_write. After the batch: resume
        // a paused accept whose time has come (watch(listener, EPOLLIN, EPOLL_CTL_MOD)), and
        // sweep_idle() if idle_timeout is set.
        OSLAB_TODO("Impl::loop: the epoll_wait loop", "Step 2: The epoll event loop");
    }
    void accept_clients() {
        // TODO(student): accept4(listener, ..., SOCK_NONBLOCK | SOCK_CLOEXEC) until EAGAIN.
        // EMFILE/ENFILE: stop watching the listener (events 0) and set accept_paused for 100 ms:
        // in level-triggered mode it stays readable and epoll_wait would spin. ++total; over
        // max_connections: close at once. Else TCP_NODELAY, watch(fd, EPOLLIN, ADD), store it.
        OSLAB_TODO("Impl::accept_clients: accept until EAGAIN, EMFILE back-off",
                   "Step 2: The epoll event loop");
    }
    void on_readable(Connection& c) {
        // TODO(student): read() into `buffer` (once in level-triggered mode; until EAGAIN in
        // edge-triggered mode). 0 = end of stream: close. Error: close. Else send() it back with
        // MSG_NOSIGNAL until done or EAGAIN; if some is left, copy it into c.pending and
        // set_interest(c, true): stop reading until it is flushed (back-pressure).
        OSLAB_TODO("Impl::on_readable: read and echo", "Step 2: The epoll event loop");
    }
    void on_writable(Connection& c) {
        // TODO(student): send() c.pending from pending_offset until done or EAGAIN (errors:
        // close). Once empty: clear it, shrink_to_fit, set_interest(c, false).
        OSLAB_TODO("Impl::on_writable: flush pending bytes", "Step 2: The epoll event loop");
    }
};

EpollEchoServer::EpollEchoServer(EchoServerOptions options, EpollConfig config)
    : impl_(std::make_unique<Impl>()) {
    impl_->options = std::move(options);
    impl_->config = config;
}

EpollEchoServer::~EpollEchoServer() {
    stop();
}

std::uint16_t EpollEchoServer::start() {
    // TODO(student): listener = listen_tcp(host, port, SOMAXCONN, SOCK_NONBLOCK); epoll =
    // epoll_create1(EPOLL_CLOEXEC); wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC) (check both);
    // watch the listener and the wake fd for EPOLLIN; start `thread` running loop(); return
    // local_port(listener).
    OSLAB_TODO("EpollEchoServer::start: listener, epoll, eventfd, loop thread",
               "Step 2: The epoll event loop");
}

void EpollEchoServer::stop() {
    Impl& s = *impl_;
    if (!s.thread.joinable()) return;
    std::uint64_t one = 1;  // eventfd: writing makes it readable, which wakes epoll_wait
    check_syscall(::write(s.wake.get(), &one, sizeof one), "write(eventfd)");
    s.thread.join();
    s.active -= s.connections.size();  // the loop is gone: this thread owns the state now
    s.connections.clear();             // closes every client
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
