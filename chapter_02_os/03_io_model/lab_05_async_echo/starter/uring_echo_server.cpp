// Step 7 (extension): the echo server on io_uring, completion-based. Read the README section
// "Step 7: io_uring, completion-based" and theory.md section 6 first; man pages: io_uring(7),
// io_uring_submit_and_wait(3), io_uring_for_each_cqe (in io_uring_cq_advance(3)),
// io_uring_prep_multishot_accept(3), io_uring_prep_timeout(3), io_uring_prep_cancel(3).
//
// Given: the state and its invariants (oslab/uring_server_impl.hpp), start()/stop(), the ring
// and the provided buffers (oslab/uring_ring.hpp), routing of each CQE to the on_*() function of
// its tag (dispatch), arm_wake(), arm_timer(), cancel(), refuse(), drained().
// Yours: this file (the loop, stop, accept, timer) and uring_connection.cpp (one connection).
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <system_error>

#include "oslab/not_implemented.hpp"
#include "oslab/uring_server_impl.hpp"

namespace oslab {

using namespace uring;

// loop(): runs on the server's thread after setup() until stop() has been served.
// Contract: each turn makes the buffers given back since the previous turn visible to the kernel,
//   submits every SQE prepared since then and waits for at least one completion, in ONE system
//   call; hands every available CQE to dispatch(), then marks them all consumed at once; finally
//   gives connections that ran out of buffers their chance (rearm_starved) and, if the timer
//   asked for it (sweep_due), runs sweep_idle(). Returns when
//   `stopping` is set and drained() holds. A signal (-EINTR) or a full completion queue
//   (-EBUSY, -EAGAIN) is not an error: consume and go round again.
// Errors: any other failure throws std::system_error naming the call (the given thread body
//   prints it and closes what is left).
// OS facts: io_uring_submit_and_wait(ring, 1) returns the number submitted or -errno (liburing
//   never sets errno). io_uring_for_each_cqe(ring, head, cqe) walks the CQ without consuming;
//   io_uring_cq_advance(ring, n) consumes n; a CQE must not be touched after it is consumed.
//   ProvidedBuffers::publish() stores the buffer ring's tail once for the whole batch.
// Think: why is submitting and waiting in one call, once per turn, cheaper than one
//   io_uring_submit per SQE? What does strace -c show for each?
void UringEchoServer::Impl::loop() {
    OSLAB_TODO("UringEchoServer::Impl::loop: submit and wait, consume the CQEs in a batch",
               "Step 7: io_uring, completion-based");
}

// on_wake(): the eventfd read completed: stop() was called.
// Contract: sets `stopping`; ends the accept (a pending accept holds the listening socket open);
//   starts closing every connection, including those with a send stuck on a client that does
//   not read. Afterwards the loop keeps running until drained(): clients are closed through the
//   ring, and no descriptor may be left open.
// OS facts: io_uring_prep_cancel64(3) (the given cancel()) cancels the request with that
//   user_data; the cancelled request still posts its own CQE (-ECANCELED; for a multishot, one
//   without IORING_CQE_F_MORE).
void UringEchoServer::Impl::on_wake() {
    OSLAB_TODO("UringEchoServer::Impl::on_wake: stop accepting, close every client",
               "Step 7: io_uring, completion-based");
}

// arm_accept(): submits one multishot accept on `listener`, tag(Op::accept, 0).
// Contract: afterwards `accept_armed` is true; accepted descriptors are close-on-exec.
// OS facts: io_uring_prep_multishot_accept(3) (Linux 5.19): one SQE, one CQE per client; the
//   CQE's res is the new descriptor or -errno; the request stays armed while the CQE has
//   IORING_CQE_F_MORE. addr/addrlen may be nullptr (one shared address buffer makes no sense for
//   many completions).
void UringEchoServer::Impl::arm_accept() {
    OSLAB_TODO("UringEchoServer::Impl::arm_accept: multishot accept",
               "Step 7: io_uring, completion-based");
}

// on_accept(result, flags): one accept completion.
// Contract: result >= 0 is a new client: count it in `total`; over max_connections (or while
//   stopping) refuse() it; else TCP_NODELAY, a Connection under a fresh id (next_id++), `active`
//   + 1, and its first recv (arm_recv). EMFILE/ENFILE (also ENOMEM, ENOBUFS): count an
//   accept_backoff, pause accepting for 100 ms (accept_paused, accept_paused_until, arm_timer)
//   without spinning; other errors (ECONNABORTED: that client left) end nothing. In every case
//   the server keeps accepting unless paused or stopping.
// OS facts: a CQE without IORING_CQE_F_MORE means the multishot accept is over and must be
//   submitted again to get more clients. After EMFILE the client is still in the backlog: an
//   accept re-armed at once fails again at once.
// Think: what must happen when an accept CQE arrives without IORING_CQE_F_MORE? And with it, but
//   carrying -EMFILE?
void UringEchoServer::Impl::on_accept(int result, std::uint32_t flags) {
    OSLAB_TODO("UringEchoServer::Impl::on_accept: admit, refuse or back off",
               "Step 7: io_uring, completion-based");
}

// on_timer(): the IORING_OP_TIMEOUT armed by arm_timer() expired (its res is -ETIME).
// Contract: `timer_armed` becomes false; a paused accept whose time has come is re-armed (unless
//   stopping); with idle_timeout set, `sweep_due` is set (the loop calls sweep_idle() after the
//   batch); then arm_timer() again (it decides whether a timer is still needed).
// Think: why sweep after the batch and not here? (A loaded machine wakes the loop late: the
//   timer's CQE and a client's recv CQE may then arrive in the same batch, in either order.)
void UringEchoServer::Impl::on_timer() {
    OSLAB_TODO("UringEchoServer::Impl::on_timer: accept back-off, ask for a sweep",
               "Step 7: io_uring, completion-based");
}

// sweep_idle(): clears `sweep_due`; every connection not already closing and silent for at least
//   options.idle_timeout (now - last_activity) starts closing (begin_close).
void UringEchoServer::Impl::sweep_idle() {
    OSLAB_TODO("UringEchoServer::Impl::sweep_idle: drop silent clients",
               "Step 7: io_uring, completion-based");
}

}  // namespace oslab
