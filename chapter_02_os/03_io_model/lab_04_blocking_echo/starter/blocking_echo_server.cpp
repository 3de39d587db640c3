// Lab 4 starter: the blocking, thread-per-connection echo server (oslab/blocking_echo_server.hpp).
// Work through README.md, Steps 1-5. Given: construction, start() up to the accept thread, the
// wake-up pipe, logging, and the TCP helpers of oslab/net.hpp (read_some, write_all, ...).
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
#include "oslab/not_implemented.hpp"
#include "oslab/sys_error.hpp"

namespace oslab {
namespace {

// How long to pause accepting after accept4() failed with EMFILE/ENFILE (Step 5).
[[maybe_unused]] constexpr int kBackoffMs = 100;

// "127.0.0.1:54321", for log lines.
[[maybe_unused]] std::string peer_name(const sockaddr_in& peer) {
    char text[INET_ADDRSTRLEN] = "?";
    ::inet_ntop(AF_INET, &peer.sin_addr, text, sizeof text);
    return std::string(text) + ":" + std::to_string(ntohs(peer.sin_port));
}

// Given in oslab/net.hpp: set_socket_timeouts(fd, timeout) (SO_RCVTIMEO / SO_SNDTIMEO): a blocking
// read()/write() on `fd` fails with EAGAIN after `timeout`.

}  // namespace

BlockingEchoServer::BlockingEchoServer(EchoServerOptions options, Logger log)
    : options_(std::move(options)), log_(std::move(log)) {}

BlockingEchoServer::~BlockingEchoServer() {
    stop();
}

std::uint16_t BlockingEchoServer::start() {
    std::lock_guard lifecycle(lifecycle_);
    if (acceptor_.joinable() || stopping_) throw std::logic_error("start() once, before stop()");
    // Non-blocking listener: accept4() after poll() must never sleep (the client may be gone).
    listener_ = listen_tcp(options_.host, options_.port, 1024, SOCK_NONBLOCK);
    // The wake-up ("self-") pipe: a byte written to wake_write_ makes the acceptor's poll() return.
    int pipe_fds[2];
    check_syscall(::pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK), "pipe2");
    wake_read_.reset(pipe_fds[0]);
    wake_write_.reset(pipe_fds[1]);
    const auto port = local_port(listener_.get());
    // TODO(student): start acceptor_, a std::thread running accept_loop() on this object, and
    // return `port`.
    OSLAB_TODO("start the accept thread at the end of start()",
               "Step 2: Accept loop, one thread per client");
}

void BlockingEchoServer::wake() {
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(wake_write_.get(), &byte, 1);  // EAGAIN: fine
}

void BlockingEchoServer::accept_loop() {
    // TODO(student): loop until stopping_ (read it under mutex_):
    //  - poll() two descriptors: wake_read_ and listener_, both POLLIN, no timeout;
    //  - if the pipe is readable, read() it empty (it is non-blocking);
    //  - if stopping_, return; otherwise reap() (Step 3);
    //  - if the listener is readable, accept_one().
    // Step 5: when accept_one() returns false, poll() only the pipe, with kBackoffMs as timeout,
    // for one round: the listener stays readable while descriptors are short, so polling it
    // would return at once, forever (100% CPU).
    OSLAB_TODO("the accept loop: poll, reap, accept", "Step 2: Accept loop, one thread per client");
}

bool BlockingEchoServer::accept_one() {
    // TODO(student): accept4(listener_, &peer, &length, SOCK_CLOEXEC) into a UniqueFd.
    //  - On failure: EAGAIN, EINTR, ECONNABORTED, EPROTO -> return true (nothing to do).
    //    Anything else (EMFILE, ENFILE, ENOBUFS...) -> log it and return false (Step 5).
    //  - If options_.max_connections != 0 and active_ already reached it, log and return true:
    //    the UniqueFd closes the socket, the client reads end of stream.
    //  - Under mutex_ (and not if stopping_): take an id (next_id_++), add connections_[id] with
    //    the socket number, log "client #id connected from <peer>", start its std::thread
    //    running serve(id, std::move(client)), count ++active_ and ++total_. Return true.
    //    (Holding mutex_ while the thread starts matters: see finish().)
    OSLAB_TODO("accept one client and start its thread",
               "Step 2: Accept loop, one thread per client");
}

void BlockingEchoServer::serve(std::uint64_t id, UniqueFd fd) {
    // TODO(student): runs on the client's own thread.
    //  - If options_.idle_timeout is set, set_socket_timeouts(fd, idle_timeout).
    //  - A buffer on this thread's stack; loop: n = read_some(fd, buffer); n == 0 -> the client
    //    closed (or shut down its writing side): stop; else write_all(fd, first n bytes).
    //  - Catch std::system_error: EAGAIN = idle timeout, ECONNRESET/EPIPE = the client reset.
    //    Log how the connection ended; never let an exception escape a thread (std::terminate).
    //  - Always end with finish(id, std::move(fd)).
    OSLAB_TODO("the per-client echo loop", "Step 1: The echo loop");
}

void BlockingEchoServer::finish(std::uint64_t id, UniqueFd fd) {
    // TODO(student): under mutex_: if connections_ still has `id`, move its std::thread into
    // finished_ and erase the entry (a thread cannot join itself); close fd (fd.reset()) while
    // still holding the lock; --active_. Then, after the lock: wake() the acceptor to reap it.
    OSLAB_TODO("hand the finished thread to the reaper", "Step 3: Reaping finished threads");
}

void BlockingEchoServer::reap() {
    // TODO(student): swap finished_ into a local vector under mutex_, then join() each thread
    // outside the lock.
    OSLAB_TODO("join the finished client threads", "Step 3: Reaping finished threads");
}

void BlockingEchoServer::stop() {
    std::lock_guard lifecycle(lifecycle_);
    if (!acceptor_.joinable()) return;  // never started (or start() failed): nothing to stop
    // TODO(student): set stopping_ (under mutex_), wake() and join the acceptor, close the
    // listener (listener_.reset()). Then under mutex_: shutdown(fd, SHUT_RDWR) every client
    // socket and move connections_ and finished_ out; join all those threads after the lock.
    // Last, close the wake-up pipe. A second call must find nothing to do.
    OSLAB_TODO("stop: wake, shut down, join everything", "Step 4: Stopping cleanly");
}

void BlockingEchoServer::log(LogLevel level, const std::string& message) const {
    if (log_) log_(level, message);
}

}  // namespace oslab
