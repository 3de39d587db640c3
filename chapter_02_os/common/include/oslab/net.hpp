// TCP helpers shared by the echo servers, their tests and the load generator (IPv4).
// Every function checks its system calls and throws std::system_error naming the call.
#pragma once

#include <netinet/in.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "oslab/unique_fd.hpp"

namespace oslab {

// The one IPv4 address parser of the course: a dotted quad ("127.0.0.1", "0.0.0.0" for every
// interface), parsed by inet_pton, and the port in network byte order. No host names: throws
// std::invalid_argument naming the text otherwise.
sockaddr_in ipv4_address(const std::string& host, std::uint16_t port);

// socket + SO_REUSEADDR + bind + listen. Port 0 lets the kernel pick a free port.
// extra_flags is OR-ed into the socket type (e.g. SOCK_NONBLOCK for an event loop).
UniqueFd listen_tcp(const std::string& host, std::uint16_t port, int backlog = 1024,
                    int extra_flags = 0);

// The port a bound socket really got (getsockname), e.g. after listening on port 0.
std::uint16_t local_port(int socket_fd);

// socket + connect (blocking), TCP_NODELAY set: small echo messages are sent at once.
UniqueFd connect_tcp(const std::string& host, std::uint16_t port);

// SO_RCVTIMEO / SO_SNDTIMEO: a blocking read()/recv() or write()/send() on this socket gives up
// with EAGAIN after `timeout` without progress (0: wait forever, the default).
void set_socket_timeouts(int fd, std::chrono::milliseconds timeout);

// One read(): returns the number of bytes read, 0 at end of stream (the peer closed its side).
// Retries on EINTR (a signal interrupted the call before any data arrived).
std::size_t read_some(int fd, std::span<std::byte> buffer);

// Writes every byte: send() may accept only part of the buffer (a partial write), so loop.
// MSG_NOSIGNAL: writing to a closed connection returns EPIPE instead of killing the process with
// SIGPIPE. Retries on EINTR.
void write_all(int fd, std::span<const std::byte> data);

// Reads exactly buffer.size() bytes; false if the stream ended first.
bool read_exact(int fd, std::span<std::byte> buffer);

// Helpers for text payloads.
void write_all(int fd, const std::string& text);
std::string read_exact(int fd, std::size_t size);  // throws std::runtime_error on early EOF

}  // namespace oslab
