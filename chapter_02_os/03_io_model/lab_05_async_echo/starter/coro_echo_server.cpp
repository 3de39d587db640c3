// Step 6 (extension): the echo server with C++20 coroutines (co_spawn + use_awaitable). The
// README section "Step 6: Coroutines (extension)" says what must hold. Do Step 1 first: this is
// the same server and the same contract, written as loops instead of chains of handlers.
//
// Asio facts: co_spawn(executor, coroutine, detached) starts one; each co_await on an
//   operation with use_awaitable suspends the coroutine and hands "the rest of the function" to
//   Asio as the completion handler; redirect_error(use_awaitable, ec) reports errors in ec
//   instead of throwing. Guard the Asio coroutine code with OSLAB_HAVE_ASIO_COROUTINES
//   (GCC 12: yes; Clang 14 + Boost 1.74: no) and include "oslab/asio.hpp": it brings the
//   coroutine headers where they exist, and the Boost 1.74 workaround.
// Think: the session's buffer is a local of the coroutine. Where does it live, and what does an
//   idle connection cost compared with Step 1's session object?

#include <stdexcept>

#include "oslab/coro_echo_server.hpp"
#include "oslab/not_implemented.hpp"

namespace oslab {

struct CoroEchoServer::Impl {
    EchoServerOptions options;
    // TODO(student): Step 6 (extension): your design.
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
    // TODO(student): Step 6 (extension). Contract as AsioEchoServer::start().
    OSLAB_TODO("CoroEchoServer::start: listener coroutine", "Step 6: Coroutines (extension)");
}

void CoroEchoServer::stop() {
    // TODO(student): Step 6 (extension). Contract as AsioEchoServer::stop(); nothing to do if
    // never started.
}

std::size_t CoroEchoServer::active_connections() const {
    OSLAB_TODO("CoroEchoServer::active_connections", "Step 6: Coroutines (extension)");
}
std::size_t CoroEchoServer::total_connections() const {
    OSLAB_TODO("CoroEchoServer::total_connections", "Step 6: Coroutines (extension)");
}

}  // namespace oslab
