// Step 7 (extension): one connection's life on io_uring: receive into a provided buffer, send
// that buffer back, return it to the ring, close through the ring. Read the README section
// "Step 7: io_uring, completion-based" first; man pages: io_uring_prep_recv_multishot(3),
// io_uring_register_buf_ring(3) (provided buffers, IORING_CQE_F_BUFFER), io_uring_prep_send(3),
// io_uring_prep_cancel_fd (in io_uring_prep_cancel(3)), io_uring_prep_close(3).
//
// The invariants are in oslab/uring_server_impl.hpp (Connection); the buffer API in
// oslab/uring_ring.hpp (ProvidedBuffers: take, give_back, data, available).
#include <sys/socket.h>

#include "oslab/not_implemented.hpp"
#include "oslab/uring_server_impl.hpp"

namespace oslab {

using namespace uring;

// arm_recv(id, c): starts receiving for connection `id`, unless it must not receive now.
// Contract: does nothing while a recv is armed, the connection is closing, the peer is done,
//   the server is stopping, or the connection already holds config.max_buffers_per_connection
//   buffers (back-pressure). Else submits a recv that selects its buffer from the provided ring
//   (multishot if `multishot_recv`, else single-shot), tag(Op::recv, id); sets recv_armed.
// OS facts: IOSQE_BUFFER_SELECT in sqe->flags and sqe->buf_group = buffers->group() let the
//   kernel pick a buffer when data arrives, so an idle connection holds none.
//   io_uring_prep_recv_multishot(3) (Linux 6.0) requires buffer nullptr and length 0;
//   single-shot io_uring_prep_recv takes the buffer size as its length.
void UringEchoServer::Impl::arm_recv(std::uint64_t id, Connection& c) {
    OSLAB_TODO("UringEchoServer::Impl::arm_recv: recv into a provided buffer",
               "Step 7: io_uring, completion-based");
}

// on_recv(id, result, flags): one recv completion.
// Contract: result > 0: the bytes are in the buffer the CQE names; queue it (to_send), update
//   last_activity, start sending if no send is in flight; at the cap, stop a multishot recv
//   (once); re-arm if the recv is over. result == 0: the client sent everything; close once the
//   queue is echoed. -ENOBUFS: the ring was empty: count it (out_of_buffers), remember the
//   connection in `starved`. -ECANCELED: our cancel; receive again when allowed. -EINVAL with
//   multishot: the kernel is older than 6.0: switch to single-shot for good and re-arm. Other
//   errors (-ECONNRESET): close this connection only. A buffer that carries no data to echo
//   (also on a closing connection) goes straight back to the ring.
// OS facts: IORING_CQE_F_BUFFER says a buffer was consumed, its id is flags >>
//   IORING_CQE_BUFFER_SHIFT (ProvidedBuffers::take does this and counts it as held). Without
//   IORING_CQE_F_MORE the recv is over (always, for single-shot).
// Think: what must happen when a CQE arrives without IORING_CQE_F_MORE? Why can the cap be
//   exceeded a little with multishot, but not with single-shot recv?
void UringEchoServer::Impl::on_recv(std::uint64_t id, int result, std::uint32_t flags) {
    OSLAB_TODO("UringEchoServer::Impl::on_recv: queue the data, end of stream, -ENOBUFS",
               "Step 7: io_uring, completion-based");
}

// send_next(id, c): sends the unsent rest of the front of c.to_send, if no send is in flight
//   (and the connection is not closing); tag(Op::send, id); sets send_in_flight.
// OS facts: io_uring_prep_send(3) like send(2): flags MSG_NOSIGNAL (a dead client gives -EPIPE,
//   not SIGPIPE). The buffer must stay untouched until the send's CQE.
void UringEchoServer::Impl::send_next(std::uint64_t id, Connection& c) {
    OSLAB_TODO("UringEchoServer::Impl::send_next: one send in flight",
               "Step 7: io_uring, completion-based");
}

// on_send(id, result): one send completion.
// Contract: result < 0: close the connection. Else result bytes of the front chunk left: a
//   short send goes on with the rest; a fully sent chunk's buffer goes back to the ring and the
//   next chunk is sent; the connection receives again if it was held back by the cap; a peer
//   that is done and has nothing left queued is closed. On a closing connection, only finish
//   the close once nothing is pending any more.
// Think: when may a buffer go back to the ring? Why not two sends in flight per connection?
void UringEchoServer::Impl::on_send(std::uint64_t id, int result) {
    OSLAB_TODO("UringEchoServer::Impl::on_send: short sends, give buffers back",
               "Step 7: io_uring, completion-based");
}

// begin_close(id, c): starts closing (idempotent: a second call does nothing).
// Contract: marks the connection closing; cancels its pending recv and send, if any; once none
//   is pending (now or in a later on_recv/on_send), gives every queued buffer back and submits
//   the close, tag(Op::close, id). The Connection stays in `connections` until its close CQE.
// OS facts: closing a descriptor does not end the requests pending on it (each holds its own
//   reference to the socket). io_uring_prep_cancel_fd(sqe, fd, IORING_ASYNC_CANCEL_ALL) (5.19)
//   cancels every request on fd; io_uring_prep_close(3) closes through the ring.
void UringEchoServer::Impl::begin_close(std::uint64_t id, Connection& c) {
    OSLAB_TODO("UringEchoServer::Impl::begin_close: cancel, then close through the ring",
               "Step 7: io_uring, completion-based");
}

// on_closed(id): a close completed. id 0 is a refused client (refused_closes - 1); otherwise the
//   connection leaves `connections` and `active` goes down by one.
void UringEchoServer::Impl::on_closed(std::uint64_t id) {
    OSLAB_TODO("UringEchoServer::Impl::on_closed: forget the connection",
               "Step 7: io_uring, completion-based");
}

// rearm_starved(): after each batch: if the ring has buffers again (buffers->available() > 0),
//   every connection in `starved` that still exists gets arm_recv(); `starved` is emptied.
void UringEchoServer::Impl::rearm_starved() {
    OSLAB_TODO("UringEchoServer::Impl::rearm_starved: receive again after -ENOBUFS",
               "Step 7: io_uring, completion-based");
}

}  // namespace oslab
