// A file descriptor is a small integer the kernel hands out (open, socket, pipe, accept,
// epoll_create1) and that must be given back with close(). UniqueFd owns one, RAII-style: closed
// exactly once, in the destructor, even when an exception unwinds the stack. Move-only, like
// std::unique_ptr.
#pragma once

#include <unistd.h>

#include <utility>

namespace oslab {

class UniqueFd {
public:
    UniqueFd() noexcept = default;
    explicit UniqueFd(int fd) noexcept : fd_(fd) {}
    ~UniqueFd() { reset(); }

    UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept {
        if (this != &other) reset(other.release());
        return *this;
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;

    int get() const noexcept { return fd_; }
    bool valid() const noexcept { return fd_ >= 0; }
    explicit operator bool() const noexcept { return valid(); }

    // Gives up ownership without closing.
    int release() noexcept { return std::exchange(fd_, -1); }

    // Closes the current descriptor (if any) and takes ownership of fd. close() is not retried on
    // EINTR: on Linux the descriptor is released even then, and a retry could close a reused
    // number.
    void reset(int fd = -1) noexcept {
        if (fd_ >= 0) ::close(fd_);
        fd_ = fd;
    }

private:
    int fd_ = -1;
};

}  // namespace oslab
