// Step 4 (extension): the echo server with C++20 coroutines (co_spawn + use_awaitable).
// Read the README section "Step 4: Coroutines (extension)". Do Step 1 first: this is the same
// server, written as loops; your Step 1 code (accept, stop, idle timer) is the map.
//
// Plan: Impl holds the options, counters, an io_context, an acceptor, a thread, a set of live
// connections and a `stopping` flag. listener() is `for (;;) { co_await async_accept(...); ...
// co_spawn( io, session(...), detached); }`; session() loops `co_await async_read_some` / `co_await
// async_write` with redirect_error(use_awaitable, ec); an idle watchdog coroutine shares the
// socket through a shared_ptr. Guard the Asio code with OSLAB_HAVE_ASIO_COROUTINES and include
// "oslab/asio.hpp": it brings the coroutine headers where they exist (and Boost 1.74's workaround).
#include <stdexcept>

#include "oslab/coro_echo_server.hpp"
#include "oslab/not_implemented.hpp"

namespace oslab {

struct CoroEchoServer::Impl {
    EchoServerOptions options;
    // TODO(student): io_context, acceptor, thread, connection registry, counters.
};

CoroEchoServer::CoroEchoServer(EchoServerOptions options) : impl_(std::make_unique<Impl>()) {
    impl_->options = std::move(options);
}

CoroEchoServer::~CoroEchoServer() {
    stop();
}

bool CoroEchoServer::coroutines_supported() {
#if OSLAB_HAVE_ASIO_COROUTINES
    return true;
#else
    return false;
#endif
}

std::uint16_t CoroEchoServer::start() {
    if (!coroutines_supported()) {
        throw std::runtime_error(
            "CoroEchoServer: Boost.Asio C++20 coroutines are not supported by this compiler");
    }
    // TODO(student): bind and listen as in Step 1, co_spawn(io, listener(), detached), run the
    // io_context on a thread, return the port.
    OSLAB_TODO("CoroEchoServer::start: listener coroutine", "Step 4: Coroutines (extension)");
}

void CoroEchoServer::stop() {
    // TODO(student): as in Step 1: post a closure that sets `stopping`, closes the acceptor and
    // every live connection; join. Return at once if never started; be idempotent.
}

std::size_t CoroEchoServer::active_connections() const {
    OSLAB_TODO("CoroEchoServer::active_connections", "Step 4: Coroutines (extension)");
}
std::size_t CoroEchoServer::total_connections() const {
    OSLAB_TODO("CoroEchoServer::total_connections", "Step 4: Coroutines (extension)");
}

}  // namespace oslab
