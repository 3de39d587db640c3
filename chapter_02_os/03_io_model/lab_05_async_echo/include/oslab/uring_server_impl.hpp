// Step 7: the state of the io_uring echo server, shared by the given code (start, stop, ring
// setup, routing of completions: given/uring_server_lifecycle.cpp) and the completion handlers
// you write (starter/uring_echo_server.cpp, starter/uring_connection.cpp). Compiled only with
// liburing. Everything here except the atomics belongs to the loop thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "oslab/unique_fd.hpp"
#include "oslab/uring_echo_server.hpp"
#include "oslab/uring_ring.hpp"

namespace oslab {

using Clock = std::chrono::steady_clock;

namespace uring {

// A received provided buffer waiting to be echoed: `length` bytes of buffer `id`, of which the
// first `sent` have been sent already.
struct Chunk {
    std::uint16_t id;
    std::uint32_t length;
    std::uint32_t sent = 0;
};

struct Connection {
    int fd = -1;  // closed through the ring (IORING_OP_CLOSE): not a UniqueFd
    // In arrival order; only the front one may be in flight. A vector, not a std::deque: an
    // empty libstdc++ deque already holds ~600 B (its map and a first 512-byte block), for every
    // idle connection, while an empty vector holds nothing. The queue is at most
    // max_buffers_per_connection long, so erasing its front is cheap.
    std::vector<Chunk> to_send;
    bool recv_armed = false;       // a recv SQE is pending in the kernel (multishot or not)
    bool recv_cancelling = false;  // a cancel of that recv is on its way
    bool send_in_flight = false;   // a send SQE is pending (at most one per connection)
    bool peer_done = false;        // recv returned 0: the client sends nothing more
    bool closing = false;          // no new operations; close once none is pending
    bool close_submitted = false;  // the IORING_OP_CLOSE is submitted
    Clock::time_point last_activity;
};

constexpr std::uint16_t kBufferGroup = 0;

}  // namespace uring

struct UringEchoServer::Impl {
    EchoServerOptions options;
    UringConfig config;
    UniqueFd listener;  // blocking: io_uring waits for clients itself
    UniqueFd wake;      // an eventfd: stop() writes it, a pending read SQE completes (Op::wake)
    std::optional<uring::Ring> ring;  // created, used and destroyed by the loop thread only
    std::optional<uring::ProvidedBuffers> buffers;
    std::string ring_flags;  // the setup flags the ring got
    std::unordered_map<std::uint64_t, uring::Connection> connections;  // by id
    std::uint64_t next_id = 1;           // connection ids, never reused; 0 = no connection
    std::vector<std::uint64_t> starved;  // got -ENOBUFS: receive again once buffers come back
    bool multishot_recv = true;          // false: single-shot recv (config, or kernel < 6.0)
    bool accept_armed = false;           // a multishot accept is pending
    bool accept_paused = false;          // EMFILE back-off: accept again at accept_paused_until
    bool timer_armed = false;            // the one IORING_OP_TIMEOUT is pending
    bool stopping = false;               // stop() was called: drain, then leave the loop
    bool sweep_due = false;              // the timer fired: look for idle clients after the batch
    std::size_t refused_closes = 0;      // closes in flight for clients over max_connections
    Clock::time_point accept_paused_until{};
    __kernel_timespec timer_interval{};  // read by the kernel when the timeout SQE is submitted
    std::uint64_t wake_value = 0;        // the eventfd read lands here
    std::atomic<std::size_t> active{0}, total{0}, out_of_buffers{0}, accept_backoffs{0};
    std::thread thread;

    // Given (given/uring_server_lifecycle.cpp).
    void setup();  // loop thread: ring, buffers, then arm_wake(), arm_accept(), arm_timer()
    void dispatch(const io_uring_cqe& cqe);  // calls the on_*() below by the CQE's Op tag
    void arm_wake();
    void arm_timer();  // if idle_timeout is set or accept is paused, and none is pending
    void cancel(std::uint64_t user_data);  // IORING_OP_ASYNC_CANCEL of the SQE with that tag
    void refuse(int fd);                   // closes a client over max_connections (tag id 0)
    bool drained() const;  // no connection left, no accept pending, no refused close pending

    // The completion loop (yours: uring_echo_server.cpp).
    void loop();
    void on_wake();
    void arm_accept();
    void on_accept(int result, std::uint32_t flags);
    void on_timer();
    void sweep_idle();
    // One connection (yours: uring_connection.cpp).
    void arm_recv(std::uint64_t id, uring::Connection& c);
    void on_recv(std::uint64_t id, int result, std::uint32_t flags);
    void send_next(std::uint64_t id, uring::Connection& c);
    void on_send(std::uint64_t id, int result);
    void begin_close(std::uint64_t id, uring::Connection& c);
    void on_closed(std::uint64_t id);
    void rearm_starved();
};

}  // namespace oslab
