// TCP helpers shared by the echo servers, their tests and the load generator (see oslab/net.hpp).
#include "oslab/net.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include "oslab/sys_error.hpp"

namespace oslab {
namespace {

[[noreturn]] void throw_errno_with(int error, const std::string& what) {
    throw std::system_error(error, std::generic_category(), what);
}

}  // namespace

sockaddr_in ipv4_address(const std::string& host, std::uint16_t port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);  // network byte order (big-endian) on the wire
    // inet_pton accepts exactly four decimal numbers 0-255 separated by dots: no "localhost", no
    // "127.1" shorthand (inet_aton's), no leading or trailing spaces.
    if (::inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1) {
        throw std::invalid_argument("not an IPv4 address: '" + host +
                                    "' (expected four numbers such as 127.0.0.1)");
    }
    return address;
}

void set_socket_timeouts(int fd, std::chrono::milliseconds timeout) {
    timeval value{};
    value.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    value.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
    check_syscall(::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, sizeof value),
                  "setsockopt(SO_RCVTIMEO)");
    check_syscall(::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &value, sizeof value),
                  "setsockopt(SO_SNDTIMEO)");
}

UniqueFd listen_tcp(const std::string& host, std::uint16_t port, int backlog, int extra_flags) {
    const auto address = ipv4_address(host, port);
    // SOCK_CLOEXEC: a child started with fork+exec must not inherit the listening socket.
    UniqueFd fd(
        check_syscall(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | extra_flags, 0), "socket"));
    // SO_REUSEADDR: a restarted server can bind its port again at once, even while connections
    // of the previous run still sit in TIME_WAIT.
    const int one = 1;
    check_syscall(::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one),
                  "setsockopt(SO_REUSEADDR)");
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == -1) {
        throw_errno_with(errno, "bind " + host + ":" + std::to_string(port));
    }
    // listen: the kernel now completes TCP handshakes on its own and queues up to `backlog`
    // finished connections until accept() takes them.
    check_syscall(::listen(fd.get(), backlog), "listen");
    return fd;
}

std::uint16_t local_port(int socket_fd) {
    sockaddr_in address{};
    socklen_t length = sizeof address;
    check_syscall(::getsockname(socket_fd, reinterpret_cast<sockaddr*>(&address), &length),
                  "getsockname");
    return ntohs(address.sin_port);
}

UniqueFd connect_tcp(const std::string& host, std::uint16_t port) {
    const auto address = ipv4_address(host, port);
    UniqueFd fd(check_syscall(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket"));
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == -1) {
        if (errno != EINTR) {
            throw_errno_with(errno, "connect " + host + ":" + std::to_string(port));
        }
        // Interrupted by a signal: the handshake goes on in the background. Calling connect()
        // again would fail with EALREADY, so wait until the socket is writable and read the
        // outcome from SO_ERROR.
        pollfd waiting{fd.get(), POLLOUT, 0};
        while (::poll(&waiting, 1, -1) == -1) {
            if (errno != EINTR) throw_errno("poll");
        }
        int error = 0;
        socklen_t length = sizeof error;
        check_syscall(::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &length),
                      "getsockopt(SO_ERROR)");
        if (error != 0) throw_errno_with(error, "connect " + host + ":" + std::to_string(port));
    }
    // TCP_NODELAY turns off Nagle's algorithm, which would hold a small message back while an
    // earlier one is still unacknowledged: echo round trips would wait for delayed ACKs (~40 ms).
    const int one = 1;
    check_syscall(::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one),
                  "setsockopt(TCP_NODELAY)");
    return fd;
}

std::size_t read_some(int fd, std::span<std::byte> buffer) {
    for (;;) {
        const ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (n >= 0) return static_cast<std::size_t>(n);
        // EINTR: a signal handler ran before any byte arrived; nothing was lost, just retry.
        if (errno != EINTR) throw_errno("read");
    }
}

void write_all(int fd, std::span<const std::byte> data) {
    bool is_socket = true;
    while (!data.empty()) {
        // send() on a socket, with MSG_NOSIGNAL: a peer that has gone away gives EPIPE here
        // instead of a SIGPIPE that would terminate the whole process.
        const ssize_t n = is_socket ? ::send(fd, data.data(), data.size(), MSG_NOSIGNAL)
                                    : ::write(fd, data.data(), data.size());
        if (n == -1) {
            if (errno == EINTR) continue;
            if (errno == ENOTSOCK && is_socket) {  // a pipe or a file: plain write()
                is_socket = false;
                continue;
            }
            throw_errno(is_socket ? "send" : "write");
        }
        // A partial write: the socket's send buffer had room for only n bytes. Send the rest.
        data = data.subspan(static_cast<std::size_t>(n));
    }
}

bool read_exact(int fd, std::span<std::byte> buffer) {
    while (!buffer.empty()) {
        const std::size_t n = read_some(fd, buffer);
        if (n == 0) return false;  // end of stream before the buffer was full
        buffer = buffer.subspan(n);
    }
    return true;
}

void write_all(int fd, const std::string& text) {
    write_all(fd, std::as_bytes(std::span(text)));
}

std::string read_exact(int fd, std::size_t size) {
    std::string text(size, '\0');
    if (!read_exact(fd, std::as_writable_bytes(std::span(text)))) {
        throw std::runtime_error("read_exact: the stream ended before " + std::to_string(size) +
                                 " bytes arrived");
    }
    return text;
}

}  // namespace oslab
