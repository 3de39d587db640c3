// Step 2: the echo server on raw epoll(7), one thread. The README section "Step 2: The epoll
// event loop" says what must hold; read `man 7 epoll`, "Questions and answers", too.
//
// Given: the data (Impl, Connection), epoll_ctl through watch(), the idle sweep, the timeout of
// epoll_wait, stop(). Yours: the TODOs. Add fields and helpers as your design needs.
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
    bool want_write = false;         // the interest registered now: EPOLLOUT (true) or EPOLLIN
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
        // TODO(student): Step 2. Runs on `thread` until stop() writes to `wake`.
        // Contract: one thread serves every client: each ready descriptor is handled without
        //   blocking; returns promptly once `wake` is readable. Idle clients are dropped
        //   (sweep_idle, when options.idle_timeout is set) and a paused accept resumes on time.
        // OS facts: epoll_wait(2) returns up to maxevents ready descriptors and may fail with
        //   EINTR; with a timeout of -1 it sleeps until something is ready. EPOLLHUP and EPOLLERR
        //   are reported whether asked for or not. A descriptor closed by an earlier event of the
        //   same batch may still appear later in the batch.
        // Think: a client closed while handling event 3 appears again as event 7. What must the
        //   loop do with it?
        OSLAB_TODO("Impl::loop: the epoll_wait loop", "Step 2: The epoll event loop");
    }
    void accept_clients() {
        // TODO(student): Step 2. The listener is readable.
        // Contract: every waiting client becomes a non-blocking Connection watched for input,
        //   with TCP_NODELAY, counted in total; beyond options.max_connections (when non-zero) it
        //   is closed at once. Correct in both trigger modes (config.edge_triggered).
        // Errors: EAGAIN ends the batch. EMFILE/ENFILE: the client stays in the backlog and the
        //   listener stays readable; the loop must not spin (next_timeout_ms() knows
        //   accept_paused and accept_paused_until). Other failures must not end the server.
        // OS facts: accept4(2) with SOCK_NONBLOCK | SOCK_CLOEXEC; in edge-triggered mode one
        //   event may stand for many waiting clients (epoll(7): "until EAGAIN").
        // Think: with 200 clients connecting at once, how many events does the listener get in
        //   each mode, and how many accepts does each event call for?
        OSLAB_TODO("Impl::accept_clients: accept until EAGAIN, EMFILE back-off",
                   "Step 2: The epoll event loop");
    }
    void on_readable(Connection& c) {
        // TODO(student): Step 2. c's socket is readable (or hung up).
        // Contract: what the client sent is sent back, in order. What the kernel does not take
        //   now is kept in c.pending and sent later; while anything is pending, nothing more is
        //   read from c (back-pressure: at most one buffer per connection). End of stream or an
        //   error closes c; a client that resets never hurts the others.
        // OS facts: read(2) returns 0 at end of stream, -1/EAGAIN when nothing is left.
        //   send(2) may take part of the buffer, or none (EAGAIN) when the socket's send buffer
        //   is full; MSG_NOSIGNAL turns SIGPIPE into EPIPE. Edge-triggered: the next event comes
        //   only after new data, so data left unread now is never reported again.
        // Think: when must you ask epoll for EPOLLOUT, and when stop asking? (A socket is
        //   writable almost always.)
        OSLAB_TODO("Impl::on_readable: read and echo", "Step 2: The epoll event loop");
    }
    void on_writable(Connection& c) {
        // TODO(student): Step 2. c has pending bytes and its socket is writable.
        // Contract: sends as much of c.pending as the kernel takes; once all is sent, c owns no
        //   buffer any more and is read from again. Errors close c.
        // OS facts: EPOLL_CTL_MOD re-checks readiness: data that arrived while you watched
        //   EPOLLOUT is reported once you watch EPOLLIN again, in both trigger modes.
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
    // TODO(student): Step 2.
    // Contract: binds and listens (options.host, options.port; std::system_error if the port is
    //   in use), starts `thread` running loop(), returns the bound port. stop() (given) expects
    //   `listener`, `epoll` and `wake` to be open and watched, and `thread` running.
    // OS facts: listen_tcp(..., SOCK_NONBLOCK) and local_port (oslab/net.hpp); epoll_create1(2)
    //   with EPOLL_CLOEXEC; eventfd(2) with EFD_NONBLOCK | EFD_CLOEXEC is readable once written.
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
