// Reference, Step 7: the echo server on io_uring, completion-based. This file: the loop, the wake
// from stop(), accept, the timer. One connection's recv/send/close: uring_connection.cpp. Given:
// start/stop, ring setup and the routing of completions (given/uring_server_lifecycle.cpp).
//
// The loop, one turn:
//   publish returned buffers -> io_uring_submit_and_wait(1): ONE system call submits every SQE
//   prepared since the last turn and sleeps until at least one completion -> for each CQE
//   (io_uring_for_each_cqe): dispatch on its tag -> io_uring_cq_advance(all of them at once).
// Nothing here asks "is this socket ready?": each CQE reports an operation that is already done.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <system_error>

#include "oslab/uring_server_impl.hpp"

namespace oslab {

using namespace uring;
using std::chrono::milliseconds;

void UringEchoServer::Impl::loop() {
    while (!(stopping && drained())) {
        buffers->publish();  // buffers given back in the last batch: the kernel may use them again
        const int result = io_uring_submit_and_wait(ring->get(), 1);
        // EINTR: a signal arrived while we slept. EBUSY/EAGAIN: the CQ is full (overflowed
        // completions wait in the kernel): drain it below, then submit again.
        if (result < 0 && result != -EINTR && result != -EBUSY && result != -EAGAIN) {
            throw std::system_error(-result, std::generic_category(), "io_uring_submit_and_wait");
        }
        unsigned head = 0, seen = 0;
        io_uring_cqe* cqe = nullptr;
        io_uring_for_each_cqe(ring->get(), head, cqe) {
            dispatch(*cqe);
            ++seen;
        }
        io_uring_cq_advance(ring->get(), seen);  // one store: the kernel may reuse those slots
        rearm_starved();
        if (sweep_due) sweep_idle();  // after the batch: see on_timer
    }
}

void UringEchoServer::Impl::on_wake() {
    stopping = true;
    if (accept_armed) cancel(tag(Op::accept, 0));  // its last CQE (no F_MORE) ends it
    for (auto& [id, c] : connections)
        begin_close(id, c);
}

// Multishot accept (Linux 5.19): one SQE, one CQE per accepted client, for as long as the CQE
// carries IORING_CQE_F_MORE.
void UringEchoServer::Impl::arm_accept() {
    io_uring_sqe* sqe = ring->sqe();
    io_uring_prep_multishot_accept(sqe, listener.get(), nullptr, nullptr, SOCK_CLOEXEC);
    io_uring_sqe_set_data64(sqe, tag(Op::accept, 0));
    accept_armed = true;
}

void UringEchoServer::Impl::on_accept(int result, std::uint32_t flags) {
    if (!(flags & IORING_CQE_F_MORE)) accept_armed = false;  // the kernel ended the multishot
    if (result < 0) {
        if (result == -EMFILE || result == -ENFILE || result == -ENOMEM || result == -ENOBUFS) {
            // Out of descriptors: the client stays in the backlog, so accepting again now would
            // fail again now. Pause (the timer re-arms it in 100 ms): no spin.
            ++accept_backoffs;
            accept_paused = true;
            accept_paused_until = Clock::now() + milliseconds(100);
            if (accept_armed) cancel(tag(Op::accept, 0));
            arm_timer();
        } else if (!accept_armed && !accept_paused && !stopping) {
            arm_accept();  // ECONNABORTED and the like: one client gone; keep accepting
        }
        return;
    }
    const int fd = result;
    ++total;
    if (stopping ||
        (options.max_connections != 0 && connections.size() >= options.max_connections)) {
        refuse(fd);
    } else {
        int one = 1;  // small replies leave at once (no Nagle wait for the previous ACK)
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        const std::uint64_t id = next_id++;
        Connection& c = connections[id];
        c.fd = fd;
        c.last_activity = Clock::now();
        ++active;
        arm_recv(id, c);
    }
    if (!accept_armed && !accept_paused && !stopping) arm_accept();
}

void UringEchoServer::Impl::on_timer() {
    timer_armed = false;
    const auto now = Clock::now();
    if (accept_paused && now >= accept_paused_until) {
        accept_paused = false;
        if (!accept_armed && !stopping) arm_accept();  // still EMFILE? It pauses again.
    }
    // Not here: a CQE later in this same batch may carry data from a client we would call idle
    // (after a long wait, the timer and the client's recv complete together). The loop sweeps
    // once the whole batch has been handled.
    sweep_due = options.idle_timeout.count() > 0;
    arm_timer();
}

void UringEchoServer::Impl::sweep_idle() {
    sweep_due = false;
    const auto now = Clock::now();
    // O(connections) per sweep; a timer wheel or one linked timeout per recv would touch only the
    // expired ones.
    for (auto& [id, c] : connections) {
        if (!c.closing && now - c.last_activity >= options.idle_timeout) begin_close(id, c);
    }
}

}  // namespace oslab
