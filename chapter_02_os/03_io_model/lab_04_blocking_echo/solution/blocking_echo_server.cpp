// Lab 4 reference: the blocking, thread-per-connection echo server.
//
//   acceptor thread:  poll(listener, wake pipe) -> accept4() -> std::thread per client; joins the
//                     threads of clients that have gone (reaping) every time it wakes up.
//   client thread:    read() blocks until bytes arrive -> write() them all back -> repeat until
//                     end of stream (0), an error, or the idle timeout.
//   stop():           wakes the acceptor through the pipe, joins it, closes the listener,
//                     shutdown()s every client socket (a blocked read/write returns at once),
//                     joins.
#include "oslab/blocking_echo_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "oslab/net.hpp"
#include "oslab/sys_error.hpp"

namespace oslab {
namespace {

// How long the acceptor sleeps after accept() failed for lack of descriptors or memory. While it
// sleeps the pending connections wait in the kernel's backlog; they are served once descriptors
// free up. Retrying at once would spin at 100% CPU: the listener stays readable the whole time.
constexpr int kBackoffMs = 100;

std::string peer_name(const sockaddr_in& peer) {
    char text[INET_ADDRSTRLEN] = "?";
    ::inet_ntop(AF_INET, &peer.sin_addr, text, sizeof text);
    return std::string(text) + ":" + std::to_string(ntohs(peer.sin_port));
}

}  // namespace

BlockingEchoServer::BlockingEchoServer(EchoServerOptions options, Logger log)
    : options_(std::move(options)), log_(std::move(log)) {}

BlockingEchoServer::~BlockingEchoServer() {
    stop();
}

std::uint16_t BlockingEchoServer::start() {
    std::lock_guard lifecycle(lifecycle_);
    if (acceptor_.joinable() || stopping_) {
        throw std::logic_error("BlockingEchoServer::start: call it once, before stop()");
    }
    // Non-blocking listener: poll() said "readable", but the client may have gone (RST) before
    // accept4() runs; a blocking accept4() would then sleep and miss stop().
    listener_ = listen_tcp(options_.host, options_.port, 1024, SOCK_NONBLOCK);
    // The self-pipe: stop() and finishing client threads write a byte to wake the acceptor out
    // of poll(). Non-blocking so that a full pipe never blocks a writer (a wake-up is pending).
    int pipe_fds[2];
    check_syscall(::pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK), "pipe2");
    wake_read_.reset(pipe_fds[0]);
    wake_write_.reset(pipe_fds[1]);
    const auto port = local_port(listener_.get());
    acceptor_ = std::thread(&BlockingEchoServer::accept_loop, this);
    return port;
}

void BlockingEchoServer::wake() {
    const char byte = 1;
    // EAGAIN (pipe full) is fine: the acceptor has wake-ups pending already.
    [[maybe_unused]] const auto written = ::write(wake_write_.get(), &byte, 1);
}

void BlockingEchoServer::accept_loop() {
    bool backing_off = false;
    for (;;) {
        // Wait for a new client (listener readable) or a wake-up (pipe readable). While backing
        // off after EMFILE, watch the pipe only, with a timeout.
        std::array<pollfd, 2> fds{{{wake_read_.get(), POLLIN, 0}, {listener_.get(), POLLIN, 0}}};
        const int rc = ::poll(fds.data(), backing_off ? 1 : 2, backing_off ? kBackoffMs : -1);
        if (rc == -1 && errno != EINTR) {
            log(LogLevel::error, std::string("poll: ") + std::strerror(errno));
            backing_off = true;
            continue;
        }
        if (rc > 0 && (fds[0].revents & POLLIN) != 0) {
            std::array<char, 256> drain;
            while (::read(wake_read_.get(), drain.data(), drain.size()) > 0) {
            }
        }
        {
            std::lock_guard lock(mutex_);
            if (stopping_) return;
        }
        reap();  // a woken acceptor first joins the threads of clients that have gone
        if (backing_off) {
            backing_off = false;  // try accept() again on the next round
            continue;
        }
        if (rc > 0 && (fds[1].revents & POLLIN) != 0 && !accept_one()) backing_off = true;
    }
}

bool BlockingEchoServer::accept_one() {
    sockaddr_in peer{};
    socklen_t length = sizeof peer;
    // accept4 takes the next finished handshake off the backlog and returns a NEW descriptor for
    // that one connection; SOCK_CLOEXEC so that no exec'd child inherits it.
    UniqueFd client(
        ::accept4(listener_.get(), reinterpret_cast<sockaddr*>(&peer), &length, SOCK_CLOEXEC));
    if (!client) {
        switch (errno) {
            case EAGAIN:        // nothing there after all (the client went away)
            case EINTR:         // a signal arrived
            case ECONNABORTED:  // the client reset before we accepted
            case EPROTO:
                return true;
            default:
                // Out of descriptors (EMFILE: this process; ENFILE: the whole system), of socket
                // buffers or memory: the client stays in the backlog; the caller backs off.
                // (Reported with strerror rather than an exception: nothing to unwind here.)
                log(LogLevel::error, std::string("accept4: ") + std::strerror(errno) +
                                         ": backing off " + std::to_string(kBackoffMs) + " ms");
                return false;
        }
    }
    if (options_.max_connections != 0 && active_.load() >= options_.max_connections) {
        log(LogLevel::info, "refused " + peer_name(peer) + ": max connections reached");
        return true;  // ~UniqueFd closes it: the client reads end of stream at once
    }

    std::lock_guard lock(mutex_);
    if (stopping_) return true;
    const auto id = next_id_++;
    auto& connection = connections_[id];
    connection.fd = client.get();
    // Logged before the thread exists, so that "connected" always comes before its "closed".
    log(LogLevel::info, "client #" + std::to_string(id) + " connected from " + peer_name(peer));
    try {
        // The new thread starts in serve() at once, but its first step that touches the map
        // (finish) needs mutex_, which we hold until `connection.thread` is assigned.
        connection.thread = std::thread(&BlockingEchoServer::serve, this, id, std::move(client));
    } catch (const std::system_error& e) {  // EAGAIN: no more threads; the socket was closed
        connections_.erase(id);
        log(LogLevel::error, std::string("cannot start a client thread: ") + e.what());
        return false;
    }
    ++active_;
    ++total_;
    return true;
}

void BlockingEchoServer::serve(std::uint64_t id, UniqueFd fd) {
    std::string how = "closed by the client";
    try {
        if (options_.idle_timeout.count() > 0) {
            // SO_RCVTIMEO / SO_SNDTIMEO (oslab/net.hpp): a blocking read()/write() gives up with
            // EAGAIN after this long without progress. That is the whole idle timeout here.
            set_socket_timeouts(fd.get(), options_.idle_timeout);
        }
        // 16 KiB on this thread's own stack: each connection's state lives on its thread.
        std::array<std::byte, 16 * 1024> buffer;
        for (;;) {
            // read() blocks this thread (and only this one) until the client sends something.
            const std::size_t n = read_some(fd.get(), buffer);
            if (n == 0) break;  // end of stream: the client closed or half-closed (SHUT_WR)
            // write_all loops over partial writes and uses MSG_NOSIGNAL (EPIPE, not SIGPIPE).
            write_all(fd.get(), std::span(buffer.data(), n));
        }
    } catch (const std::system_error& e) {
        const int error = e.code().value();
        if (error == EAGAIN || error == EWOULDBLOCK) {
            how = "dropped: idle timeout";
        } else if (error == ECONNRESET || error == EPIPE) {
            how = "reset by the client";
        } else {
            how = std::string("error: ") + e.what();
        }
    }
    log(LogLevel::info, "client #" + std::to_string(id) + " " + how);
    finish(id, std::move(fd));
}

void BlockingEchoServer::finish(std::uint64_t id, UniqueFd fd) {
    {
        std::lock_guard lock(mutex_);
        // A thread cannot join itself: it hands its std::thread to the acceptor, which joins it.
        // (After stop() took the map over, the entry is gone and stop() joins this thread.)
        if (auto it = connections_.find(id); it != connections_.end()) {
            finished_.push_back(std::move(it->second.thread));
            connections_.erase(it);
        }
        // Closed under the lock: stop() shutdown()s descriptors under the same lock, so it never
        // hits this number after it was closed and reused by another open()/accept().
        fd.reset();
        --active_;
    }
    wake();
}

void BlockingEchoServer::reap() {
    std::vector<std::thread> finished;
    {
        std::lock_guard lock(mutex_);
        finished.swap(finished_);
    }
    // These threads are past finish(): each join returns as soon as it has left serve().
    for (auto& thread : finished) {
        thread.join();
    }
    if (!finished.empty()) {
        log(LogLevel::debug, "reaped " + std::to_string(finished.size()) + " finished thread(s)");
    }
}

void BlockingEchoServer::stop() {
    std::lock_guard lifecycle(lifecycle_);
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    if (!acceptor_.joinable()) return;  // never started, or already stopped
    wake();
    acceptor_.join();
    listener_.reset();  // from now on connect() is refused

    std::map<std::uint64_t, Connection> live;
    std::vector<std::thread> finished;
    {
        std::lock_guard lock(mutex_);
        // shutdown(SHUT_RDWR) wakes a thread blocked in read() (it returns 0) or in write() (EPIPE)
        // on this socket; close() from another thread would not reliably do that.
        for (auto& [id, connection] : connections_)
            ::shutdown(connection.fd, SHUT_RDWR);
        live.swap(connections_);
        finished.swap(finished_);
    }
    for (auto& [id, connection] : live)
        connection.thread.join();
    for (auto& thread : finished)
        thread.join();
    wake_read_.reset();
    wake_write_.reset();
}

void BlockingEchoServer::log(LogLevel level, const std::string& message) const {
    if (log_) log_(level, message);
}

}  // namespace oslab
