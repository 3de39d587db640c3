// Built instead of the io_uring server when CMake found no liburing (the Debian package
// liburing-dev, version 2.3 or newer) or was told -DOSLAB_WITH_LIBURING=OFF: the mode "uring"
// still exists, and says why it cannot run.
#include <stdexcept>

#include "oslab/uring_echo_server.hpp"

namespace oslab {

UringAvailability probe_io_uring(const std::string&) {
    return {false,
            "built without liburing: install liburing-dev (scripts/setup.sh) and configure again"};
}

struct UringEchoServer::Impl {};

UringEchoServer::UringEchoServer(EchoServerOptions, UringConfig) : impl_(nullptr) {}
UringEchoServer::~UringEchoServer() = default;

std::uint16_t UringEchoServer::start() {
    throw std::runtime_error("io_uring unavailable: " + probe_io_uring().reason);
}
void UringEchoServer::stop() {}
std::size_t UringEchoServer::active_connections() const {
    return 0;
}
std::size_t UringEchoServer::total_connections() const {
    return 0;
}
UringCounters UringEchoServer::counters() const {
    return {};
}
std::string UringEchoServer::setup_flags() const {
    return {};
}

}  // namespace oslab
