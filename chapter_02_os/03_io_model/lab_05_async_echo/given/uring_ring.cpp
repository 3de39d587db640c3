// Given code (identical in starter/ and solution/, compiled only with liburing): the ring and the
// provided buffer ring of Step 7. See oslab/uring_ring.hpp.
#include "oslab/uring_ring.hpp"

#include <sys/mman.h>

#include <system_error>

namespace oslab::uring {

namespace {

struct SetupChoice {
    unsigned flags;
    const char* name;
};

[[noreturn]] void throw_result(int negative_errno, const char* call) {
    // liburing never sets errno: its functions return -errno.
    throw std::system_error(-negative_errno, std::generic_category(), call);
}

}  // namespace

Ring::Ring(unsigned entries, bool defer_taskrun) {
    const SetupChoice choices[] = {
        {IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN, "SINGLE_ISSUER|DEFER_TASKRUN"},
        {IORING_SETUP_COOP_TASKRUN, "COOP_TASKRUN"},
        {0, "none"},
    };
    int result = -EINVAL;
    for (const auto& choice : choices) {
        if (!defer_taskrun && (choice.flags & IORING_SETUP_DEFER_TASKRUN)) continue;
        io_uring_params params{};
        // Multishot operations post many completions per submission: a roomy CQ. (Should it
        // overflow anyway, the kernel keeps the extra CQEs and hands them over later.)
        params.flags = choice.flags | IORING_SETUP_CQSIZE;
        params.cq_entries = entries * 4;
        result = io_uring_queue_init_params(entries, &ring_, &params);
        if (result == 0) {
            flags_name_ = choice.name;
            return;
        }
        if (result != -EINVAL) break;  // EINVAL: a flag this kernel does not know; try older
    }
    throw_result(result, "io_uring_queue_init_params");
}

Ring::~Ring() {
    io_uring_queue_exit(&ring_);
}

io_uring_sqe* Ring::sqe() {
    io_uring_sqe* entry = io_uring_get_sqe(&ring_);
    if (entry == nullptr) {  // the submission queue is full: hand it to the kernel, take a slot
        const int submitted = io_uring_submit(&ring_);
        if (submitted < 0) throw_result(submitted, "io_uring_submit");
        entry = io_uring_get_sqe(&ring_);
        if (entry == nullptr) throw std::system_error(EBUSY, std::generic_category(), "sqe");
    }
    return entry;
}

ProvidedBuffers::ProvidedBuffers(Ring& ring, unsigned count, unsigned size, std::uint16_t group)
    : count_(count), size_(size), group_(group) {
    if (count == 0 || count > 32768 || (count & (count - 1)) != 0) {
        throw std::system_error(EINVAL, std::generic_category(),
                                "ProvidedBuffers: count must be a power of two <= 32768");
    }
    // The ring of buffer descriptors must be page aligned (io_uring_register_buf_ring(3)): mmap
    // gives whole pages. The buffers themselves are mapped lazily: a page costs memory only once
    // some data has been received into it.
    ring_bytes_ = sizeof(io_uring_buf) * count;
    data_bytes_ = std::size_t(count) * size;
    void* ring_memory =
        ::mmap(nullptr, ring_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (ring_memory == MAP_FAILED) throw std::system_error(errno, std::generic_category(), "mmap");
    void* data_memory =
        ::mmap(nullptr, data_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (data_memory == MAP_FAILED) {
        ::munmap(ring_memory, ring_bytes_);
        throw std::system_error(errno, std::generic_category(), "mmap");
    }
    ring_ = static_cast<io_uring_buf_ring*>(ring_memory);
    data_ = static_cast<std::byte*>(data_memory);

    io_uring_buf_reg registration{};
    registration.ring_addr = reinterpret_cast<std::uintptr_t>(ring_);
    registration.ring_entries = count;
    registration.bgid = group;
    const int result = io_uring_register_buf_ring(ring.get(), &registration, 0);
    if (result < 0) {
        ::munmap(ring_memory, ring_bytes_);
        ::munmap(data_memory, data_bytes_);
        throw_result(result, "io_uring_register_buf_ring");
    }
    // Every buffer starts in the kernel's hands.
    io_uring_buf_ring_init(ring_);
    const int mask = io_uring_buf_ring_mask(count);
    for (unsigned id = 0; id < count; ++id) {
        io_uring_buf_ring_add(ring_, data(std::uint16_t(id)), size, std::uint16_t(id), mask,
                              int(id));
    }
    io_uring_buf_ring_advance(ring_, int(count));
}

ProvidedBuffers::~ProvidedBuffers() {
    ::munmap(ring_, ring_bytes_);
    ::munmap(data_, data_bytes_);
}

std::uint16_t ProvidedBuffers::take(std::uint32_t cqe_flags) {
    held_.fetch_add(1, std::memory_order_relaxed);
    return std::uint16_t(cqe_flags >> IORING_CQE_BUFFER_SHIFT);
}

void ProvidedBuffers::give_back(std::uint16_t id) {
    // Written at tail + unpublished: the kernel does not look there until the tail moves.
    io_uring_buf_ring_add(ring_, data(id), size_, id, io_uring_buf_ring_mask(count_), unpublished_);
    ++unpublished_;
    held_.fetch_sub(1, std::memory_order_relaxed);
}

void ProvidedBuffers::publish() {
    if (unpublished_ == 0) return;
    io_uring_buf_ring_advance(ring_, unpublished_);  // a release store of the new tail
    unpublished_ = 0;
}

}  // namespace oslab::uring
