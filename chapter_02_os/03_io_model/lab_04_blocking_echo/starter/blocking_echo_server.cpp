// Lab 4 starter: the blocking, thread-per-connection echo server (oslab/blocking_echo_server.hpp).
// README.md's Steps say what each step must make true; `scripts/lab check 4 --step K` checks it.
// Given: construction, start() up to the accept thread, the wake-up pipe and wake(), logging, two
// helpers below, and the TCP helpers of oslab/net.hpp (read_some, write_all, ...). The private
// members in the header are the data the design needs; how the functions use them is yours.
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

// How long to pause accepting after accept4() failed with EMFILE/ENFILE (Step 6).
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
    // TODO(student): Step 1. Start acceptor_ on accept_loop() and return `port`.
    OSLAB_TODO("start the accept thread at the end of start()", "Step 1: Start and stop");
}

void BlockingEchoServer::wake() {
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(wake_write_.get(), &byte, 1);  // EAGAIN: fine
}

void BlockingEchoServer::accept_loop() {
    // TODO(student): Step 1, then Steps 2, 3 and 6. Runs on acceptor_.
    // Contract: sleeps (no CPU) until a client is waiting or someone wake()s it; accepts waiting
    //   clients (Step 2); joins the threads of clients that have gone while the server runs
    //   (Step 3); returns promptly once stop() has begun, whatever else is going on.
    // OS facts: poll(2) sleeps on several descriptors at once and says which are ready; the
    //   self-pipe (wake_read_) becomes readable when wake() writes a byte, and stays readable
    //   until drained (it is non-blocking: read until EAGAIN). A listening socket is readable
    //   while a connection waits in its backlog (listen(2)).
    // Think: why does this loop poll a pipe at all, instead of sleeping in accept()? (What could
    //   stop() do to wake a thread blocked in accept(), portably?)
    OSLAB_TODO("the accept loop: sleep in poll until a client or a wake-up",
               "Step 1: Start and stop");
}

bool BlockingEchoServer::accept_one() {
    // TODO(student): Step 2, then Steps 5 and 6. Called when the listener is readable.
    // Contract: takes one waiting client and gives it a thread of its own running serve(); logs
    //   "client #<id> connected from <peer>" before that thread can log anything; counts it in
    //   active_connections() and total_connections(). Returns false only when the process is out
    //   of a resource (Step 6), true otherwise. Step 5: beyond options_.max_connections (when
    //   non-zero) the new client is closed at once, never served.
    // Errors: accept4(2) fails with EAGAIN (the client left between poll and accept: this is why
    //   the listener is non-blocking), EINTR, ECONNABORTED or EPROTO without anything being wrong
    //   with the server; EMFILE/ENFILE (out of descriptors), ENOBUFS, ENOMEM are Step 6's case.
    // OS facts: accept4 with SOCK_CLOEXEC returns a new descriptor for this one connection.
    //   std::thread's constructor throws std::system_error when the kernel refuses a thread.
    // Think: the new thread may finish (and call finish()) before this function has stored its
    //   std::thread in connections_. What makes that harmless?
    OSLAB_TODO("accept one client and start its thread", "Step 2: The echo loop");
}

void BlockingEchoServer::serve(std::uint64_t id, UniqueFd fd) {
    // TODO(student): Step 2 (Step 5: the idle timeout). Runs on the client's own thread.
    // Contract: echoes every byte the client sends, in order, until the client has finished
    //   sending (end of stream, also after a half-close: shutdown(SHUT_WR)), then closes. A
    //   reset, a timeout or any other error ends this connection and never the server. Logs how
    //   the connection ended; always ends with finish(id, std::move(fd)). Step 5: with
    //   options_.idle_timeout set, a client silent that long is dropped (set_socket_timeouts).
    // OS facts: read(2) returns 0 at end of stream. A blocking send(2) may still return a short
    //   count (a signal, or SO_SNDTIMEO expiring: socket(7)): write_all sends the rest, with
    //   MSG_NOSIGNAL, because writing to a reset connection otherwise raises SIGPIPE, whose default
    //   action kills the process. read_some and write_all throw std::system_error: ECONNRESET or
    //   EPIPE for a reset, EAGAIN/EWOULDBLOCK when SO_RCVTIMEO/SO_SNDTIMEO expired.
    //   An exception that leaves a std::thread's function calls std::terminate.
    // Think: where does this connection's state live, and what does that cost per client?
    OSLAB_TODO("the per-client echo loop", "Step 2: The echo loop");
}

void BlockingEchoServer::finish(std::uint64_t id, UniqueFd fd) {
    // TODO(student): Step 2. The last thing serve() does, on the client's thread.
    // Contract: the connection is no longer counted as active and its socket is closed; its
    //   std::thread is handed over to whoever will join it (Step 3: the acceptor, while the server
    //   runs; until then, stop()); the acceptor is woken.
    // OS facts: a thread cannot join itself (pthread_join(3): EDEADLK), and a std::thread
    //   destroyed while joinable calls std::terminate. A closed descriptor number is reused by
    //   the next open()/accept() in the process.
    // Think: stop() calls shutdown() on the descriptor numbers in connections_. What must be true
    //   of the moment you close this one so that stop() can never hit a number already reused?
    OSLAB_TODO("hand the finished thread over, close the socket", "Step 2: The echo loop");
}

void BlockingEchoServer::reap() {
    // TODO(student): Step 3.
    // Contract: joins the threads of clients that have gone, while the server runs, without
    //   holding mutex_ during a join. Which thread calls it, and when, is yours to decide: a
    //   thread that has gone must not stay unjoined for long while the server runs.
    // OS facts: a finished but unjoined thread keeps its stack (8 MiB of address space) mapped:
    //   the test opens 200 connections one after the other and watches VmSize.
    // Think: why not detach() the client threads instead? What could stop() then not promise?
    OSLAB_TODO("join the finished client threads", "Step 3: Reaping finished threads");
}

void BlockingEchoServer::stop() {
    std::lock_guard lifecycle(lifecycle_);
    if (!acceptor_.joinable()) return;  // never started (or start() failed): nothing to stop
    // TODO(student): Step 1, extended in Steps 2 and 4.
    // Contract: returns promptly, and afterwards no thread of the server runs and every
    //   descriptor it opened is closed; a new connect() is refused from the moment it returns.
    //   Step 1: the acceptor leaves its loop and is joined. Step 2: every client thread is joined
    //   (clients that have left). Step 4: clients still connected, one of them in the middle of a
    //   message, are disconnected. Idempotent: a second call (or the destructor) does nothing.
    // OS facts: shutdown(2) with SHUT_RDWR on a socket wakes a thread blocked in read() on it (it
    //   returns 0) or in write() (EPIPE); close() from another thread does not reliably wake it.
    //   A thread blocked in poll() wakes when one of its descriptors becomes readable.
    // Think: the client threads need mutex_ in finish(). What happens if you join them while you
    //   hold it?
    OSLAB_TODO("stop: wake the acceptor, disconnect the clients, join everything",
               "Step 1: Start and stop");
}

void BlockingEchoServer::log(LogLevel level, const std::string& message) const {
    if (log_) log_(level, message);
}

}  // namespace oslab
