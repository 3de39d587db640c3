// Reference: the echo server with C++20 coroutines on Boost.Asio (co_spawn + use_awaitable).
//
// Same machinery as the handler version (one io_context, one thread, epoll underneath), but each
// session is written as a loop: `co_await` hands the continuation to Asio as a completion handler
// and suspends the coroutine. A suspended session is a heap-allocated coroutine frame (its locals,
// including the 4 KiB buffer), not a thread with a stack: that is cooperative scheduling.
#include "oslab/coro_echo_server.hpp"

#include <stdexcept>

#if OSLAB_HAVE_ASIO_COROUTINES
#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <unordered_set>

#include "oslab/asio.hpp"  // with the coroutine headers

namespace oslab {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

// What the session coroutine and its idle watchdog share.
struct Connection {
    explicit Connection(tcp::socket s) : socket(std::move(s)), timer(socket.get_executor()) {}
    void close() {
        boost::system::error_code ignored;
        socket.shutdown(tcp::socket::shutdown_both, ignored);
        socket.close(ignored);  // the pending co_await completes with operation_aborted
        timer.cancel();
    }
    tcp::socket socket;
    asio::steady_timer timer;
    Clock::time_point last_activity = Clock::now();
};

}  // namespace

struct CoroEchoServer::Impl {
    EchoServerOptions options;
    std::atomic<std::size_t> active{0}, total{0};
    std::unordered_set<Connection*> connections;  // io thread only
    bool stopping = false;                        // io thread only
    asio::io_context io{1};
    tcp::acceptor acceptor{io};
    std::thread thread;

    asio::awaitable<void> listener();
    asio::awaitable<void> session(std::shared_ptr<Connection> c);
    asio::awaitable<void> watchdog(std::shared_ptr<Connection> c);
};

asio::awaitable<void> CoroEchoServer::Impl::session(std::shared_ptr<Connection> c) {
    if (stopping) {  // stop() ran between the accept and this first resumption
        c->close();
        co_return;
    }
    connections.insert(c.get());
    ++active;
    boost::system::error_code ec;
    c->socket.set_option(tcp::no_delay(true), ec);  // see the handler version: no Nagle stall
    std::array<char, 4096> data;
    for (;;) {
        // redirect_error: the error lands in ec instead of being thrown; end of stream, a reset
        // and the operation_aborted of stop() all end the loop the same way.
        std::size_t n = co_await c->socket.async_read_some(
            asio::buffer(data), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) break;
        c->last_activity = Clock::now();
        co_await asio::async_write(c->socket, asio::buffer(data.data(), n),
                                   asio::redirect_error(asio::use_awaitable, ec));
        if (ec) break;
        c->last_activity = Clock::now();
    }
    c->close();
    connections.erase(c.get());
    --active;
}

asio::awaitable<void> CoroEchoServer::Impl::watchdog(std::shared_ptr<Connection> c) {
    boost::system::error_code ec;
    while (c->socket.is_open()) {
        c->timer.expires_at(c->last_activity + options.idle_timeout);
        co_await c->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return;  // cancelled: the session is over
        if (Clock::now() - c->last_activity >= options.idle_timeout) {
            c->close();  // silent too long
            co_return;
        }
    }
}

asio::awaitable<void> CoroEchoServer::Impl::listener() {
    asio::steady_timer back_off(io);
    for (;;) {
        boost::system::error_code ec;
        tcp::socket socket =
            co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;  // stopping
        if (ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space) {
            // EMFILE/ENFILE: back off instead of spinning; the client waits in the backlog.
            back_off.expires_after(std::chrono::milliseconds(50));
            co_await back_off.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        if (ec) continue;  // one client's failure (ECONNABORTED...): keep accepting
        ++total;
        if (options.max_connections != 0 && active.load() >= options.max_connections) {
            socket.close(ec);
            continue;
        }
        auto c = std::make_shared<Connection>(std::move(socket));
        if (options.idle_timeout.count() > 0) co_spawn(io, watchdog(c), asio::detached);
        // co_spawn starts an independent coroutine: the listener does not wait for it.
        co_spawn(io, session(std::move(c)), asio::detached);
    }
}

CoroEchoServer::CoroEchoServer(EchoServerOptions options) : impl_(std::make_unique<Impl>()) {
    impl_->options = std::move(options);
}

CoroEchoServer::~CoroEchoServer() {
    stop();
}

bool CoroEchoServer::coroutines_supported() {
    return true;
}

std::uint16_t CoroEchoServer::start() {
    Impl& s = *impl_;
    if (s.thread.joinable() || s.acceptor.is_open()) {
        throw std::logic_error("CoroEchoServer::start called twice");
    }
    tcp::endpoint endpoint(asio::ip::make_address(s.options.host), s.options.port);
    s.acceptor.open(endpoint.protocol());
    s.acceptor.set_option(tcp::acceptor::reuse_address(true));
    s.acceptor.bind(endpoint);
    s.acceptor.listen(asio::socket_base::max_listen_connections);
    co_spawn(s.io, s.listener(), asio::detached);
    s.thread = std::thread([&s] { s.io.run(); });
    return s.acceptor.local_endpoint().port();
}

void CoroEchoServer::stop() {
    Impl& s = *impl_;
    if (!s.thread.joinable()) return;
    asio::post(s.io, [&s] {
        s.stopping = true;
        boost::system::error_code ignored;
        s.acceptor.close(ignored);
        for (Connection* c : s.connections)
            c->close();
    });
    s.thread.join();  // run() returned: every coroutine has finished
}

std::size_t CoroEchoServer::active_connections() const {
    return impl_->active.load();
}
std::size_t CoroEchoServer::total_connections() const {
    return impl_->total.load();
}

}  // namespace oslab

#else  // !OSLAB_HAVE_ASIO_COROUTINES

namespace oslab {

struct CoroEchoServer::Impl {};

CoroEchoServer::CoroEchoServer(EchoServerOptions) : impl_(std::make_unique<Impl>()) {}
CoroEchoServer::~CoroEchoServer() = default;
bool CoroEchoServer::coroutines_supported() {
    return false;
}
std::uint16_t CoroEchoServer::start() {
    throw std::runtime_error(
        "CoroEchoServer: Boost.Asio C++20 coroutines are not supported by this compiler/Boost "
        "combination (CMake's OSLAB_HAVE_ASIO_COROUTINES probe failed; GCC 12 builds them)");
}
void CoroEchoServer::stop() {}
std::size_t CoroEchoServer::active_connections() const {
    return 0;
}
std::size_t CoroEchoServer::total_connections() const {
    return 0;
}

}  // namespace oslab

#endif
