// Step 1: the echo server with Boost.Asio completion handlers, one io_context, one thread.
// The README section "Step 1: Asio with completion handlers" says what must hold.
//
// Given: the shape (Impl, Session, the session registry, the counters). Yours: the TODOs. Add
// members as your design needs.
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <unordered_set>
#include <vector>

#include "oslab/asio.hpp"  // Boost.Asio (and the Boost 1.74 workaround)
#include "oslab/asio_echo_server.hpp"
#include "oslab/not_implemented.hpp"

namespace oslab {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {
class Session;
}

struct AsioEchoServer::Impl {
    EchoServerOptions options;
    AsioTuning tuning;
    std::atomic<std::size_t> active{0}, total{0};
    std::unordered_set<Session*> sessions;  // live sessions; touched only by the io thread
    asio::io_context io{1};                 // one thread runs it
    tcp::acceptor acceptor{io};
    asio::steady_timer accept_retry{io};  // back-off after EMFILE on accept
    std::thread thread;                   // runs io.run()

    void accept();
};

namespace {

// One client. Every pending handler captures shared_from_this(): the session lives exactly as
// long as some operation on it is pending. The constructor/destructor keep the registry (for
// stop()) and the active counter right.
class Session : public std::enable_shared_from_this<Session> {
public:
    Session(AsioEchoServer::Impl& server, tcp::socket socket)
        : server_(server),
          socket_(std::move(socket)),
          idle_timer_(socket_.get_executor()),
          buffer_(server.tuning.buffer_size) {
        server_.sessions.insert(this);
        ++server_.active;
    }
    ~Session() {
        server_.sessions.erase(this);
        --server_.active;
    }

    void start() {
        // TODO(student): Step 1. Called once, right after the session was made by the accept
        //   handler (shared_from_this() works here, not in the constructor).
        // Contract: the socket has TCP_NODELAY set to server_.tuning.no_delay (Step 3 shows why);
        //   the echo starts; with options.idle_timeout set, a client silent that long is closed.
        // Errors: a client that already left must not throw here: use the error_code overloads.
        // Think: the shared_ptr made in the accept handler dies when that handler returns. What
        //   keeps the session alive while its reads, writes and timer are pending, and what
        //   destroys it?
        OSLAB_TODO("Session::start: TCP_NODELAY, idle watch, first read",
                   "Step 1: Asio with completion handlers");
    }

    // Cancels every pending operation: their handlers run with operation_aborted and drop the
    // last references, so the session is destroyed.
    void close() {
        boost::system::error_code ignored;
        socket_.shutdown(tcp::socket::shutdown_both, ignored);
        socket_.close(ignored);
        idle_timer_.cancel();
    }

private:
    void read() {
        // TODO(student): Step 1. The echo loop of one session.
        // Contract: every byte read is written back, in order, before anything more is read
        //   (back-pressure: a client that never reads cannot make the server buffer more than one
        //   buffer). Any error (eof: the client finished sending; connection_reset;
        //   operation_aborted: stop) ends the session, never the server.
        // Asio facts: async_read_some completes with what has arrived (at least 1 byte); the free
        //   function asio::async_write completes only when all n bytes are sent (it loops over
        //   partial writes). A handler runs on the io thread after the operation completed.
        // Think: what would happen to memory if you read again before the write completed?
        OSLAB_TODO("Session::read: the read -> write loop",
                   "Step 1: Asio with completion handlers");
    }

    void watch_idle() {
        // TODO(student): Step 1 (idle_timeout). One timer per session.
        // Contract: the session is closed once the client has been silent for idle_timeout;
        //   talking resets the silence (the timeout counts silence, not age); a cancelled timer
        //   (the session closed) does nothing.
        // Think: do you restart the timer on every read, or let it fire and look at the clock?
        OSLAB_TODO("Session::watch_idle: drop silent clients",
                   "Step 1: Asio with completion handlers");
    }

    AsioEchoServer::Impl& server_;
    tcp::socket socket_;
    asio::steady_timer idle_timer_;
    std::vector<char> buffer_;
    Clock::time_point last_activity_;
};

}  // namespace

void AsioEchoServer::Impl::accept() {
    // TODO(student): Step 1. The accept loop: one pending accept at a time, on the io thread.
    // Contract: every client gets a Session (counted in total); beyond options.max_connections
    //   (when non-zero) it is closed at once. Once stop() has closed the acceptor, no new accept
    //   is started. Out of descriptors, the server neither spins nor dies, and accepts again
    //   later (accept_retry is the timer for that).
    // Asio facts: the handler gets error::operation_aborted after acceptor.close(), and
    //   error::no_descriptors for EMFILE (no_buffer_space for ENOBUFS); a completed accept may
    //   already be queued when close() runs, so check acceptor.is_open() too.
    // Think: what does accepting again at once after EMFILE do to the CPU, and why?
    OSLAB_TODO("Impl::accept: the accept loop", "Step 1: Asio with completion handlers");
}

AsioEchoServer::AsioEchoServer(EchoServerOptions options, AsioTuning tuning)
    : impl_(std::make_unique<Impl>()) {
    impl_->options = std::move(options);
    impl_->tuning = tuning;
    if (impl_->tuning.buffer_size == 0) throw std::invalid_argument("AsioTuning: buffer_size 0");
}

AsioEchoServer::~AsioEchoServer() {
    stop();
}

std::uint16_t AsioEchoServer::start() {
    // TODO(student): Step 1.
    // Contract: binds and listens on options.host:options.port (std::system_error if the port is
    //   in use), starts accepting, runs the io_context on `thread`, returns the bound port.
    // Asio facts: tcp::acceptor open/set_option(reuse_address)/bind/listen; io_context::run
    //   returns when no work (pending operation or timer) is left.
    OSLAB_TODO("AsioEchoServer::start: bind, listen, run the io_context on a thread",
               "Step 1: Asio with completion handlers");
}

void AsioEchoServer::stop() {
    if (!impl_->thread.joinable()) return;  // never started, or already stopped
    // TODO(student): Step 1.
    // Contract: returns promptly with clients connected; afterwards every session is gone, every
    //   descriptor closed and the io thread joined. Idempotent.
    // Asio facts: an io_context's objects (acceptor, sockets, timers) are not thread-safe: only
    //   the io thread may touch them; asio::post(io, f) runs f there. Closing a socket or an
    //   acceptor completes its pending operations with operation_aborted.
    // Think: why is run() returning the proof that every session has been destroyed?
    OSLAB_TODO("AsioEchoServer::stop: close everything on the io thread, join",
               "Step 1: Asio with completion handlers");
}

std::size_t AsioEchoServer::active_connections() const {
    return impl_->active.load();
}
std::size_t AsioEchoServer::total_connections() const {
    return impl_->total.load();
}

}  // namespace oslab
