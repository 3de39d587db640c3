// Step 5 (extension): Boost.Asio on N threads, in two layouts (AsioThreadModel). The README
// section "Step 5: Several threads (extension)" says what must hold. Do Step 1 first: the session
// is the same; what changes is which threads may run its handlers, and when.
//
// Contract: shared_context runs one io_context on N threads; context_per_thread runs N
//   io_contexts, one thread each, with sessions spread over them (16 clients on 4 threads are all
//   served at once). Either way exactly N threads run while started (the test counts
//   /proc/self/task), the conformance suite passes, and ThreadSanitizer finds no race.
// Asio facts: with several threads in one io_context's run(), any of them may run any handler;
//   a strand (asio::make_strand) runs its handlers one at a time, in order. A context run by one
//   thread is an implicit strand. run() returns when no work is left, unless an
//   executor_work_guard keeps it running.
// Think: a session is destroyed on one thread while stop() walks the registry on another. What
//   must the registry hold, and what must stop() do with a session accepted while it runs?

#include <stdexcept>

#include "oslab/asio_threaded_echo_server.hpp"
#include "oslab/not_implemented.hpp"

namespace oslab {

struct AsioThreadedEchoServer::Impl {
    EchoServerOptions options;
    AsioThreadConfig config;
    // TODO(student): Step 5 (extension): your design.
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
               "Step 5: Several threads (extension)");
}

void AsioThreadedEchoServer::stop() {
    // TODO(student): Step 5 (extension). Contract as AsioEchoServer::stop(); nothing to do if
    // never started. (Not a stub that throws: the destructor calls it.)
}

std::size_t AsioThreadedEchoServer::active_connections() const {
    OSLAB_TODO("AsioThreadedEchoServer::active_connections", "Step 5: Several threads (extension)");
}
std::size_t AsioThreadedEchoServer::total_connections() const {
    OSLAB_TODO("AsioThreadedEchoServer::total_connections", "Step 5: Several threads (extension)");
}

}  // namespace oslab
