// Step 3 (extension): Boost.Asio on N threads, in two layouts. Read the README section
// "Step 3: Several threads (extension)". Do Step 1 first: the session is the same; what changes
// is who may run its handlers.
//
//   shared_context:     one io_context, run() called by N threads. Create each accepted socket on
//                       its own strand (acceptor.async_accept(asio::make_strand(io), handler)):
//                       handlers of one session then never run concurrently.
//   context_per_thread: N io_contexts, one thread each; hand accepted sockets out round robin
//                       (async_accept(contexts[i], handler)). No strands needed.
// The registry of sessions is now shared between threads: a mutex, weak_ptrs, and a `stopping`
// flag so that a session accepted during stop() is not left running. Keep each context alive
// with an executor_work_guard until stop().
#include <stdexcept>

#include "oslab/asio_threaded_echo_server.hpp"
#include "oslab/not_implemented.hpp"

namespace oslab {

struct AsioThreadedEchoServer::Impl {
    EchoServerOptions options;
    AsioThreadConfig config;
    // TODO(student): contexts, work guards, acceptor (on a strand in the shared layout), threads,
    // the mutex-protected registry, counters.
};

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
    OSLAB_TODO("AsioThreadedEchoServer::start: contexts, acceptor, N threads",
               "Step 3: Several threads (extension)");
}

void AsioThreadedEchoServer::stop() {
    // TODO(student): close the acceptor on its executor, close every live session on its own
    // executor, reset the work guards, join every thread. Idempotent; nothing to do if not started.
}

std::size_t AsioThreadedEchoServer::active_connections() const {
    OSLAB_TODO("AsioThreadedEchoServer::active_connections", "Step 3: Several threads (extension)");
}
std::size_t AsioThreadedEchoServer::total_connections() const {
    OSLAB_TODO("AsioThreadedEchoServer::total_connections", "Step 3: Several threads (extension)");
}

}  // namespace oslab
