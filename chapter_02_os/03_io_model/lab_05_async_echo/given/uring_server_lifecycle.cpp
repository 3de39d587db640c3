// Given code (identical in starter/ and solution/, compiled only with liburing): the frame of the
// io_uring echo server of Step 7: start() and stop(), the ring setup, the wake-up eventfd, the
// timer, and the routing of each completion to its handler. The handlers and the loop are the
// exercise (starter/uring_echo_server.cpp, starter/uring_connection.cpp).
#include <netinet/in.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdio>
#include <future>
#include <stdexcept>

#include "oslab/net.hpp"
#include "oslab/sys_error.hpp"
#include "oslab/uring_server_impl.hpp"

namespace oslab {

using namespace uring;
using std::chrono::milliseconds;

void UringEchoServer::Impl::setup() {
    ring.emplace(256, config.defer_taskrun);
    ring_flags = ring->setup_flags();
    buffers.emplace(*ring, config.buffer_count, config.buffer_size, kBufferGroup);
    multishot_recv = config.multishot_recv;
    arm_wake();
    arm_accept();
    arm_timer();  // only if idle_timeout is set
}

void UringEchoServer::Impl::dispatch(const io_uring_cqe& cqe) {
    const std::uint64_t id = id_of(cqe.user_data);
    switch (op_of(cqe.user_data)) {
        case Op::wake:
            return on_wake();
        case Op::accept:
            return on_accept(cqe.res, cqe.flags);
        case Op::recv:
            return on_recv(id, cqe.res, cqe.flags);
        case Op::send:
            return on_send(id, cqe.res);
        case Op::close:
            return on_closed(id);
        case Op::timer:
            return on_timer();
        case Op::cancel:
            return;  // its result (0, -ENOENT, -EALREADY) matters less than the target's CQE
    }
}

// stop() must wake a thread sleeping in io_uring_submit_and_wait. It may not touch the ring: with
// IORING_SETUP_SINGLE_ISSUER the kernel rejects submissions from a second thread (-EEXIST), and
// without it liburing's SQ is still not thread-safe, so "io_uring_prep_nop from stop()" is out.
// io_uring_prep_msg_ring would need a second ring in the stopping thread. Simplest: a READ of an
// eventfd, pending from the start; stop() write()s the eventfd (a plain system call), the read
// completes, the loop sees Op::wake. The eventfd is blocking on purpose: on an O_NONBLOCK file
// io_uring would complete the read at once with -EAGAIN instead of waiting.
void UringEchoServer::Impl::arm_wake() {
    io_uring_sqe* sqe = ring->sqe();
    io_uring_prep_read(sqe, wake.get(), &wake_value, sizeof wake_value, 0);
    io_uring_sqe_set_data64(sqe, tag(Op::wake, 0));
}

// The loop may return once nothing refers to a descriptor any more: every connection closed
// through the ring, and the accept finished (a pending accept holds a reference to the listening
// socket, which would otherwise stay open until the kernel tears the ring down, asynchronously).
bool UringEchoServer::Impl::drained() const {
    return connections.empty() && !accept_armed && refused_closes == 0;
}

void UringEchoServer::Impl::refuse(int fd) {
    io_uring_sqe* sqe = ring->sqe();
    io_uring_prep_close(sqe, fd);  // over max_connections: the client reads end of stream
    io_uring_sqe_set_data64(sqe, tag(Op::close, 0));
    ++refused_closes;
}

// One IORING_OP_TIMEOUT at a time (a relative timeout: it completes with -ETIME when it expires),
// armed while something needs the clock: the idle sweep (every idle_timeout/4, so a client is
// dropped at most 25% late) and the accept back-off.
void UringEchoServer::Impl::arm_timer() {
    const bool idle = options.idle_timeout.count() > 0;
    if (timer_armed || stopping || !(idle || accept_paused)) return;
    milliseconds interval =
        idle ? std::clamp(options.idle_timeout / 4, milliseconds(1), milliseconds(1000))
             : milliseconds(100);
    if (accept_paused) interval = std::min(interval, milliseconds(100));
    timer_interval.tv_sec = interval.count() / 1000;
    timer_interval.tv_nsec = (interval.count() % 1000) * 1'000'000;
    io_uring_sqe* sqe = ring->sqe();
    io_uring_prep_timeout(sqe, &timer_interval, 0, 0);
    io_uring_sqe_set_data64(sqe, tag(Op::timer, 0));
    timer_armed = true;
}

void UringEchoServer::Impl::cancel(std::uint64_t user_data) {
    io_uring_sqe* sqe = ring->sqe();
    io_uring_prep_cancel64(sqe, user_data, 0);
    io_uring_sqe_set_data64(sqe, tag(Op::cancel, 0));
}

UringEchoServer::UringEchoServer(EchoServerOptions options, UringConfig config)
    : impl_(std::make_unique<Impl>()) {
    impl_->options = std::move(options);
    impl_->config = std::move(config);
}

UringEchoServer::~UringEchoServer() {
    stop();
}

std::uint16_t UringEchoServer::start() {
    Impl& s = *impl_;
    if (s.thread.joinable()) throw std::logic_error("UringEchoServer::start called twice");
    const auto availability = probe_io_uring(s.config.io_uring_disabled_path);
    if (!availability.ok) throw std::runtime_error("io_uring unavailable: " + availability.reason);
    s.listener = listen_tcp(s.options.host, s.options.port, SOMAXCONN);
    s.wake = UniqueFd(check_syscall(::eventfd(0, EFD_CLOEXEC), "eventfd"));
    // The ring is created by the thread that will submit to it (SINGLE_ISSUER); setup errors come
    // back through the promise and are thrown here.
    std::promise<void> ready;
    auto ready_future = ready.get_future();
    s.thread = std::thread([&s, ready = std::move(ready)]() mutable {
        try {
            s.setup();
        } catch (...) {
            s.ring.reset();
            s.buffers.reset();
            ready.set_exception(std::current_exception());
            return;
        }
        ready.set_value();
        try {
            s.loop();
        } catch (const std::exception& e) {
            std::fprintf(stderr, "io_uring echo server: event loop stopped: %s\n", e.what());
            for (auto& [id, c] : s.connections)  // no ring to close them through any more
                ::close(c.fd);
            s.active -= s.connections.size();
            s.connections.clear();
        }
        s.ring.reset();  // io_uring_queue_exit, on the ring's own thread
    });
    try {
        ready_future.get();
    } catch (...) {
        s.thread.join();
        s.listener.reset();
        s.wake.reset();
        throw;
    }
    return local_port(s.listener.get());
}

void UringEchoServer::stop() {
    Impl& s = *impl_;
    if (!s.thread.joinable()) return;
    std::uint64_t one = 1;  // completes the loop's pending eventfd read
    check_syscall(::write(s.wake.get(), &one, sizeof one), "write(eventfd)");
    s.thread.join();
    // The loop has closed every client and ended the accept; the ring is gone.
    s.listener.reset();
    s.wake.reset();
    s.buffers.reset();
}

std::size_t UringEchoServer::active_connections() const {
    return impl_->active.load();
}
std::size_t UringEchoServer::total_connections() const {
    return impl_->total.load();
}
UringCounters UringEchoServer::counters() const {
    const Impl& s = *impl_;
    return {s.buffers ? s.buffers->held() : 0, s.out_of_buffers.load(), s.accept_backoffs.load()};
}
std::string UringEchoServer::setup_flags() const {
    return impl_->ring_flags;
}

}  // namespace oslab
