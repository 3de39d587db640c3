// Lab 5, server 5 (extension, Step 7): a completion-based echo server on io_uring(7).
//
// epoll tells the program "fd 7 is readable now"; the program then calls read(). io_uring is told
// "receive on fd 7, into one of these buffers" and later reports "done: 64 bytes in buffer 12".
// The loop never asks whether a socket is ready: it submits operations (multishot accept,
// multishot recv into a provided buffer ring, send, close, timeout) and reacts to completions.
//
// Needs liburing (Debian package liburing-dev) at build time and Linux 5.19+ at run time (6.0+
// for multishot recv; older kernels get single-shot recv). Where io_uring is unavailable (kernel
// too old, disabled by sysctl, blocked by a seccomp profile such as Docker's default one),
// probe_io_uring() says why in one line and start() throws std::runtime_error with that line.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "oslab/echo_server.hpp"

namespace oslab {

// Whether this process can run the io_uring server here, and if not, why (one line).
struct UringAvailability {
    bool ok = false;
    std::string reason;  // empty when ok
};

// The file the kernel (6.6+) exposes as the sysctl kernel.io_uring_disabled.
inline constexpr const char* kIoUringDisabledSysctl = "/proc/sys/kernel/io_uring_disabled";

// Probes, in order: the sysctl at `io_uring_disabled_path` (absent before Linux 6.6: fine),
// io_uring_queue_init (the io_uring_setup system call), the opcodes the server uses, and the
// registration of a provided buffer ring. Tests pass another path to play "disabled". Never throws.
UringAvailability probe_io_uring(
    const std::string& io_uring_disabled_path = kIoUringDisabledSysctl);

struct UringConfig {
    // The provided buffer ring shared by every connection (io_uring_register_buf_ring(3)):
    // `buffer_count` buffers of `buffer_size` bytes, so the server never holds more than
    // buffer_count * buffer_size bytes of received data, whatever the number of clients.
    unsigned buffer_count = 1024;  // a power of two, at most 32768
    unsigned buffer_size = 4096;
    // Back-pressure: a connection whose echoes the client does not read stops receiving once it
    // holds this many buffers, and resumes when they have been sent.
    unsigned max_buffers_per_connection = 16;
    // Multishot recv (Linux 6.0). false: one recv per completion, the fallback for older kernels
    // (also used automatically when the kernel rejects multishot with -EINVAL).
    bool multishot_recv = true;
    // IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN (6.1) when the kernel has them.
    // false: start from IORING_SETUP_COOP_TASKRUN (5.19), as on an older kernel.
    bool defer_taskrun = true;
    // Tests point this at a file holding "2" to see the "disabled" path.
    std::string io_uring_disabled_path = kIoUringDisabledSysctl;
};

// What the server holds, for tests and observation (safe to read from any thread).
struct UringCounters {
    std::size_t buffers_held = 0;     // provided buffers holding received bytes not yet echoed
    std::size_t out_of_buffers = 0;   // recv completions with -ENOBUFS (the ring was empty)
    std::size_t accept_backoffs = 0;  // accept completions with EMFILE/ENFILE: paused, re-armed
};

class UringEchoServer : public EchoServer {
public:
    explicit UringEchoServer(EchoServerOptions options, UringConfig config = {});
    ~UringEchoServer() override;
    UringEchoServer(const UringEchoServer&) = delete;
    UringEchoServer& operator=(const UringEchoServer&) = delete;

    // Throws std::runtime_error("io_uring unavailable: <reason>") where probe_io_uring() fails.
    std::uint16_t start() override;
    void stop() override;
    std::size_t active_connections() const override;
    std::size_t total_connections() const override;
    UringCounters counters() const;
    // The setup flags the ring got ("SINGLE_ISSUER|DEFER_TASKRUN", "COOP_TASKRUN" or "none");
    // empty before start().
    std::string setup_flags() const;

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace oslab
