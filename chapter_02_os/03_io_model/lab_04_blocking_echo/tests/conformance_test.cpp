// Lab 4's server against the shared echo conformance suite (chapter_02_os/common/testing).
#include <memory>

#include "echo_conformance.hpp"
#include "oslab/blocking_echo_server.hpp"

OSLAB_ECHO_CONFORMANCE(Blocking, [](const oslab::EchoServerOptions& options) {
    return std::make_unique<oslab::BlockingEchoServer>(options);
});
