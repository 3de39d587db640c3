// Reference: Boost.Asio on N threads, in the two layouts of asio_threaded_echo_server.hpp.
//
// What changes from the single-thread server: a session's handlers may now run on any thread, so
//   - shared_context: every socket is created on its own strand (make_strand); Asio then runs the
//     handlers of one session one at a time, in order, even though N threads call run();
//   - context_per_thread: a session's context is run by exactly one thread, which is an implicit
//     strand; nothing is shared between threads except the registry below.
// The registry of live sessions (for stop()) is touched from every thread: it needs a mutex.
#include "oslab/asio_threaded_echo_server.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

#include "oslab/asio.hpp"

namespace oslab {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {
class Session;
using WorkGuard = asio::executor_work_guard<asio::io_context::executor_type>;
}  // namespace

struct AsioThreadedEchoServer::Impl {
    EchoServerOptions options;
    AsioThreadConfig config;
    std::atomic<std::size_t> active{0}, total{0};

    std::mutex mutex;  // guards sessions and stopping
    std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
    bool stopping = false;

    std::vector<std::unique_ptr<asio::io_context>> contexts;  // 1 (shared) or N (per thread)
    std::vector<WorkGuard> guards;  // keep run() alive while a context has nothing to do
    std::optional<tcp::acceptor> acceptor;
    std::optional<asio::steady_timer> accept_retry;
    std::size_t next_context = 0;  // round robin (accept handler only)
    std::vector<std::thread> threads;

    asio::any_io_executor executor_for_new_session();
    void accept();
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
public:
    Session(AsioThreadedEchoServer::Impl& server, tcp::socket socket)
        : server_(server), socket_(std::move(socket)), idle_timer_(socket_.get_executor()) {
        ++server_.active;
    }
    ~Session() {
        std::lock_guard lock(server_.mutex);
        server_.sessions.erase(this);
        --server_.active;
    }

    // Runs in the accept handler: registers, then hops onto the session's own executor.
    void start() {
        {
            std::lock_guard lock(server_.mutex);
            if (server_.stopping) return;  // stop() has taken its snapshot: do not start
            server_.sessions.emplace(this, weak_from_this());
        }
        asio::dispatch(socket_.get_executor(), [self = shared_from_this()] {
            boost::system::error_code ec;
            self->socket_.set_option(tcp::no_delay(true), ec);
            self->last_activity_ = Clock::now();
            if (self->server_.options.idle_timeout.count() > 0) self->watch_idle();
            self->read();
        });
    }

    // From any thread: the close itself runs on the session's executor.
    void close_async() {
        asio::post(socket_.get_executor(), [self = shared_from_this()] { self->close(); });
    }

private:
    void close() {
        boost::system::error_code ignored;
        socket_.shutdown(tcp::socket::shutdown_both, ignored);
        socket_.close(ignored);
        idle_timer_.cancel();
    }

    // Completion handlers run on the socket's executor (the strand): no lock needed below.
    void read() {
        socket_.async_read_some(
            asio::buffer(buffer_),
            [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
                self->on_read(ec, n);
            });
    }
    void on_read(boost::system::error_code ec, std::size_t n) {
        if (ec) {
            close();
            return;
        }
        last_activity_ = Clock::now();
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
    void watch_idle() {
        idle_timer_.expires_at(last_activity_ + server_.options.idle_timeout);
        idle_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
            if (ec || !self->socket_.is_open()) return;
            if (Clock::now() - self->last_activity_ >= self->server_.options.idle_timeout) {
                self->close();
            } else {
                self->watch_idle();
            }
        });
    }

    AsioThreadedEchoServer::Impl& server_;
    tcp::socket socket_;
    asio::steady_timer idle_timer_;
    std::array<char, 4096> buffer_;
    Clock::time_point last_activity_;
};

}  // namespace

asio::any_io_executor AsioThreadedEchoServer::Impl::executor_for_new_session() {
    if (config.model == AsioThreadModel::shared_context) {
        return asio::make_strand(*contexts[0]);  // a new strand per session
    }
    auto& context = *contexts[next_context];
    next_context = (next_context + 1) % contexts.size();
    return context.get_executor();  // one thread runs this context: an implicit strand
}

void AsioThreadedEchoServer::Impl::accept() {
    // The accepted socket is created directly on the executor it will live on.
    acceptor->async_accept(
        executor_for_new_session(), [this](boost::system::error_code ec, tcp::socket socket) {
            if (ec == asio::error::operation_aborted || !acceptor->is_open()) return;
            if (ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space) {
                accept_retry->expires_after(std::chrono::milliseconds(50));  // EMFILE: back off
                accept_retry->async_wait([this](boost::system::error_code wec) {
                    if (!wec) accept();
                });
                return;
            }
            if (!ec) {
                ++total;
                if (options.max_connections != 0 && active.load() >= options.max_connections) {
                    boost::system::error_code ignored;
                    socket.close(ignored);
                } else {
                    std::make_shared<Session>(*this, std::move(socket))->start();
                }
            }
            accept();
        });
}

AsioThreadedEchoServer::AsioThreadedEchoServer(EchoServerOptions options, AsioThreadConfig config)
    : impl_(std::make_unique<Impl>()) {
    if (config.threads == 0) throw std::invalid_argument("AsioThreadedEchoServer: 0 threads");
    impl_->options = std::move(options);
    impl_->config = config;
}

AsioThreadedEchoServer::~AsioThreadedEchoServer() {
    stop();
}

std::uint16_t AsioThreadedEchoServer::start() {
    Impl& s = *impl_;
    if (!s.contexts.empty()) throw std::logic_error("AsioThreadedEchoServer::start called twice");
    const bool shared = s.config.model == AsioThreadModel::shared_context;
    const std::size_t n_contexts = shared ? 1 : s.config.threads;
    for (std::size_t i = 0; i < n_contexts; ++i) {
        // Concurrency hint: 1 lets a context run by one thread skip its internal locking.
        s.contexts.push_back(
            std::make_unique<asio::io_context>(shared ? int(s.config.threads) : 1));
        s.guards.emplace_back(s.contexts.back()->get_executor());
    }
    // The acceptor's handlers get a strand of their own (shared layout) so that stop() can close
    // it safely by posting to the same strand.
    asio::any_io_executor acceptor_executor =
        shared ? asio::any_io_executor(asio::make_strand(*s.contexts[0]))
               : asio::any_io_executor(s.contexts[0]->get_executor());
    s.acceptor.emplace(acceptor_executor);
    s.accept_retry.emplace(acceptor_executor);
    tcp::endpoint endpoint(asio::ip::make_address(s.options.host), s.options.port);
    s.acceptor->open(endpoint.protocol());
    s.acceptor->set_option(tcp::acceptor::reuse_address(true));
    s.acceptor->bind(endpoint);
    s.acceptor->listen(asio::socket_base::max_listen_connections);
    const std::uint16_t port = s.acceptor->local_endpoint().port();
    s.accept();
    for (std::size_t i = 0; i < s.config.threads; ++i) {
        asio::io_context& context = *s.contexts[shared ? 0 : i];
        s.threads.emplace_back([&context] { context.run(); });
    }
    return port;
}

void AsioThreadedEchoServer::stop() {
    Impl& s = *impl_;
    if (s.threads.empty()) return;
    asio::post(s.acceptor->get_executor(), [&s] {
        boost::system::error_code ignored;
        s.acceptor->close(ignored);
        s.accept_retry->cancel();
    });
    std::vector<std::shared_ptr<Session>> live;
    {
        std::lock_guard lock(s.mutex);
        s.stopping = true;
        for (auto& [raw, weak] : s.sessions) {
            if (auto session = weak.lock()) live.push_back(std::move(session));
        }
    }
    for (auto& session : live)
        session->close_async();
    live.clear();
    for (auto& guard : s.guards)
        guard.reset();  // now run() returns once the work is done
    for (auto& thread : s.threads)
        thread.join();
    s.threads.clear();
}

std::size_t AsioThreadedEchoServer::active_connections() const {
    return impl_->active.load();
}
std::size_t AsioThreadedEchoServer::total_connections() const {
    return impl_->total.load();
}

}  // namespace oslab
