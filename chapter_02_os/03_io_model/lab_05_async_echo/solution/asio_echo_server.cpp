// Reference: the echo server with Boost.Asio completion handlers on one io_context and one thread.
//
// Every asynchronous operation (async_accept, async_read_some, async_write, async_wait) registers
// interest with Asio's reactor (one epoll instance on Linux) and returns at once. The io_context's
// run(), on our single background thread, calls epoll_wait, performs the ready read/write/accept
// syscalls itself, and then invokes the completion handlers. One thread, any number of sessions.
#include "oslab/asio_echo_server.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <unordered_set>
#include <vector>

#include "oslab/asio.hpp"

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
    asio::io_context io{1};  // concurrency hint 1: only one thread runs it, Asio can skip locks
    tcp::acceptor acceptor{io};
    asio::steady_timer accept_retry{io};  // back-off after EMFILE on accept
    std::thread thread;
    bool started = false;

    void accept();
};

namespace {

// One client. Kept alive by the shared_ptr that every pending handler captures (shared_from_this):
// when the last operation completes without starting another, the session is destroyed and its
// socket closed. No explicit delete anywhere.
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
        boost::system::error_code ec;
        // TCP_NODELAY: send small segments at once instead of waiting (Nagle) for the ACK of
        // earlier data. Without it a reply split over two writes waits for the peer's delayed ACK.
        socket_.set_option(tcp::no_delay(server_.tuning.no_delay), ec);
        last_activity_ = Clock::now();
        if (server_.options.idle_timeout.count() > 0) watch_idle();
        read();
    }

    // Called by stop(): cancels the pending operations; their handlers run with
    // operation_aborted and release the last references.
    void close() {
        boost::system::error_code ignored;
        socket_.shutdown(tcp::socket::shutdown_both, ignored);
        socket_.close(ignored);
        idle_timer_.cancel();
    }

private:
    void read() {
        socket_.async_read_some(
            asio::buffer(buffer_),
            [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
                self->on_read(ec, n);
            });
    }

    void on_read(boost::system::error_code ec, std::size_t n) {
        if (ec) {  // eof (the client closed its side: all it sent is echoed), reset, or aborted
            close();
            return;
        }
        last_activity_ = Clock::now();
        // async_write (the free function) loops over async_write_some until all n bytes are
        // sent: a partial write is handled for us. We read again only after, so at most one
        // buffer per session is in flight: a client that does not read cannot make us buffer more.
        asio::async_write(socket_, asio::buffer(buffer_.data(), n),
                          [self = shared_from_this()](boost::system::error_code wec, std::size_t) {
                              if (wec) {
                                  self->close();
                                  return;
                              }
                              self->last_activity_ = Clock::now();
                              self->read();
                          });
    }

    // Idle timeout without re-arming a timer on every read: the timer fires at
    // last_activity + idle_timeout; if there was activity meanwhile it just waits again.
    void watch_idle() {
        idle_timer_.expires_at(last_activity_ + server_.options.idle_timeout);
        idle_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
            if (ec || !self->socket_.is_open()) return;  // cancelled: the session is closing
            if (Clock::now() - self->last_activity_ >= self->server_.options.idle_timeout) {
                self->close();  // silent too long: drop it
            } else {
                self->watch_idle();
            }
        });
    }

    AsioEchoServer::Impl& server_;
    tcp::socket socket_;
    asio::steady_timer idle_timer_;
    std::vector<char> buffer_;
    Clock::time_point last_activity_;
};

}  // namespace

void AsioEchoServer::Impl::accept() {
    acceptor.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;  // stopping
        if (ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space) {
            // EMFILE/ENFILE: the connection stays in the backlog. Retrying at once would spin at
            // 100% CPU; wait a little for descriptors to be freed, then accept again.
            accept_retry.expires_after(std::chrono::milliseconds(50));
            accept_retry.async_wait([this](boost::system::error_code wec) {
                if (!wec) accept();
            });
            return;
        }
        if (!ec) {
            ++total;
            if (options.max_connections != 0 && active.load() >= options.max_connections) {
                boost::system::error_code ignored;
                socket.close(ignored);  // over the limit: the client sees end of stream at once
            } else {
                std::make_shared<Session>(*this, std::move(socket))->start();
            }
        }
        accept();  // other errors (e.g. ECONNABORTED) concern one client only: keep accepting
    });
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
    Impl& s = *impl_;
    if (s.started) throw std::logic_error("AsioEchoServer::start called twice");
    s.started = true;
    tcp::endpoint endpoint(asio::ip::make_address(s.options.host), s.options.port);
    s.acceptor.open(endpoint.protocol());
    s.acceptor.set_option(tcp::acceptor::reuse_address(true));  // SO_REUSEADDR
    s.acceptor.bind(endpoint);                                  // throws system_error naming bind
    s.acceptor.listen(asio::socket_base::max_listen_connections);
    s.accept();
    // run() returns when no work is left: after stop() closed the acceptor and every session.
    s.thread = std::thread([&s] { s.io.run(); });
    return s.acceptor.local_endpoint().port();
}

void AsioEchoServer::stop() {
    Impl& s = *impl_;
    if (!s.thread.joinable()) return;  // never started, or already stopped
    // The acceptor and the sessions belong to the io thread: ask it to close them (post), rather
    // than touching them from this thread (a data race).
    asio::post(s.io, [&s] {
        boost::system::error_code ignored;
        s.acceptor.close(ignored);
        s.accept_retry.cancel();
        for (Session* session : s.sessions)
            session->close();
    });
    s.thread.join();  // every handler has run and every session is gone: no descriptor left open
}

std::size_t AsioEchoServer::active_connections() const {
    return impl_->active.load();
}
std::size_t AsioEchoServer::total_connections() const {
    return impl_->total.load();
}

}  // namespace oslab
