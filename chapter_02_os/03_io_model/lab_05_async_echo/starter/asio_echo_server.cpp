// Step 1: the echo server with Boost.Asio completion handlers, one io_context, one thread.
// Read the README section "Step 1: Asio with completion handlers" first.
//
// Given: the shape (Impl, Session, the session registry, the counters). Yours: the TODOs.
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
        // TODO(student): set TCP_NODELAY to server_.tuning.no_delay (tcp::no_delay option; use the
        // error_code overload: a client that already left must not throw here), record
        // last_activity_, start watch_idle() if options.idle_timeout > 0, then read().
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
        // TODO(student): socket_.async_read_some into buffer_; the handler (capturing
        // self = shared_from_this()) closes on any error (eof = the client is done), else
        // async_write()s exactly the n bytes read (the free function: it handles partial writes)
        // and, once written, reads again. Update last_activity_ on progress.
        OSLAB_TODO("Session::read: the async_read_some -> async_write loop",
                   "Step 1: Asio with completion handlers");
    }

    void watch_idle() {
        // TODO(student): idle_timer_.expires_at(last_activity_ + idle_timeout); async_wait: on
        // error (cancelled) return; if silent for idle_timeout, close(); else watch_idle() again.
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
    // TODO(student): acceptor.async_accept([this](error_code ec, tcp::socket socket) {...}):
    //  - operation_aborted or acceptor closed: stopping, return without accepting again;
    //  - no_descriptors (EMFILE) / no_buffer_space: wait ~50 ms on accept_retry, then accept()
    //    (accepting again at once would spin at 100% CPU);
    //  - success: ++total; over options.max_connections (when non-zero) close the socket, else
    //    std::make_shared<Session>(*this, std::move(socket))->start();
    //  - then accept() again.
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
    // TODO(student): open the acceptor on tcp::endpoint(make_address(host), port), set
    // reuse_address, bind, listen; accept(); start `thread` running io.run(); return the bound
    // port (acceptor.local_endpoint().port()).
    OSLAB_TODO("AsioEchoServer::start: bind, listen, run the io_context on a thread",
               "Step 1: Asio with completion handlers");
}

void AsioEchoServer::stop() {
    if (!impl_->thread.joinable()) return;  // never started, or already stopped
    // TODO(student): asio::post() to the io_context a function that closes the acceptor, cancels
    // accept_retry and close()s every session (they belong to the io thread: do not touch them
    // from here), then join the thread: run() returns when no work is left.
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
