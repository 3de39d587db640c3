// What every echo server of Labs 4 and 5 offers, so that one conformance suite, one load
// generator and one C10K experiment serve them all.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace oslab {

struct EchoServerOptions {
    std::string host = "127.0.0.1";   // IPv4 address to bind (loopback by default)
    std::uint16_t port = 0;           // 0: the kernel picks a free (ephemeral) port
    std::size_t max_connections = 0;  // 0: unlimited; beyond it new clients are closed at once
    std::chrono::milliseconds idle_timeout{0};  // 0: never; else drop a client silent this long
};

class EchoServer {
public:
    virtual ~EchoServer() = default;
    // Binds, listens, starts serving in the background; returns the bound port.
    virtual std::uint16_t start() = 0;
    // Closes the listener and every client, joins every thread. Idempotent; the destructor of
    // every implementation calls it.
    virtual void stop() = 0;
    virtual std::size_t active_connections() const = 0;
    virtual std::size_t total_connections() const = 0;
};

}  // namespace oslab
