// Reference, Step 7: one connection's life on io_uring: recv into a provided buffer, send that
// same buffer back, give it to the ring again, close through the ring.
//
// Ownership of a provided buffer:  kernel (in the ring) -> recv CQE with IORING_CQE_F_BUFFER ->
// ours (queued in to_send) -> send(s) until every byte left -> give_back + publish -> kernel.
// An idle connection owns no buffer at all: the kernel picks one only when data arrives.
#include <sys/socket.h>

#include "oslab/uring_server_impl.hpp"

namespace oslab {

using namespace uring;

namespace {

// The last step of a close: once no operation of the connection is pending, every queued buffer
// is ours again (give it back) and the descriptor can be closed.
void close_when_idle(UringEchoServer::Impl& s, std::uint64_t id, Connection& c) {
    if (c.recv_armed || c.send_in_flight || c.close_submitted) return;
    for (const Chunk& chunk : c.to_send)
        s.buffers->give_back(chunk.id);
    c.to_send.clear();
    io_uring_sqe* sqe = s.ring->sqe();
    io_uring_prep_close(sqe, c.fd);
    io_uring_sqe_set_data64(sqe, tag(Op::close, id));
    c.close_submitted = true;
}

}  // namespace

// Multishot recv (Linux 6.0): one SQE keeps receiving, one CQE per arrival, each into a buffer
// the kernel takes from the group (IOSQE_BUFFER_SELECT; the length must be 0). Single-shot: one
// CQE, then it must be submitted again.
void UringEchoServer::Impl::arm_recv(std::uint64_t id, Connection& c) {
    if (c.recv_armed || c.closing || c.peer_done || stopping) return;
    // Back-pressure: a connection holding its share of buffers receives no more until its
    // echoes have left (on_send re-arms). The client's data waits in the kernel's socket buffer,
    // and then in the client's: TCP flow control pushes back on the sender.
    if (c.to_send.size() >= config.max_buffers_per_connection) return;
    io_uring_sqe* sqe = ring->sqe();
    if (multishot_recv) {
        io_uring_prep_recv_multishot(sqe, c.fd, nullptr, 0, 0);
    } else {
        io_uring_prep_recv(sqe, c.fd, nullptr, buffers->size(), 0);
    }
    sqe->flags |= IOSQE_BUFFER_SELECT;
    sqe->buf_group = buffers->group();
    io_uring_sqe_set_data64(sqe, tag(Op::recv, id));
    c.recv_armed = true;
    c.recv_cancelling = false;
}

void UringEchoServer::Impl::on_recv(std::uint64_t id, int result, std::uint32_t flags) {
    auto it = connections.find(id);
    const bool has_buffer = (flags & IORING_CQE_F_BUFFER) != 0;
    if (it == connections.end()) {  // cannot happen: a connection outlives its operations
        if (has_buffer) buffers->give_back(buffers->take(flags));
        return;
    }
    Connection& c = it->second;
    // Without IORING_CQE_F_MORE this recv is over (single-shot, or the kernel ended the
    // multishot: end of stream, an error, no buffer, a cancel): nothing is pending any more.
    if (!(flags & IORING_CQE_F_MORE)) c.recv_armed = false;
    if (result > 0 && !c.closing) {
        c.to_send.push_back(Chunk{buffers->take(flags), std::uint32_t(result)});
        c.last_activity = Clock::now();
        send_next(id, c);
        if (c.recv_armed && !c.recv_cancelling &&
            c.to_send.size() >= config.max_buffers_per_connection) {
            cancel(tag(Op::recv, id));  // a multishot recv at the cap: stop it
            c.recv_cancelling = true;
        }
        arm_recv(id, c);  // single-shot (or an ended multishot): the next one
        return;
    }
    if (has_buffer) buffers->give_back(buffers->take(flags));  // data we will not echo
    if (c.closing) return close_when_idle(*this, id, c);
    if (result == 0) {  // end of stream: the client will send nothing more
        c.peer_done = true;
        if (c.to_send.empty()) begin_close(id, c);  // else on_send closes after the last echo
        return;
    }
    switch (-result) {
        case ENOBUFS:  // the ring is empty: wait until some connection's echo gives one back
            ++out_of_buffers;
            starved.push_back(id);
            return;
        case ECANCELED:  // our cancel at the cap: on_send re-arms once the queue is shorter
            return arm_recv(id, c);
        case EINVAL:
            if (multishot_recv) {  // a kernel before 6.0: fall back to single-shot recv
                multishot_recv = false;
                return arm_recv(id, c);
            }
            [[fallthrough]];
        default:  // ECONNRESET and friends: this client only
            return begin_close(id, c);
    }
}

// One send in flight per connection, always from the front of the queue: the kernel may complete
// (and with a short send, partly complete) sends in any order, and an echo must keep its order.
void UringEchoServer::Impl::send_next(std::uint64_t id, Connection& c) {
    if (c.send_in_flight || c.closing || c.to_send.empty()) return;
    const Chunk& chunk = c.to_send.front();
    io_uring_sqe* sqe = ring->sqe();
    // MSG_NOSIGNAL: a client that went away gives -EPIPE, not a process-killing SIGPIPE.
    io_uring_prep_send(sqe, c.fd, buffers->data(chunk.id) + chunk.sent, chunk.length - chunk.sent,
                       MSG_NOSIGNAL);
    io_uring_sqe_set_data64(sqe, tag(Op::send, id));
    c.send_in_flight = true;
}

void UringEchoServer::Impl::on_send(std::uint64_t id, int result) {
    auto it = connections.find(id);
    if (it == connections.end()) return;
    Connection& c = it->second;
    c.send_in_flight = false;
    if (c.closing) return close_when_idle(*this, id, c);
    if (result < 0) return begin_close(id, c);  // EPIPE, ECONNRESET: this client only
    c.last_activity = Clock::now();
    Chunk& chunk = c.to_send.front();
    chunk.sent += std::uint32_t(result);
    if (chunk.sent < chunk.length) return send_next(id, c);  // a short send: the rest, now
    // Every byte of this buffer has left: only now may the kernel reuse it.
    buffers->give_back(chunk.id);
    c.to_send.erase(c.to_send.begin());
    if (c.to_send.empty() && c.peer_done) return begin_close(id, c);
    send_next(id, c);
    arm_recv(id, c);  // below the cap again (a no-op while a recv is armed)
}

// Closing a descriptor does not end the operations pending on it (each holds its own reference to
// the socket): cancel them first, close once their last CQEs are in.
void UringEchoServer::Impl::begin_close(std::uint64_t id, Connection& c) {
    if (c.closing) return;
    c.closing = true;
    if (c.recv_armed || c.send_in_flight) {
        io_uring_sqe* sqe = ring->sqe();
        io_uring_prep_cancel_fd(sqe, c.fd, IORING_ASYNC_CANCEL_ALL);  // Linux 5.19
        io_uring_sqe_set_data64(sqe, tag(Op::cancel, id));
    }
    close_when_idle(*this, id, c);
}

void UringEchoServer::Impl::on_closed(std::uint64_t id) {
    if (id == 0) {  // a client refused over max_connections
        --refused_closes;
        return;
    }
    if (connections.erase(id) != 0) --active;
}

// Connections that got -ENOBUFS receive again once the ring has buffers (given back by sends
// that completed in this batch, published before the next submit).
void UringEchoServer::Impl::rearm_starved() {
    if (starved.empty() || buffers->available() == 0) return;
    std::vector<std::uint64_t> waiting;
    waiting.swap(starved);
    for (const std::uint64_t id : waiting) {
        if (auto it = connections.find(id); it != connections.end()) arm_recv(id, it->second);
    }
}

}  // namespace oslab
