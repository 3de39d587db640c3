// Given code for Step 7 (compiled only with liburing): the ring and the provided buffer ring, so
// that the exercise is the completion loop. Read io_uring(7) for the picture: the submission
// queue (SQ) and the completion queue (CQ) are two ring buffers in memory shared with the kernel.
#pragma once

#include <liburing.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

namespace oslab::uring {

// What a submission was for. It travels in the 64-bit user_data of the SQE and comes back in the
// CQE, next to the connection's id (never reused, unlike a descriptor number, so a late
// completion cannot land on a newer connection that got the same fd).
enum class Op : std::uint8_t { wake, accept, recv, send, close, cancel, timer };

inline std::uint64_t tag(Op op, std::uint64_t id) {
    return id << 8 | static_cast<std::uint64_t>(op);
}
inline Op op_of(std::uint64_t user_data) {
    return static_cast<Op>(user_data & 0xff);
}
inline std::uint64_t id_of(std::uint64_t user_data) {
    return user_data >> 8;
}

// One io_uring instance. Create, use and destroy it on ONE thread: with
// IORING_SETUP_SINGLE_ISSUER the kernel refuses submissions (and registrations) from any other.
class Ring {
public:
    // io_uring_queue_init_params(3) with a completion queue 4x the submission queue and the best
    // task-running mode the kernel accepts (a kernel that does not know a flag fails with
    // -EINVAL, and the next, older, choice is tried):
    //   SINGLE_ISSUER | DEFER_TASKRUN (6.1): completions are processed only when this thread
    //     asks for them (io_uring_submit_and_wait), in a batch: no interrupting task work;
    //   COOP_TASKRUN (5.19): no inter-processor interrupt to run completion work at once;
    //   none.
    // defer_taskrun = false starts at COOP_TASKRUN. Throws std::system_error naming the call.
    explicit Ring(unsigned entries, bool defer_taskrun = true);
    ~Ring();  // io_uring_queue_exit: pending requests are cancelled, registrations dropped
    Ring(const Ring&) = delete;
    Ring& operator=(const Ring&) = delete;

    io_uring* get() { return &ring_; }
    // The next free SQE. When the submission queue is full, submits it first (so this never
    // returns nullptr). The caller fills the SQE with an io_uring_prep_*() call and user_data.
    io_uring_sqe* sqe();
    const std::string& setup_flags() const { return flags_name_; }

private:
    io_uring ring_{};
    std::string flags_name_;
};

// A provided buffer ring (Linux 5.19): `count` buffers of `size` bytes registered as buffer group
// `group`. A recv SQE with IOSQE_BUFFER_SELECT and buf_group = group lets the kernel pick a buffer
// only when data arrives; the CQE then has IORING_CQE_F_BUFFER and the buffer id in its upper 16
// flag bits. The buffer is the program's until give_back() + publish() return it to the kernel.
// (liburing 2.4 has io_uring_setup_buf_ring(3) for this; Debian 12's 2.3 has only
// io_uring_register_buf_ring(3), so the ring memory is mapped here.)
class ProvidedBuffers {
public:
    // Throws std::system_error("io_uring_register_buf_ring") if the kernel refuses.
    ProvidedBuffers(Ring& ring, unsigned count, unsigned size, std::uint16_t group);
    // Unmaps the memory. Destroy it after the Ring: io_uring_queue_exit drops the registration.
    ~ProvidedBuffers();
    ProvidedBuffers(const ProvidedBuffers&) = delete;
    ProvidedBuffers& operator=(const ProvidedBuffers&) = delete;

    std::uint16_t group() const { return group_; }
    unsigned size() const { return size_; }
    std::byte* data(std::uint16_t id) { return data_ + std::size_t(id) * size_; }

    // The buffer a completion carries (its flags must have IORING_CQE_F_BUFFER); counted as held.
    std::uint16_t take(std::uint32_t cqe_flags);
    // Returns a taken buffer to the ring. The kernel sees it after the next publish().
    void give_back(std::uint16_t id);
    // Makes every buffer given back since the last call visible to the kernel (one store of the
    // ring's tail for the whole batch). Call it before submitting.
    void publish();

    std::size_t held() const { return held_.load(std::memory_order_relaxed); }
    std::size_t available() const { return count_ - held(); }

private:
    io_uring_buf_ring* ring_ = nullptr;
    std::byte* data_ = nullptr;
    std::size_t ring_bytes_ = 0, data_bytes_ = 0;
    unsigned count_, size_;
    std::uint16_t group_;
    int unpublished_ = 0;
    std::atomic<std::size_t> held_{0};  // read by other threads (UringEchoServer::counters)
};

}  // namespace oslab::uring
